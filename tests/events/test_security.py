"""The Host/Origin/token/body checks of `serve` (fnplan.events.security), one rule at a time."""

from __future__ import annotations

import pytest

from fnplan.errors import FnplanError
from fnplan.events.security import Guard, Policy, check_exposure


def scope(path: str = "/hooks/x", **headers: str) -> dict[str, object]:
    fields = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http", "path": path, "headers": fields}


def status(guard: Guard, path: str = "/hooks/x", **headers: str) -> int | None:
    refused = guard.refusal(scope(path, **headers))
    return None if refused is None else refused[0]


def test_hosts_with_the_port_and_allowed_names() -> None:
    guard = Guard(Policy(allow_hosts=("Box.lan", "fd00::1", "proxy:443")), "127.0.0.1", 8080)
    for host in ("127.0.0.1:8080", "localhost:8080", "[::1]:8080", "box.lan:8080", "box.lan"):
        assert status(guard, host=host) is None, host
    assert status(guard, host="[fd00::1]:8080") is None
    assert status(guard, host="proxy:443") is None
    for host in ("localhost", "localhost:8081", "evil.example:8080", "proxy", "", "[::2]:8080"):
        assert status(guard, host=host) == 403, host


def test_ipv6_bound_address_is_allowed_in_brackets() -> None:
    guard = Guard(Policy(), "::1", 9000)
    assert status(guard, host="[::1]:9000") is None


def test_origin_and_fetch_site() -> None:
    guard = Guard(Policy(), "127.0.0.1", 8080)
    host = "127.0.0.1:8080"
    assert status(guard, host=host, origin="http://localhost:8080") is None
    assert status(guard, host=host, origin="https://127.0.0.1:8080") is None
    assert status(guard, host=host, origin="http://localhost:3000") == 403
    assert status(guard, host=host, origin="null") == 403
    assert status(guard, host=host, sec_fetch_site="same-site") == 403
    assert status(guard, host=host, sec_fetch_site="none") is None


def test_token_and_body_limit() -> None:
    guard = Guard(Policy(token="t0k", max_body=10), "127.0.0.1", 8080)
    host = "127.0.0.1:8080"
    assert status(guard, host=host) == 401
    assert status(guard, "/healthz", host=host) is None
    assert status(guard, host=host, authorization="Bearer t0k") is None
    assert status(guard, host=host, authorization="bearer t0k") is None
    assert status(guard, host=host, authorization="Basic t0k") == 401
    assert status(guard, host=host, authorization="Bearer t0k", content_length="11") == 413


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "my-box.lan"])
def test_listening_beyond_loopback_needs_a_token(host: str) -> None:
    with pytest.raises(FnplanError, match="without a token"):
        check_exposure(host, None)
    check_exposure(host, "t0k")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_token(host: str) -> None:
    check_exposure(host, None)
