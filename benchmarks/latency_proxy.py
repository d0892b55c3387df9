"""An HTTP proxy in front of an AWS endpoint (moto) that adds a fixed latency to every request
and counts requests by AWS operation, for benchmarks/aws.py.

The operation is read the way AWS routes it: the service from the request's SigV4 credential
scope, then the operation from the `X-Amz-Target` header (JSON protocols), the `Action`
parameter (query protocols) or the method and path matched against the service's botocore
model (REST protocols).
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
from collections import Counter, defaultdict
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
#: hop-by-hop headers a proxy does not pass on
_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
#: headers the proxy's own response writes
_SET_BY_US = {"content-length", "date", "server"}


class LatencyProxy:
    """A threaded proxy on 127.0.0.1 (a free port) forwarding to `upstream` after `latency`
    seconds per request; `counts` holds "service:Operation" → requests seen."""

    def __init__(self, upstream: str, latency: float) -> None:
        self.upstream = urlsplit(upstream)
        self.latency = latency
        self.counts: Counter[str] = Counter()
        #: "service:Operation" → seconds the upstream took to answer, summed
        self.upstream_s: defaultdict[str, float] = defaultdict(float)
        #: time.monotonic() of the first request and of the last answer since `reset`
        self.first: float | None = None
        self.last: float | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> LatencyProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self.upstream_s.clear()
            self.first = self.last = None

    def arrived(self) -> None:
        with self._lock:
            self.first = self.first or time.monotonic()

    def count(self, operation: str, upstream_s: float) -> None:
        with self._lock:
            self.counts[operation] += 1
            self.upstream_s[operation] += upstream_s
            self.last = time.monotonic()

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The upstream's answer, on this thread's own kept-alive connection."""
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        for attempt in range(2):
            if connection is None:
                host, port = self.upstream.hostname or "127.0.0.1", self.upstream.port
                connection = http.client.HTTPConnection(host, port, timeout=120)
                self._local.connection = connection
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                return answer.status, answer.getheaders(), answer.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = self._local.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def operation(method: str, path: str, headers: Any, body: bytes) -> str:
    """ "service:Operation" of a signed AWS request ("?:?" when it cannot be told)."""
    scope = _SCOPE.search(headers.get("Authorization", ""))
    service = scope.group(1) if scope else "?"
    target = headers.get("X-Amz-Target")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    url = urlsplit(path)
    query = parse_qs(url.query)
    if "Action" in query:
        return f"{service}:{query['Action'][0]}"
    if method == "POST" and b"Action=" in body:
        action = parse_qs(body.decode(errors="replace")).get("Action")
        if action:
            return f"{service}:{action[0]}"
    for verb, pattern, name in _rest_routes(service):
        if verb == method and pattern.fullmatch(url.path):
            return f"{service}:{name}"
    return f"{service}:?"


@cache
def _rest_routes(service: str) -> list[tuple[str, re.Pattern[str], str]]:
    """(method, path pattern, operation) of a REST service's operations, the most specific
    paths first (botocore's model; `lambda` signs as `lambda`, and so on)."""
    import botocore.session

    names = {"states": "stepfunctions"}
    try:
        model = botocore.session.get_session().get_service_model(names.get(service, service))
    except Exception:
        return []
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = str(http.get("requestUri", "/")).split("?", 1)[0]
        pattern = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(uri))
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        routes.append((str(http.get("method", "POST")), re.compile(pattern), name, uri))
    routes.sort(key=lambda route: (route[3].count("{"), -len(route[3])))
    return [(method, pattern, name) for method, pattern, name, _ in routes]


def _no_delay(sock: socket.socket) -> None:
    """Send each write at once. With Nagle's algorithm on, a response written as headers
    then body waits for the peer's delayed ACK of the headers (40 ms on Linux): latency the
    proxy would add on top of its own. (Its requests upstream need nothing: http.client
    sends a request's headers and body in one write.)"""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _handler(proxy: LatencyProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            _no_delay(self.connection)

        def parse_request(self) -> bool:
            self.arrived_at = time.perf_counter()  # the request line has just been read
            return super().parse_request()

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            proxy.arrived()
            # the latency counts from the request's arrival: reading it is part of it
            time.sleep(max(0.0, self.arrived_at + proxy.latency - time.perf_counter()))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            start = time.perf_counter()
            status, answer_headers, data = proxy.forward(self.command, self.path, headers, body)
            took = time.perf_counter() - start
            self.send_response(status)
            for key, value in answer_headers:
                if key.lower() not in _HOP | _SET_BY_US:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            # counted once answered, so that telling the operation adds no latency
            proxy.count(operation(self.command, self.path, self.headers, body), took)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _any

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the benchmark prints the counts."""

    return Handler
