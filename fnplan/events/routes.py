"""The HTTP face of `fnplan serve` (Starlette): /healthz, /metrics, /events, http triggers.

Every request passes the GuardMiddleware (fnplan.events.security) first; then one endpoint
routes it by exact method and path, so trigger paths are never read as route patterns.
Runs go to the ServeApp's thread pool and the answer waits for them up to its `wait`
seconds, then answers 202 with the execution ids.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fnplan.events.dispatch import Firing, TargetResult
from fnplan.events.security import Guard, GuardMiddleware, send_json
from fnplan.events.server import Delivery, Refused, ServeApp

_READ_METHODS = ("GET", "HEAD")
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def build_app(app: ServeApp, guard: Guard, routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The ASGI application serving `app` behind `guard`; `routes` (the studio's, with
    `serve --ui`) are matched before the trigger paths."""
    endpoints = _Endpoints(app)
    return Starlette(
        routes=[*routes, Route("/{path:path}", endpoints.handle, methods=_ALL_METHODS)],
        middleware=[
            Middleware(_ContainErrors, report=app.report),
            Middleware(GuardMiddleware, guard=guard),
        ],
        exception_handlers={HTTPException: _http_error},
    )


class _Endpoints:
    """Answers for one ServeApp: health, metrics, events, http triggers, or 404/405."""

    def __init__(self, app: ServeApp) -> None:
        self.app = app

    async def handle(self, request: Request) -> Response:
        method, path = request.method, request.url.path
        if path == "/healthz":
            return _json(200, {"status": "ok"}) if method in _READ_METHODS else _not_allowed("GET")
        if path == "/metrics":
            return self._metrics() if method in _READ_METHODS else _not_allowed("GET")
        if path == "/events":
            return await self._events(request) if method == "POST" else _not_allowed("POST")
        trigger = self.app.routes.get((method, path))
        if trigger is not None:
            return await self._http_trigger(request, trigger)
        methods = sorted(m for (m, p) in self.app.routes if p == path)
        if methods:
            return _not_allowed(*methods)
        return _json(404, {"error": f"no http trigger serves {path}"})

    def _metrics(self) -> Response:
        body, content_type = self.app.metrics.exposition()
        return Response(body, 200, media_type=content_type)

    async def _events(self, request: Request) -> Response:
        body = await request.body()
        try:
            delivery = await run_in_threadpool(self.app.deliver, body, dict(request.headers))
        except Refused as refused:
            return _refused(refused)
        futures = [self.app.launch(firing) for firing in delivery.firings]
        answer: dict[str, Any] = {}
        if delivery.duplicates:
            answer["duplicates"] = delivery.duplicates
        if not await _settled(futures, self.app.wait):
            return _json(202, {"accepted": [_accepted(f) for f in delivery.firings], **answer})
        answer = {"results": [future.result().to_json() for future in futures], **answer}
        if not futures:
            answer["message"] = _nothing_ran(delivery)
        return _json(200, answer)

    async def _http_trigger(self, request: Request, trigger: dict[str, Any]) -> Response:
        body = await request.body()
        try:
            firing = await run_in_threadpool(self.app.http_firing, trigger, body)
        except Refused as refused:
            return _refused(refused)
        future = self.app.launch(firing)
        if not await _settled([future], self.app.wait):
            return _json(202, _accepted(firing))
        result = future.result()
        return _json(200 if result.status == "succeeded" else 500, result.to_json())


class _ContainErrors:
    """A bug answers 500 with one reported line; the server keeps serving, no traceback."""

    def __init__(self, app: ASGIApp, report: Callable[[str], None]) -> None:
        self.app = app
        self.report = report

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except ClientDisconnect:
            return  # nobody is left to answer
        except Exception as bug:
            where = f"{scope.get('method')} {scope.get('path')}"
            self.report(f"error: {where}: internal error: {type(bug).__name__}: {bug}")
            if not started:
                message = f"internal error: {type(bug).__name__}: {bug}"
                await send_json(send, 500, {"error": message}, {})


async def _settled(futures: list[Future[TargetResult]], timeout: float) -> bool:
    """Wait up to `timeout` seconds for the runs; True when all of them finished."""
    if not futures:
        return True
    _, pending = await asyncio.wait([asyncio.wrap_future(f) for f in futures], timeout=timeout)
    return not pending


def _nothing_ran(delivery: Delivery) -> str:
    if delivery.unheard:
        types = ", ".join(repr(t) for t in sorted(set(delivery.unheard)))
        return f"no trigger listens for events of type {types}"
    if delivery.duplicates:
        return "every event was received before (same source and id): none ran again"
    return "the batch holds no events"


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _json(error.status_code, {"error": error.detail}, error.headers)


def _refused(refused: Refused) -> Response:
    return _json(refused.status, {"error": refused.message, "hint": refused.hint})


def _not_allowed(*methods: str) -> Response:
    allow = ", ".join(methods)
    return _json(405, {"error": f"method not allowed (allowed: {allow})"}, {"Allow": allow})


def _json(status: int, value: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(value, default=str).encode() + b"\n"
    return Response(body, status, headers=headers, media_type="application/json")


def _accepted(firing: Firing) -> dict[str, Any]:
    return {
        "status": "running",
        "trigger": firing.trigger,
        "target": firing.target,
        "execution_id": firing.execution_id,
    }
