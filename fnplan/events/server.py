"""`fnplan serve`: http triggers, `POST /events`, `/metrics` and schedules, until a signal.

`ServeApp` decides what each request starts and answers (no sockets, so it is testable on
its own); `serve` binds it to host:port (127.0.0.1 by default), runs the cron loop beside
it and, on SIGINT/SIGTERM, stops accepting work, lets running runs finish and returns.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fnplan.errors import FnplanError
from fnplan.events.dispatch import Dispatcher, Firing, TargetResult, describe
from fnplan.events.metrics import RunMetrics
from fnplan.events.schedule import Scheduled, run_schedule, scheduled
from fnplan.resources import SERVE_PATHS, http_route

#: How long an http trigger or an event waits for its runs before answering 202.
DEFAULT_WAIT = 25.0
_JSON = "application/json"
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True, slots=True)
class Response:
    """What to send back for one request."""

    status: int
    body: bytes
    content_type: str = _JSON
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, status: int, value: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
        """A JSON response."""
        return cls(status, json.dumps(value, default=str).encode() + b"\n", _JSON, headers)


class ServeApp:
    """The triggers of one project and the runs they start, shared by requests and schedules."""

    def __init__(
        self, data_dir: Path, *, report: Callable[[str], None], wait: float = DEFAULT_WAIT
    ) -> None:
        self.metrics = RunMetrics()
        self.report = report
        self.wait = wait
        self.dispatcher = Dispatcher(
            data_dir,
            on_event=self.metrics.observe,
            on_fire=self.metrics.trigger_fired,
            on_notice=lambda text: report(f"notice: {text}"),
        )
        self.routes = http_routes(self.dispatcher.of_kind("http"), self.report)
        self.schedule = scheduled(self.dispatcher.of_kind("schedule"), datetime.now(UTC))
        self._runs = ThreadPoolExecutor(32, thread_name_prefix="fnplan-serve")

    def launch(self, firing: Firing) -> Future[TargetResult]:
        """Start a firing in the background; the future resolves when its target finishes
        (its completion triggers then run on in the same task)."""
        done: Future[TargetResult] = Future()
        self._runs.submit(self._run, firing, done)
        return done

    def fire_scheduled(self, entry: Scheduled) -> None:
        """Start a schedule trigger for its cron time (the cron loop's callback)."""
        self.launch(self.dispatcher.firing(entry.trigger, schedule_payload(entry)))

    def once(self) -> list[TargetResult]:
        """Fire every schedule trigger once, now, and wait for all runs (`serve --once`)."""
        firings = [
            self.dispatcher.firing(entry.trigger, schedule_payload(entry, datetime.now(UTC)))
            for entry in self.schedule
        ]
        return self.dispatcher.run_all(firings)

    def respond(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request: health, metrics, an event, an http trigger, or 404/405."""
        if path == "/healthz":
            return Response.json(200, {"status": "ok"})
        if path == "/metrics":
            return self._metrics() if method in ("GET", "HEAD") else _not_allowed("GET")
        if path == "/events":
            return self._event(headers, body) if method == "POST" else _not_allowed("POST")
        trigger = self.routes.get((method, path))
        if trigger is not None:
            return self._http_trigger(trigger, body)
        methods = sorted(m for (m, p) in self.routes if p == path)
        if methods:
            return _not_allowed(*methods)
        return Response.json(404, {"error": f"no http trigger serves {path}"})

    def close(self) -> None:
        """Wait for every started run (and its completion chain) to finish."""
        self._runs.shutdown(wait=True)

    def _run(self, firing: Firing, done: Future[TargetResult]) -> None:
        try:
            result = self.dispatcher.start(firing)
        except BaseException as bug:
            done.set_exception(bug)
            self.report(f"error: {firing.trigger} -> {firing.target}: {type(bug).__name__}: {bug}")
            return
        done.set_result(result)
        self.report(describe(result))
        for later in self.dispatcher.fire_completion(firing.target, result, depth=firing.depth):
            self.report(describe(later))

    def _metrics(self) -> Response:
        body, content_type = self.metrics.exposition()
        return Response(200, body, content_type)

    def _event(self, headers: Mapping[str, str], body: bytes) -> Response:
        from fnplan.events.cloudevent import check_data, parse_http

        try:
            event = parse_http(body, headers)
            check_data(event, self.dispatcher.event_types())
        except FnplanError as error:
            return Response.json(400, {"error": error.message, "hint": error.hint})
        firings = self.dispatcher.event_firings(event)
        if not firings:
            message = f"no trigger listens for events of type {event.get_type()!r}"
            return Response.json(200, {"results": [], "message": message})
        futures = [self.launch(firing) for firing in firings]
        finished, _ = wait(futures, timeout=self.wait)
        if len(finished) < len(futures):
            return Response.json(202, {"accepted": [_accepted(f) for f in firings]})
        return Response.json(200, {"results": [f.result().to_json() for f in futures]})

    def _http_trigger(self, trigger: dict[str, Any], body: bytes) -> Response:
        try:
            payload = json.loads(body) if body.strip() else None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            return Response.json(400, {"error": f"the request body is not JSON: {error}"})
        firing = self.dispatcher.firing(trigger, payload)
        future = self.launch(firing)
        finished, _ = wait([future], timeout=self.wait)
        if not finished:
            return Response.json(202, _accepted(firing))
        result = future.result()
        return Response.json(200 if result.status == "succeeded" else 500, result.to_json())


def http_routes(
    triggers: list[dict[str, Any]], notice: Callable[[str], None]
) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) -> http trigger; path defaults to /NAME and method to POST."""
    routes: dict[tuple[str, str], dict[str, Any]] = {}
    for trigger in triggers:
        config = (trigger.get("source") or {}).get("config") or {}
        method, path = http_route(str(trigger.get("name") or ""), config)
        owner = routes.get((method, path))
        if path in SERVE_PATHS:
            notice(f"{trigger['address']} is not served: fnplan serve answers {path} itself")
        elif owner is not None:
            notice(f"{trigger['address']} is not served: {owner['address']} has {method} {path}")
        else:
            routes[(method, path)] = trigger
    return routes


def schedule_payload(entry: Scheduled, at: datetime | None = None) -> dict[str, Any]:
    """What a schedule trigger hands its target (when it has no `input`): time and trigger."""
    when = at or entry.next_at
    return {"time": when.isoformat().replace("+00:00", "Z"), "trigger": entry.address}


def serve(app: ServeApp, host: str, port: int, *, ready: Callable[[str, int], None]) -> None:
    """Serve until SIGINT/SIGTERM, then finish running runs and return."""
    try:
        server = _Server((host, port), _Handler)
    except OSError as error:
        raise FnplanError(
            f"cannot listen on {host}:{port}: {error.strerror}",
            hint="choose another --port (0 picks a free one)",
        ) from None
    server.app = app
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
    threads = [
        threading.Thread(target=server.serve_forever, name="fnplan-http"),
        threading.Thread(
            target=run_schedule, args=(app.schedule, app.fire_scheduled, stop), name="fnplan-cron"
        ),
    ]
    try:
        for thread in threads:
            thread.start()
        bound_host, bound_port = server.server_address[:2]
        ready(str(bound_host), int(bound_port))
        while not stop.wait(0.5):
            pass
    finally:
        stop.set()
        server.shutdown()
        for thread in threads:
            thread.join()
        server.server_close()  # joins request threads: they may still start runs
        app.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Server(ThreadingHTTPServer):
    """Request threads are joined on close, so answers to running requests are not cut off."""

    daemon_threads = False
    block_on_close = True
    app: ServeApp


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 60  # seconds a client may take to send its request
    server_version = "fnplan-serve"

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged one by one; the runs they start are reported instead."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        path = urlsplit(self.path).path
        headers = {key: value for key, value in self.headers.items()}
        try:
            response = self.server.app.respond(self.command, path, headers, body)
        except Exception as bug:  # the client gets a 500 and the server keeps serving
            response = Response.json(500, {"error": f"internal error: {type(bug).__name__}: {bug}"})
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


def _not_allowed(*methods: str) -> Response:
    allow = ", ".join(methods)
    return Response.json(
        405, {"error": f"method not allowed (allowed: {allow})"}, (("Allow", allow),)
    )


def _accepted(firing: Firing) -> dict[str, Any]:
    return {
        "status": "running",
        "trigger": firing.trigger,
        "target": firing.target,
        "execution_id": firing.execution_id,
    }
