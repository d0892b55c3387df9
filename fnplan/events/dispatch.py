"""Matching events to triggers and running their targets (a workflow run or one function call).

A `Dispatcher` asks providers for the triggers they deployed (their "deliver-events"
capability), turns whatever fired them (an event, an HTTP body, a cron tick, a finished run)
into `Firing`s and starts their targets through the same provider's "run-workflow" or
"invoke-function" capability. When a
target finishes, the completion triggers naming it fire in turn, up to a chain depth of
`MAX_COMPLETION_DEPTH` so that a trigger that completes itself cannot loop forever.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from fnplan.errors import FnplanError
from fnplan.run.failure import StepFailure
from fnplan.run.records import ErrorInfo, RunEvent

if TYPE_CHECKING:
    from cloudevents.core.base import BaseCloudEvent

    from fnplan.provider import EventDelivery, Provider
    from fnplan.run.executor import RunResult

#: Longest chain of completion triggers (a run finishing fires a trigger whose run finishes ...).
MAX_COMPLETION_DEPTH = 8
#: Trigger kinds that an event of their `event_type` fires (a storage/queue source emits one).
EVENT_KINDS = frozenset({"event", "storage", "queue"})
_log = logging.getLogger(__name__)


class Finished(Protocol):
    """What a completion trigger needs of a finished run (fnplan.run.RunResult fits)."""

    @property
    def status(self) -> str: ...
    @property
    def output(self) -> Any: ...
    @property
    def error(self) -> ErrorInfo | None: ...
    @property
    def execution_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Firing:
    """One trigger about to start its target; the execution id is known before it starts.
    `provider` is the address of the provider that deployed the trigger (and runs the target)."""

    trigger: str
    provider: str
    kind: str
    target: str
    target_type: str
    input_template: Any
    payload: Any
    event: dict[str, Any] | None
    execution_id: str
    depth: int = 0

    def ended(
        self,
        status: Literal["succeeded", "failed"],
        output: Any,
        error: ErrorInfo | None,
        log_path: Path | None,
    ) -> TargetResult:
        """How this firing's target ended (its execution id and depth are the firing's)."""
        return TargetResult(
            trigger=self.trigger,
            target=self.target,
            status=status,
            output=output,
            error=error,
            execution_id=self.execution_id,
            log_path=log_path,
            depth=self.depth,
        )


@dataclass(frozen=True, slots=True)
class TargetResult:
    """How one started target ended; `depth` > 0 for targets started by completion triggers."""

    trigger: str
    target: str
    status: Literal["succeeded", "failed"]
    output: Any
    error: ErrorInfo | None
    execution_id: str
    log_path: Path | None
    depth: int = 0

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON (CLI --json output, HTTP responses)."""
        return {
            "trigger": self.trigger,
            "target": self.target,
            "status": self.status,
            "execution_id": self.execution_id,
            "output": self.output,
            "error": self.error.model_dump(exclude_none=True) if self.error else None,
            "log_path": str(self.log_path) if self.log_path else None,
            "depth": self.depth,
        }


def completion_input(result: Finished) -> dict[str, Any]:
    """{status, output, execution_id, error} of a finished run, for completion triggers."""
    error = result.error
    return {
        "status": result.status,
        "output": result.output,
        "execution_id": result.execution_id,
        "error": {"type": error.type, "message": error.message} if error else None,
    }


def describe(result: TargetResult) -> str:
    """One line per finished target: what fired it, what ran, how it ended (indented by depth)."""
    head = f"{'  ' * result.depth}{result.trigger} -> {result.target}: {result.status}"
    head += f" ({result.execution_id})"
    if result.error is not None:
        return f"{head}: {result.error.type}: {result.error.message}"
    return f"{head}: {json.dumps(result.output, default=str)}"


def new_execution_id() -> str:
    """An execution id in the executor's format (sorts by time): 20250101T120000Z-1a2b3c4d5e6f."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:12]}"


class Dispatcher:
    """The triggers the given providers deployed (provider address -> provider; each must
    declare "deliver-events"), and the runs they start."""

    def __init__(
        self,
        providers: Mapping[str, Provider],
        *,
        on_event: Callable[[RunEvent], None] | None = None,
        on_fire: Callable[[str, str], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        from fnplan.provider import DELIVER_EVENTS, capability

        self.providers = dict(providers)
        self.on_event = on_event
        self.on_fire = on_fire
        self.on_notice = on_notice or _log.warning
        self._delivery: dict[str, EventDelivery] = {
            address: capability(provider, DELIVER_EVENTS, address)
            for address, provider in sorted(self.providers.items())
        }
        self._owner: dict[str, str] = {}  # trigger address -> provider address
        self.triggers: list[dict[str, Any]] = []
        for address, delivery in self._delivery.items():
            for trigger in delivery.triggers():
                self._owner[str(trigger["address"])] = address
                self.triggers.append(trigger)
        self._by_event: dict[str, list[dict[str, Any]]] = {}
        self._by_completion: dict[str, list[dict[str, Any]]] = {}
        for trigger in self.triggers:
            if trigger.get("kind") in EVENT_KINDS and trigger.get("event_type"):
                self._by_event.setdefault(trigger["event_type"], []).append(trigger)
            if trigger.get("kind") == "completion" and trigger.get("on_completion"):
                self._by_completion.setdefault(trigger["on_completion"], []).append(trigger)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The registered triggers of one kind ("schedule", "http", ...), by address."""
        return [trigger for trigger in self.triggers if trigger.get("kind") == kind]

    def event_types(self) -> dict[str, dict[str, Any]]:
        """The registered event types: type -> {"address", "name", "type", "schema"}."""
        found: dict[str, dict[str, Any]] = {}
        for delivery in self._delivery.values():
            found.update(delivery.event_types())
        return found

    def event_firings(self, event: BaseCloudEvent) -> list[Firing]:
        """A firing per trigger listening for the event's type (data must be checked first)."""
        from fnplan.events.cloudevent import envelope

        listeners = self._by_event.get(event.get_type(), [])
        if not listeners:
            return []
        document = envelope(event)
        return [self.firing(t, document.get("data"), event=document) for t in listeners]

    def firing(
        self,
        trigger: dict[str, Any],
        payload: Any,
        *,
        event: dict[str, Any] | None = None,
        depth: int = 0,
    ) -> Firing:
        """A firing of `trigger` by `payload` (event data, request body, completion result)."""
        address = str(trigger["address"])
        return Firing(
            trigger=address,
            provider=self._owner[address],
            kind=str(trigger.get("kind")),
            target=str(trigger.get("target")),
            target_type=str(trigger.get("target_type")),
            input_template=trigger.get("input"),
            payload=payload,
            event=event,
            execution_id=new_execution_id(),
            depth=depth,
        )

    def input_problem(self, firing: Firing) -> str | None:
        """Why the firing's target would refuse its input (its input schema), or None.

        Lets `serve` answer 422 before anything runs; other failures (an undeployed target,
        a failing `input` expression) are left to the run, which reports them.
        """
        from fnplan.run.validation import schema_problem

        try:
            value = _target_input(firing)
            schema = self._delivery[firing.provider].input_schema(firing.target)
        except (StepFailure, FnplanError):
            return None
        problem = schema_problem(schema, value)
        return None if problem is None else f"the input of {firing.target} {problem}"

    def run(self, firing: Firing) -> list[TargetResult]:
        """Run the firing's target, then the completion triggers it fires (all of the chain)."""
        result = self.start(firing)
        return [result, *self.fire_completion(firing.target, result, depth=firing.depth)]

    def start(self, firing: Firing) -> TargetResult:
        """Run the firing's target to its end; failures are results, never exceptions."""
        if self.on_fire is not None:
            self.on_fire(firing.trigger, firing.kind)
        try:
            value = _target_input(firing)
            result = self._run_target(firing, value)
        except StepFailure as failure:
            return firing.ended("failed", None, failure.info, None)
        return firing.ended(result.status, result.output, result.error, result.log_path)

    def run_all(self, firings: Iterable[Firing]) -> list[TargetResult]:
        """Run firings in parallel; results (each followed by its completions) in input order."""
        batch = list(firings)
        if len(batch) <= 1:
            return [result for firing in batch for result in self.run(firing)]
        with ThreadPoolExecutor(min(len(batch), 8), thread_name_prefix="fnplan-fire") as threads:
            outcomes = list(threads.map(self.run, batch))
        return [result for results in outcomes for result in results]

    def fire_completion(
        self, address: str, finished: Finished, *, depth: int = 0
    ) -> list[TargetResult]:
        """Run the completion triggers whose on_completion is `address` (a run at `depth` ended)."""
        listeners = self._by_completion.get(address, [])
        if not listeners:
            return []
        if depth + 1 > MAX_COMPLETION_DEPTH:
            names = ", ".join(str(t["address"]) for t in listeners)
            self.on_notice(
                f"completion chain stopped after {MAX_COMPLETION_DEPTH} levels: {address} "
                f"finished but {names} did not fire (do completion triggers form a loop?)"
            )
            return []
        payload = completion_input(finished)
        return self.run_all(self.firing(t, payload, depth=depth + 1) for t in listeners)

    def _run_target(self, firing: Firing, value: Any) -> RunResult:
        """Start the target through its provider's capability; a target that is not
        deployed, or that cannot start, is a StepFailure."""
        from fnplan.provider import INVOKE_FUNCTION, RUN_WORKFLOW, capability
        from fnplan.run.options import RunOptions

        provider = self.providers[firing.provider]
        try:
            self._delivery[firing.provider].input_schema(firing.target)  # is it deployed?
        except FnplanError as error:
            raise StepFailure("TargetNotDeployed", error.message) from None
        options = RunOptions(execution_id=firing.execution_id, on_event=self.on_event)
        try:
            if firing.target_type == "workflow":
                runner = capability(provider, RUN_WORKFLOW, firing.provider)
                return runner.run_workflow(firing.target, value, options=options)
            if firing.target_type == "function":
                invoker = capability(provider, INVOKE_FUNCTION, firing.provider)
                return invoker.invoke_function(firing.target, value, version=None, options=options)
        except FnplanError as error:
            raise StepFailure("InvalidTarget", error.message) from None
        raise StepFailure("InvalidTarget", f"cannot start {firing.target_type!r} targets")


def fire_completion(
    address: str,
    result: Finished,
    *,
    providers: Mapping[str, Provider],
    depth: int = 0,
    on_event: Callable[[RunEvent], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> list[TargetResult]:
    """After `address` (workflow.X / function.X) finished a run, fire its completion triggers.

    For callers outside a Dispatcher, e.g. `fnplan run`; returns every run started (chains too).
    """
    dispatcher = Dispatcher(providers, on_event=on_event, on_notice=on_notice)
    return dispatcher.fire_completion(address, result, depth=depth)


def _target_input(firing: Firing) -> Any:
    """The trigger's `input` evaluated with `input` (the payload) and `event` in scope."""
    from fnplan.run.values import resolve

    if firing.input_template is None:
        return firing.payload
    return resolve(firing.input_template, {"input": firing.payload, "event": firing.event})
