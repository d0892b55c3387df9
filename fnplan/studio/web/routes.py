"""The studio's HTTP face under /ui/ (Starlette routes that `fnplan serve --ui` serves before
the trigger paths, behind the same Host/Origin/token/body-size guard):

    GET  /ui/, /ui/workflows/NAME          the page (one script and style sheet, no CDN)
    GET  /ui/static/FILE                   its script, styles and icons (package data)
    GET  /ui/api/workflows                 the project's workflows
    GET  /ui/api/workflows/NAME            laid-out graph and each step's details
    POST /ui/api/workflows/NAME/ops        graph operations (a JSON list) applied to the files
    GET  /ui/api/plan                      the current plan, workflow graph diffs drawn
    GET  /ui/api/changes                   server-sent events: `files` when the files change
    GET  /ui/api/workflows/NAME/runs       executions, newest first
    POST /ui/api/workflows/NAME/runs       start a run: {"input": ...} -> {"execution_id"}
    GET  /ui/api/workflows/NAME/runs/ID    server-sent events: each record as it is written

Handlers only translate: what is shown and changed is decided in StudioProject, StudioRuns
and plan_view.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from fnplan.errors import FnplanError
from fnplan.events.security import TOKEN_COOKIE, page_tokens
from fnplan.studio.web.project import NotFound, StudioProject, relative_pos
from fnplan.studio.web.runs import StudioRuns, record_json
from fnplan.studio.web.watch import files_version

STATIC = Path(__file__).parent / "static"
#: how often the change stream looks at the files, and how often it says it is alive (a
#: closed page is noticed when a write fails)
_POLL_SECONDS = 0.25
_HEARTBEAT_SECONDS = 5.0
#: the page loads nothing from elsewhere and runs no inline script
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
_STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}

Handler = Callable[[Request], Awaitable[Response]]


class Studio:
    """One project's studio: its configuration, its runs, and the routes serving them.
    `stopped` is set when the server stops, ending the endless streams."""

    def __init__(self, project: StudioProject, runs: StudioRuns, stopped: threading.Event) -> None:
        self.project = project
        self.runs = runs
        self.stopped = stopped

    def routes(self) -> list[BaseRoute]:
        """Everything under /ui (and /ui itself, redirected to /ui/)."""
        api = [
            Route("/workflows", self._answers(self._workflows)),
            Route("/workflows/{name}", self._answers(self._workflow)),
            Route("/workflows/{name}/ops", self._answers(self._edit), methods=["POST"]),
            Route("/workflows/{name}/runs", self._answers(self._executions)),
            Route("/workflows/{name}/runs", self._answers(self._start), methods=["POST"]),
            Route("/workflows/{name}/runs/{execution}", self._answers(self._follow)),
            Route("/plan", self._answers(self._plan)),
            Route("/changes", self._answers(self._changes)),
        ]
        return [
            Route("/ui", lambda request: RedirectResponse("/ui/", 308)),
            Mount(
                "/ui",
                routes=[
                    Route("/", page),
                    Route("/workflows/{name}", page),
                    Mount("/static", StaticFiles(directory=STATIC)),
                    Mount("/api", routes=api),
                ],
            ),
        ]

    def _answers(self, handler: Handler) -> Handler:
        """The handler with user errors answered as JSON: 404 for what does not exist, 422
        for what cannot be done (a refused edit carries the validation error)."""
        directory = self.project.directory

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except NotFound as missing:
                return _json(404, _error(missing, directory))
            except FnplanError as error:
                return _json(422, _error(error, directory))

        return answer

    def close(self) -> None:
        """End the streams and wait for the runs started from the page."""
        self.stopped.set()
        self.runs.close()

    async def _workflows(self, request: Request) -> Response:
        return _json(200, {"workflows": await run_in_threadpool(self.project.workflows)})

    async def _workflow(self, request: Request) -> Response:
        name = request.path_params["name"]
        return _json(200, await run_in_threadpool(self.project.workflow, name))

    async def _edit(self, request: Request) -> Response:
        operations = _parsed(await request.body())
        name = request.path_params["name"]
        return _json(200, await run_in_threadpool(self.project.edit, name, operations))

    async def _plan(self, request: Request) -> Response:
        from fnplan.studio.web.plan_view import current_plan

        return _json(200, await run_in_threadpool(current_plan, self.project.workspace))

    async def _executions(self, request: Request) -> Response:
        name = request.path_params["name"]
        return _json(200, {"executions": await run_in_threadpool(self.runs.executions, name)})

    async def _start(self, request: Request) -> Response:
        body = _parsed(await request.body()) or {}
        if not isinstance(body, dict):
            raise FnplanError('the body must be a JSON object: {"input": ...}')
        name = request.path_params["name"]
        execution_id = await run_in_threadpool(self.runs.start, name, body.get("input", {}))
        return _json(202, {"execution_id": execution_id})

    async def _follow(self, request: Request) -> Response:
        name, execution = request.path_params["name"], request.path_params["execution"]
        records = await run_in_threadpool(self.runs.records, name, execution, follow=True)
        return _stream(self._records(records))

    async def _changes(self, request: Request) -> Response:
        return _stream(self._file_changes())

    async def _records(self, records: Iterator[Any]) -> AsyncIterator[str]:
        """Each record as a `record` event, then `end` (the run finished). The records are
        read on a daemon thread, so a stopping server never waits for a run someone else
        started to end."""
        queue: asyncio.Queue[Any] = asyncio.Queue()
        threading.Thread(
            target=_pump, args=(records, queue, asyncio.get_running_loop()), daemon=True
        ).start()
        while not self.stopped.is_set():
            try:
                record = await asyncio.wait_for(queue.get(), _POLL_SECONDS)
            except TimeoutError:
                continue
            if record is _END:
                yield _event("end", {})
                return
            yield _event("record", record_json(record))

    async def _file_changes(self) -> AsyncIterator[str]:
        """A `files` event now and whenever the configuration files change, until the
        server stops."""
        directory = self.project.directory
        last, quiet = "", 0.0
        while not self.stopped.is_set():
            version = files_version(directory)
            if version != last:
                last, quiet = version, 0.0
                yield _event("files", {"version": version})
            elif quiet >= _HEARTBEAT_SECONDS:
                quiet = 0.0
                yield ": alive\n\n"
            await asyncio.sleep(_POLL_SECONDS)
            quiet += _POLL_SECONDS


#: what the reading thread puts on the queue after the last record
_END = object()


def _pump(
    records: Iterator[Any], queue: asyncio.Queue[Any], loop: asyncio.AbstractEventLoop
) -> None:
    """Hand each record to the event loop, then _END (also when the log cannot be read: the
    stream then just ends); a closed loop means nobody is listening any more."""
    with contextlib.suppress(RuntimeError):
        try:
            for record in records:
                loop.call_soon_threadsafe(queue.put_nowait, record)
        except (OSError, FnplanError):
            pass
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _END)


async def page(request: Request) -> Response:
    """The page; opened with ?token=, it sets the token cookie the browser sends from then on."""
    response = FileResponse(STATIC / "index.html", headers=_PAGE_HEADERS)
    tokens = page_tokens(request.scope)
    if tokens:
        response.set_cookie(TOKEN_COOKIE, tokens[0], httponly=True, samesite="strict", path="/")
    return response


def _error(error: FnplanError, directory: Path) -> dict[str, Any]:
    return {
        "error": error.message,
        "pos": relative_pos(error.pos, directory),
        "hint": error.hint,
        "allowed": list(error.allowed) if error.allowed else None,
    }


def _parsed(body: bytes) -> Any:
    """The request's JSON body (empty: None)."""
    try:
        return json.loads(body) if body.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FnplanError(f"the request body is not JSON: {error}") from None


def _json(status: int, value: Any) -> Response:
    return Response(json.dumps(value, default=str), status, media_type="application/json")


def _event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, default=str)}\n\n"


def _stream(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(events, media_type="text/event-stream", headers=_STREAM_HEADERS)
