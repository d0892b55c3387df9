"""`fnplan serve` is safe by default: Host and Origin checks, bearer token, body limit,
clean 400/413/422 answers, a deep listen backlog, CloudEvents batch mode and de-duplication.

Every test talks to a real `fnplan serve --port 0` on 127.0.0.1; malformed requests go
through raw sockets so that no client library tidies them up first.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.events.conftest import Server

ORDER = "com.example.order.placed"


def raw(server: Server, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send `head` (request line + headers, without the blank line) and `body` as they are;
    (status, lower-cased headers, body) of the answer, read until the server closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head_bytes, _, payload = received.partition(b"\r\n\r\n")
    status_line, *lines = head_bytes.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
    return int(status_line.split()[1]), headers, payload


def host(server: Server) -> str:
    return f"127.0.0.1:{server.port}"


def post(server: Server, path: str, body: Any, **headers: str) -> httpx.Response:
    """POST JSON `body` (or bytes) with extra headers (underscores become dashes)."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return httpx.post(f"{server.url}{path}", content=content, headers=extra, timeout=60)


ORDER_BODY = {"order": "o-1", "qty": 1}


def event(event_id: str, qty: int = 1, source: str = "tests://safety") -> dict[str, Any]:
    data = {"id": event_id, "qty": qty}
    return {"specversion": "1.0", "id": event_id, "source": source, "type": ORDER, "data": data}


def executions(project: Path, workflow: str) -> list[dict[str, Any]]:
    """The recorded runs of a workflow, from `fnplan runs --json`."""
    result = run_fnplan("runs", workflow, "--limit", "100000", "--json", cwd=project, check=None)
    if result.returncode == 1 and "no runs of" in result.stderr:
        return []
    assert result.returncode == 0, result.stderr
    runs: list[dict[str, Any]] = json.loads(result.stdout)
    return runs


def stopped(server: Server) -> tuple[str, str]:
    """Stop the server (it finishes its runs); its stdout and stderr."""
    code, out = server.stop()
    err = server.stderr()
    assert code == 0, out + err
    return out, err


@pytest.fixture
def started(project: Path) -> Iterator[list[Server]]:
    """Servers a test starts with its own options; killed if the test leaves them running."""
    servers: list[Server] = []
    yield servers
    for server in servers:
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate()


def test_200_concurrent_posts_all_get_answers_and_runs(project: Path, serve: Server) -> None:
    before = len(executions(project, "workflow.process"))
    barrier = threading.Barrier(200)
    statuses: list[int] = []

    def call(number: int) -> None:
        barrier.wait()
        answer = post(serve, "/hooks/process", {"order": f"c-{number}", "qty": number})
        statuses.append(answer.status_code)

    callers = [threading.Thread(target=call, args=(n,)) for n in range(200)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=120)
    assert len(statuses) == 200 and set(statuses) <= {200, 202}, statuses
    stopped(serve)
    runs = executions(project, "workflow.process")
    assert len(runs) - before == 200
    assert {run["status"] for run in runs[: len(runs) - before]} == {"succeeded"}


def test_a_foreign_host_is_refused(project: Path, started: list[Server]) -> None:
    server = Server(project, "--allow-host", "api.internal")
    started.append(server)
    for good in (host(server), f"localhost:{server.port}", f"api.internal:{server.port}"):
        status, _, _ = raw(server, f"GET /healthz HTTP/1.1\nHost: {good}\nConnection: close")
        assert status == 200, good
    for bad in ("evil.example", f"evil.example:{server.port}", "localhost:1"):
        head = f"POST /hooks/process HTTP/1.1\nHost: {bad}\nContent-Length: 2\nConnection: close"
        status, _, body = raw(server, head, b"{}")
        assert status == 403, bad
        assert f"Host {bad!r} is not allowed" in json.loads(body)["error"]
    out, _ = stopped(server)
    assert "trigger.hook" not in out


def test_a_cross_origin_post_is_refused(serve: Server) -> None:
    refused = post(serve, "/hooks/process", ORDER_BODY, Origin="https://evil.example")
    assert refused.status_code == 403, refused.text
    assert "cross-origin" in refused.json()["error"]
    assert post(serve, "/hooks/process", ORDER_BODY, Origin="null").status_code == 403
    sneaky = post(serve, "/hooks/process", ORDER_BODY, Sec_Fetch_Site="cross-site")
    assert sneaky.status_code == 403
    same = post(serve, "/hooks/process", ORDER_BODY, Origin=f"http://{host(serve)}")
    assert same.status_code == 200, same.text
    assert (
        post(serve, "/hooks/process", ORDER_BODY, Sec_Fetch_Site="same-origin").status_code == 200
    )
    out, _ = stopped(serve)
    assert out.count("trigger.hook -> workflow.process") == 2


def test_an_over_limit_body_gets_413_also_chunked(project: Path, started: list[Server]) -> None:
    server = Server(project, "--max-body", "1024")
    started.append(server)
    huge = f"POST /hooks/process HTTP/1.1\nHost: {host(server)}\nContent-Length: 300000000"
    status, headers, body = raw(server, huge)  # the body is never sent: refused up front
    assert status == 413 and headers["connection"] == "close"
    assert "1024 bytes" in json.loads(body)["error"]

    chunked = f"POST /hooks/process HTTP/1.1\nHost: {host(server)}\nTransfer-Encoding: chunked"
    chunk = b'"' + b"x" * 698 + b'"'
    status, _, body = raw(server, chunked, b"2bc\r\n" + chunk + b"\r\n" + b"2bc\r\n" + chunk)
    assert status == 413 and "1024 bytes" in json.loads(body)["error"]

    payload = b'{"order": "chunked", "qty": 3}'
    whole = f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n"
    status, _, body = raw(server, f"{chunked}\nConnection: close", whole)
    assert status == 200 and json.loads(body)["output"] == {"order": "chunked", "qty": 3}
    stopped(server)


def test_token_guards_every_path_but_healthz(project: Path, started: list[Server]) -> None:
    server = Server(project, env={"FNPLAN_SERVE_TOKEN": "s3cret-token"})
    started.append(server)
    assert httpx.get(f"{server.url}/healthz").status_code == 200
    missing = post(server, "/hooks/process", ORDER_BODY)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert (
        post(server, "/hooks/process", ORDER_BODY, Authorization="Bearer wrong").status_code == 401
    )
    assert httpx.get(f"{server.url}/metrics").status_code == 401
    good = post(server, "/hooks/process", ORDER_BODY, Authorization="Bearer s3cret-token")
    assert good.status_code == 200 and good.json()["output"] == ORDER_BODY
    out, err = stopped(server)
    assert "s3cret-token" not in out + err

    server = Server(project, "--token", "flag-token")
    started.append(server)
    assert post(server, "/events", event("tok"), Authorization="Bearer flag-token").is_success
    assert post(server, "/events", event("tok2")).status_code == 401
    stopped(server)


def test_a_non_loopback_bind_needs_a_token(project: Path) -> None:
    result = run_fnplan("serve", "--host", "0.0.0.0", "--port", "0", cwd=project, check=None)
    assert_clean_error(result, "--host 0.0.0.0", "FNPLAN_SERVE_TOKEN")
    assert len(result.stderr.strip().splitlines()) <= 2  # the error and its hint


def test_malformed_requests_get_400_without_a_traceback(serve: Server) -> None:
    head = f"POST /hooks/process HTTP/1.1\nHost: {host(serve)}\nContent-Length: abc"
    status, _, _ = raw(serve, head, b"{}")
    assert status == 400
    invalid = post(serve, "/hooks/process", b"{oops")
    assert invalid.status_code == 400 and "not JSON" in invalid.json()["error"]
    latin = post(serve, "/hooks/process", b'"\xff"')
    assert latin.status_code == 400
    array = post(serve, "/events", [event("a1")], Content_Type="application/cloudevents+json")
    assert array.status_code == 400, array.text
    assert "cloudevents-batch+json" in array.json()["hint"]
    assert post(serve, "/events", b'"text"').status_code == 400
    out, err = stopped(serve)
    assert "Traceback" not in out + err


def test_input_failing_the_workflow_schema_is_422(project: Path, serve: Server) -> None:
    answer = post(serve, "/hooks/strict", {"id": "s-1"})
    assert answer.status_code == 422, answer.text
    assert "'qty' is a required property" in answer.json()["error"]
    bad_data = post(serve, "/events", event("bad", qty=0))
    assert bad_data.status_code == 422 and "does not match its schema" in bad_data.json()["error"]
    good = post(serve, "/hooks/strict", {"id": "s-2", "qty": 1})
    assert good.status_code == 200 and good.json()["output"] is None
    stopped(serve)
    assert len(executions(project, "workflow.strict")) == 1


def test_batch_mode_runs_each_event(serve: Server) -> None:
    batch = [event("b-1", 1), event("b-2", 2)]
    answer = post(serve, "/events", batch, Content_Type="application/cloudevents-batch+json")
    assert answer.status_code == 200, answer.text
    outputs = [result["output"] for result in answer.json()["results"]]
    assert outputs == [{"order": "b-1", "qty": 1}, {"order": "b-2", "qty": 2}]
    not_events = post(
        serve, "/events", [event("b-3"), 7], Content_Type="application/cloudevents-batch+json"
    )
    assert not_events.status_code == 400 and "event 1 of the batch" in not_events.json()["error"]
    stopped(serve)


def test_a_repeated_source_and_id_runs_once(serve: Server) -> None:
    first = post(serve, "/events", event("d-1"))
    assert first.status_code == 200 and len(first.json()["results"]) == 1
    again = post(serve, "/events", event("d-1"))
    assert again.status_code == 200, again.text
    assert again.json()["results"] == []
    assert again.json()["duplicates"] == [{"source": "tests://safety", "id": "d-1"}]
    other_source = post(serve, "/events", event("d-1", source="tests://other"))
    assert len(other_source.json()["results"]) == 1
    binary = {"ce-specversion": "1.0", "ce-id": "d-1", "ce-source": "tests://safety"}
    headers = {**binary, "ce-type": ORDER, "content-type": "application/json"}
    repeat = httpx.post(f"{serve.url}/events", json={"id": "d-1", "qty": 1}, headers=headers)
    assert repeat.json()["results"] == [] and len(repeat.json()["duplicates"]) == 1
    out, _ = stopped(serve)
    assert out.count("trigger.on_order -> workflow.process: succeeded") == 2
