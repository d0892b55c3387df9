"""Running `fnplan serve`: Uvicorn (h11) on a socket bound here, the cron loop beside it.

The socket is bound and listening (backlog 2048) before the banner is printed, so the port
is known with `--port 0` and no early connection is refused. SIGINT/SIGTERM stop accepting
connections and schedules, let waiting requests be answered and running runs finish.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from types import FrameType

import uvicorn
from starlette.routing import BaseRoute

from fnplan.errors import FnplanError
from fnplan.events.routes import build_app
from fnplan.events.schedule import run_schedule
from fnplan.events.security import Guard, Policy, url_host
from fnplan.events.server import ServeApp

#: Connections the kernel queues before they are accepted (Uvicorn's default).
BACKLOG = 2048
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def serve(
    app: ServeApp,
    host: str,
    port: int,
    policy: Policy,
    *,
    ready: Callable[[str, int], None],
    routes: Sequence[BaseRoute] = (),
    stopped: threading.Event | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM, then finish running runs and return. `routes` are served
    before the triggers' paths; `stopped` is set when serving stops (so that endless
    streams, such as the studio's, can end)."""
    sock = bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    guard = Guard(policy, str(bound_host), int(bound_port))
    config = uvicorn.Config(
        build_app(app, guard, routes),
        http="h11",
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        backlog=BACKLOG,
    )
    _report_server_logs(app.report)
    server = _Server(config, stopped or threading.Event())
    cron = threading.Thread(
        target=run_schedule,
        args=(app.schedule, app.fire_scheduled, server.stopped),
        name="fnplan-cron",
    )
    previous = {sig: signal.signal(sig, server.stop) for sig in _STOP_SIGNALS}
    cron.start()
    try:
        ready(url_host(str(bound_host)), int(bound_port))
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stopped.set()
        cron.join()
        sock.close()
        app.close()


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free one)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as error:
        raise _cannot_listen(host, port, error) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as error:
        sock.close()
        raise _cannot_listen(host, port, error) from None
    return sock


class _Server(uvicorn.Server):
    """Uvicorn whose signals `serve` handles: a signal stops serving and fnplan returns
    normally instead of re-raising it (Uvicorn's default), so the exit code stays 0."""

    def __init__(self, config: uvicorn.Config, stopped: threading.Event) -> None:
        super().__init__(config)
        self.stopped = stopped

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # `serve` installed `stop` for SIGINT/SIGTERM before printing the banner

    def stop(self, sig: int, frame: FrameType | None) -> None:
        """Signal handler: stop accepting; a second Ctrl-C stops waiting for open requests."""
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True
        self.stopped.set()


class _OneLine(logging.Handler):
    """Uvicorn's warnings and errors as one `notice:` line each (tracebacks: FNPLAN_DEBUG=1)."""

    def __init__(self, report: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        self.report(f"notice: server: {record.getMessage()}")
        if record.exc_info and os.environ.get("FNPLAN_DEBUG"):
            self.report(logging.Formatter().formatException(record.exc_info))


def _report_server_logs(report: Callable[[str], None]) -> None:
    logger = logging.getLogger("uvicorn.error")
    logger.handlers = [_OneLine(report)]
    logger.propagate = False


def _cannot_listen(host: str, port: int, error: OSError) -> FnplanError:
    return FnplanError(
        f"cannot listen on {host}:{port}: {error.strerror or error}",
        hint="choose another --port (0 picks a free one)",
    )
