"""Entry point of a warm worker process: imports a handler once, then serves invocations.

Run as `python worker_main.py <code_dir> <module.attribute>` with the function's own
interpreter, so this file uses the standard library only (and no fnplan imports).
Protocol: one JSON request per line on stdin, one JSON response per line on the original
stdout. During an invocation fds 1 and 2 point at that attempt's capture files, so whatever
the handler prints can never corrupt the protocol.
"""

from __future__ import annotations

import faulthandler
import importlib
import io
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any


class LambdaContext:
    """The `context` argument of a handler, shaped like AWS Lambda's."""

    def __init__(self, request: dict) -> None:
        self.function_name = request["function_name"]
        self.function_version = request["function_version"]
        self.aws_request_id = request["request_id"]
        self.memory_limit_in_mb = request["memory"]
        self._deadline = time.monotonic() + request["timeout_ms"] / 1000.0

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the executor kills this invocation."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Worker:
    """Holds the protocol channels and the imported handler of this process."""

    def __init__(self, code_dir: str, handler_spec: str) -> None:
        self.handler_spec = handler_spec
        self.handler: Callable[..., Any] | None = None
        self.requests = os.fdopen(os.dup(0), "rb")
        self.responses = os.fdopen(os.dup(1), "wb")
        self.devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(self.devnull, fd)
        os.chdir(code_dir)
        sys.path.insert(0, code_dir)
        for stream in (sys.stdout, sys.stderr):  # line-buffered: prints survive a timeout kill
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(line_buffering=True)
        faulthandler.enable(file=sys.stderr, all_threads=True)

    def serve(self) -> None:
        """Answer requests until the executor closes stdin."""
        for line in self.requests:
            response = self.invoke(json.loads(line))
            self.responses.write(response.encode("utf-8") + b"\n")
            self.responses.flush()

    def invoke(self, request: dict) -> str:
        """Run the handler once with fds 1/2 redirected to the attempt's capture files."""
        out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(out, 1)
        os.dup2(err, 2)
        try:
            return self._call(request)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(self.devnull, 1)
            os.dup2(self.devnull, 2)
            os.close(out)
            os.close(err)

    def _call(self, request: dict) -> str:
        """The response line: {"ok": true, "output": ...} or {"ok": false, "error": {...}}."""
        try:
            if self.handler is None:
                self.handler = _import_handler(self.handler_spec)
            output = self.handler(request["event"], LambdaContext(request))
            return '{"ok": true, "output": ' + json.dumps(output, allow_nan=False) + "}"
        except Exception as error:
            text = traceback.format_exc()
            sys.stderr.write(text)
            failure = {"type": type(error).__name__, "message": str(error), "traceback": text}
            return json.dumps({"ok": False, "error": failure})


def _import_handler(spec: str) -> Callable[..., Any]:
    module_name, _, attribute = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"handler {spec!r} must be 'module.function'")
    handler = getattr(importlib.import_module(module_name), attribute)
    if not callable(handler):
        raise TypeError(f"handler {spec!r} is not callable")
    return handler  # type: ignore[no-any-return]


if __name__ == "__main__":
    Worker(sys.argv[1], sys.argv[2]).serve()
