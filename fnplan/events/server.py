"""The runtime behind `fnplan serve`: a project's triggers and the runs they start.

`ServeApp` turns what arrives (an http trigger's body, the CloudEvents of `POST /events`,
a cron tick) into firings and starts them on a thread pool. It knows nothing of HTTP
(fnplan.events.routes does), so what a request starts is decided and tested in one place.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError
from fnplan.events.dedup import DEFAULT_WINDOW, SeenEvents
from fnplan.events.dispatch import Dispatcher, Firing, TargetResult, describe
from fnplan.events.metrics import RunMetrics
from fnplan.events.schedule import Scheduled, scheduled
from fnplan.resources import SERVE_PATHS, http_route

if TYPE_CHECKING:
    from fnplan.provider import Provider

#: How long an http trigger or an event waits for its runs before answering 202.
DEFAULT_WAIT = 25.0


class Refused(FnplanError):
    """A request that starts nothing; `status` is its HTTP answer (400 malformed, 422 invalid)."""

    def __init__(self, status: int, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


@dataclass(slots=True)
class Delivery:
    """What a `POST /events` starts: firings of new events, and the repeats it skipped."""

    firings: list[Firing] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    unheard: list[str] = field(default_factory=list)  # event types no trigger listens for


class ServeApp:
    """The triggers of one project and the runs they start, shared by requests and schedules."""

    def __init__(
        self,
        providers: Mapping[str, Provider],
        *,
        report: Callable[[str], None],
        wait: float = DEFAULT_WAIT,
        dedup_window: float = DEFAULT_WINDOW,
    ) -> None:
        self.metrics = RunMetrics()
        self.report = report
        self.wait = wait
        self.seen = SeenEvents(dedup_window)
        self.dispatcher = Dispatcher(
            providers,
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

    def http_firing(self, trigger: dict[str, Any], body: bytes) -> Firing:
        """The firing of an http trigger by a request body (JSON; empty means null)."""
        try:
            payload = json.loads(body) if body.strip() else None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise Refused(400, f"the request body is not JSON: {error}") from None
        firing = self.dispatcher.firing(trigger, payload)
        self._check_input([firing])
        return firing

    def deliver(self, body: bytes, headers: Mapping[str, str]) -> Delivery:
        """The firings of the CloudEvents in a `POST /events`; a (source, id) already seen
        within the de-duplication window is acknowledged and not run again."""
        from fnplan.events.cloudevent import EventError, check_data, parse_request

        try:
            events = parse_request(body, headers)
        except EventError as error:
            raise Refused(400, error.message, hint=error.hint) from None
        registered = self.dispatcher.event_types()
        for event in events:
            try:
                check_data(event, registered)
            except EventError as error:
                raise Refused(422, error.message, hint=error.hint) from None
        per_event = [self.dispatcher.event_firings(event) for event in events]
        self._check_input([firing for firings in per_event for firing in firings])
        delivery = Delivery()
        keys = [(str(event.get_source()), str(event.get_id())) for event in events]
        for event, key, new, firings in zip(
            events, keys, self.seen.claim(keys), per_event, strict=True
        ):
            if not new:
                delivery.duplicates.append({"source": key[0], "id": key[1]})
            elif not firings:
                delivery.unheard.append(str(event.get_type()))
            delivery.firings.extend(firings if new else [])
        return delivery

    def close(self) -> None:
        """Wait for every started run (and its completion chain) to finish."""
        self._runs.shutdown(wait=True)

    def _check_input(self, firings: list[Firing]) -> None:
        problems = [p for p in map(self.dispatcher.input_problem, firings) if p is not None]
        if problems:
            raise Refused(422, "; ".join(problems), hint="nothing ran: fix the input and retry")

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
