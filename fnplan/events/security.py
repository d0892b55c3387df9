"""What `fnplan serve` refuses before a request reaches a trigger: safe by default.

A web page the user visits must not be able to start workflows on their machine, so every
request passes the `GuardMiddleware` first:

- **Host** must name this server: its bound address, `localhost`, `127.0.0.1` or `[::1]`
  with its port, or a name given with `--allow-host` (DNS rebinding) -> 403.
- **Origin** (and `Sec-Fetch-Site`), when a browser sends it, must be one of those hosts
  (cross-site request forgery) -> 403.
- **Bearer token**, when set, guards every path but `/healthz` -> 401. Serving beyond the
  loopback interface requires one. A browser on the studio (`serve --ui`) shows it once as
  `?token=` on a `/ui/` page, which answers with a SameSite=Strict cookie sent from then on.
- **Body** at most `max_body` bytes, counted while it streams in (chunked too) -> 413.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fnplan.errors import FnplanError

DEFAULT_MAX_BODY = 1024 * 1024
TOKEN_ENV = "FNPLAN_SERVE_TOKEN"
#: the cookie holding the token in a browser on the studio (set by its pages)
TOKEN_COOKIE = "fnplan_token"
#: pages that may be opened with the token in their query (`?token=`): the studio's, not
#: its API (whose requests carry the cookie)
UI_PREFIX = "/ui/"
_UI_API = "/ui/api/"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
_OPEN_PATHS = frozenset({"/healthz"})
_SAME_ORIGIN_FETCHES = frozenset({"same-origin", "none"})


@dataclass(frozen=True, slots=True)
class Policy:
    """What the user allowed on the command line."""

    allow_hosts: tuple[str, ...] = ()
    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY


def check_exposure(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token: anyone reaching the port
    could otherwise start workflows."""
    if token or is_loopback(host):
        return
    raise FnplanError(
        f"serve --host {host} would accept requests from other machines without a token",
        hint=f"set a bearer token with --token or {TOKEN_ENV}, or listen on 127.0.0.1",
    )


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """The Host values, origins, token and body limit one bound server accepts."""

    def __init__(self, policy: Policy, bound_host: str, port: int) -> None:
        self.policy = policy
        names = {url_host(bound_host), *LOOPBACK_NAMES}
        hosts = {f"{name}:{port}" for name in names}
        for entry in policy.allow_hosts:
            hosts |= _allowed_forms(entry.strip().lower(), port)
        self.hosts = frozenset(hosts)
        self.origins = frozenset(f"{scheme}://{h}" for h in hosts for scheme in ("http", "https"))

    def refusal(self, scope: Scope) -> tuple[int, str, str, dict[str, str]] | None:
        """(status, message, hint, headers) when the request is refused before any reading."""
        headers = _headers(scope)
        host = headers.get("host", "")
        if host.lower() not in self.hosts:
            message = f"Host {host!r} is not allowed"
            return 403, message, "add it with --allow-host NAME, or use localhost", {}
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site", "").lower()
        if origin is not None and origin.lower() not in self.origins:
            message = f"cross-origin request refused: Origin {origin!r} is not this server"
            return 403, message, "requests must come from this server's own origin", {}
        if origin is None and site and site not in _SAME_ORIGIN_FETCHES:
            message = f"cross-origin request refused (Sec-Fetch-Site: {site})"
            return 403, message, "requests must come from this server's own origin", {}
        if (
            self.policy.token
            and scope["path"] not in _OPEN_PATHS
            and not self._authorized(scope, headers)
        ):
            hint = f"send Authorization: Bearer <token> (the --token or {TOKEN_ENV} value)"
            return 401, "a valid bearer token is required", hint, {"WWW-Authenticate": "Bearer"}
        length = headers.get("content-length", "0")
        if length.isdigit() and int(length) > self.policy.max_body:
            return 413, self.too_large(), "raise the limit with --max-body", {"Connection": "close"}
        return None

    def too_large(self) -> str:
        return f"the request body is larger than {self.policy.max_body} bytes"

    def _authorized(self, scope: Scope, headers: dict[str, str]) -> bool:
        expected = (self.policy.token or "").encode()
        scheme, _, token = headers.get("authorization", "").partition(" ")
        given = [token.strip()] if scheme.lower() == "bearer" else []
        cookie = _cookies(headers).get(TOKEN_COOKIE)
        given += [cookie.value] if cookie is not None else []
        if _is_page(scope):
            given += page_tokens(scope)
        return any(hmac.compare_digest(value.encode(), expected) for value in given)


class GuardMiddleware:
    """ASGI middleware applying a `Guard`: refuses early, and limits the body as it streams."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = self.guard.refusal(scope)
        if refused is not None:
            status, message, hint, headers = refused
            await send_json(send, status, {"error": message, "hint": hint}, headers)
            return
        await self.app(scope, self._limited(receive), send)

    def _limited(self, receive: Receive) -> Receive:
        """`receive` that raises 413 as soon as the body read so far passes the limit."""
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.guard.policy.max_body:
                    headers = {"Connection": "close"}
                    raise HTTPException(413, self.guard.too_large(), headers=headers)
            return message

        return limited


def url_host(host: str) -> str:
    """The host as written in a URL and a Host header: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _allowed_forms(entry: str, port: int) -> set[str]:
    """`NAME` allows `NAME:PORT` and a bare `NAME` (behind a proxy); `NAME:P` only itself."""
    if entry.count(":") > 1 and not entry.startswith("["):
        entry = url_host(entry)  # a bare IPv6 address
    _, colon, given = entry.rpartition(":")
    if colon and given.isdigit():
        return {entry}
    return {f"{entry}:{port}", entry}


def _is_page(scope: Scope) -> bool:
    path = str(scope["path"])
    return (
        scope.get("method") == "GET" and path.startswith(UI_PREFIX) and not path.startswith(_UI_API)
    )


def page_tokens(scope: Scope) -> list[str]:
    """The `token` values in a request's query string."""
    return parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])


def _cookies(headers: dict[str, str]) -> SimpleCookie:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except CookieError:  # a malformed Cookie header authorizes nothing
        return SimpleCookie()
    return cookies


def _headers(scope: Scope) -> dict[str, str]:
    raw: Iterable[tuple[bytes, bytes]] = scope.get("headers", [])
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw}


async def send_json(send: Send, status: int, body: object, headers: dict[str, str]) -> None:
    """Answer with a JSON body straight through ASGI (before or instead of the app)."""
    payload = json.dumps(body).encode() + b"\n"
    fields = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    fields += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": fields})
    await send({"type": "http.response.body", "body": payload})
