"""fnplan's reference runtime for Python: the runtime image contract in one small server.

It imports FNPLAN_HANDLER ("module.function", default main.handler) from FNPLAN_CODE_DIR
(default /fnplan/code, where the function's ConfigMap is mounted), listens on $PORT (8080),
and calls handler(event, context) for each POST: the JSON body is the event, the JSON
result is the answer. Each request logs one JSON record per line on stdout
(docs/providers/kubernetes.md, "The runtime image contract"). Standard library only.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Context:
    """What a handler learns about its invocation besides the event."""

    def __init__(self, request_id: str, trace_id: str, timeout: float) -> None:
        self.function = os.environ.get("FNPLAN_FUNCTION", "")
        self.version = os.environ.get("FNPLAN_VERSION", "")
        self.request_id = request_id
        self.trace_id = trace_id
        self.deadline = time.time() + timeout

    def remaining_time(self) -> float:
        """Seconds left before the platform gives up on this request."""
        return max(0.0, self.deadline - time.time())


def log(level: str, message: str, **fields: Any) -> None:
    """One record of the documented format on stdout (the pod log fnplan logs reads)."""
    record = {
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": level,
        "function": os.environ.get("FNPLAN_FUNCTION", ""),
        "version": os.environ.get("FNPLAN_VERSION", ""),
        **fields,
        "message": message,
    }
    sys.stdout.write(json.dumps(record, default=str) + "\n")
    sys.stdout.flush()


def load_handler() -> Callable[[Any, Context], Any]:
    """The handler named by FNPLAN_HANDLER, imported from the mounted code."""
    code_dir = os.environ.get("FNPLAN_CODE_DIR", "/fnplan/code")
    module_name, _, function_name = os.environ.get("FNPLAN_HANDLER", "main.handler").rpartition(".")
    sys.path.insert(0, code_dir)
    module = importlib.import_module(module_name)
    handler: Callable[[Any, Context], Any] = getattr(module, function_name)
    return handler


def trace_of(traceparent: str | None) -> str:
    """The W3C trace id of the request, or a new one."""
    parts = (traceparent or "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32:
        return parts[1]
    return uuid.uuid4().hex


class Handler(BaseHTTPRequestHandler):
    """POST: invoke the function; GET /healthz: readiness."""

    handler: Callable[[Any, Context], Any]
    timeout_seconds = float(os.environ.get("FNPLAN_TIMEOUT", "30"))

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._answer(200, {"status": "ok"})
        else:
            self._answer(404, {"error": {"type": "NotFound", "message": self.path}})

    def do_POST(self) -> None:
        request_id = (
            self.headers.get("X-Request-Id") or self.headers.get("Ce-Id") or uuid.uuid4().hex
        )
        trace_id = trace_of(self.headers.get("traceparent"))
        ids = {"request_id": request_id, "trace_id": trace_id}
        started = time.perf_counter()
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            event = json.loads(body) if body.strip() else None
        except ValueError as exc:
            log("error", f"the request body is not JSON: {exc}", **ids)
            self._answer(400, {"error": {"type": "BadRequest", "message": str(exc)}})
            return
        log("info", "invoked", **ids)
        try:
            result = type(self).handler(event, Context(request_id, trace_id, self.timeout_seconds))
        except Exception as exc:  # the function's failure is the caller's answer
            log("error", "".join(traceback.format_exception_only(exc)).strip(), **ids)
            self._answer(500, {"error": {"type": type(exc).__name__, "message": str(exc)}})
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 3)
        log("info", "succeeded", duration_ms=duration_ms, **ids)
        self._answer(200, result)

    def _answer(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Access lines stay off: every line on stdout is a log record."""


def main() -> None:
    Handler.handler = staticmethod(load_handler())  # type: ignore[assignment]
    server = ThreadingHTTPServer(
        (os.environ.get("FNPLAN_HOST", "0.0.0.0"), int(os.environ.get("PORT", "8080"))), Handler
    )
    log("info", f"listening on port {server.server_address[1]}")
    server.serve_forever()


if __name__ == "__main__":
    main()
