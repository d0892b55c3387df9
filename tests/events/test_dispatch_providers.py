"""Events reach any provider that declares "deliver-events", and only through capabilities."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from fnplan.errors import FnplanError, ProviderError
from fnplan.events.dispatch import Dispatcher
from fnplan.run.executor import RunResult
from fnplan.run.options import RunOptions
from tests.plan.memory import MemoryProvider


class _Remote(MemoryProvider):
    """A provider with a trigger of its own that runs workflows elsewhere (no local files)."""

    name: ClassVar[str] = "remote"
    capabilities: ClassVar[frozenset[str]] = frozenset({"deliver-events", "run-workflow"})

    def __init__(self) -> None:
        super().__init__()
        self.started: list[tuple[str, Any, str | None]] = []

    def triggers(self) -> list[dict[str, Any]]:
        return [
            {
                "address": "trigger.on_ping",
                "kind": "event",
                "event_type": "com.example.ping",
                "target": "workflow.pong",
                "target_type": "workflow",
                "input": None,
            }
        ]

    def event_types(self) -> dict[str, dict[str, Any]]:
        return {"com.example.ping": {"address": "event.ping", "type": "com.example.ping"}}

    def input_schema(self, address: str) -> dict[str, Any] | None:
        if address != "workflow.pong":
            raise ProviderError(f"{address} is not deployed on remote")
        return {"type": "object", "required": ["n"]}

    def run_workflow(self, address: str, input: Any, *, options: RunOptions) -> RunResult:
        self.started.append((address, input, options.execution_id))
        return RunResult("succeeded", {"pong": input["n"]}, None, None, Path("remote.log"), "x")


def test_a_provider_that_declares_the_capabilities_receives_events() -> None:
    remote = _Remote()
    dispatcher = Dispatcher({"remote.eu": remote})
    assert set(dispatcher.event_types()) == {"com.example.ping"}
    firing = dispatcher.firing(dispatcher.triggers[0], {"n": 3})
    assert firing.provider == "remote.eu"
    assert dispatcher.input_problem(dispatcher.firing(dispatcher.triggers[0], {})) is not None
    (result,) = dispatcher.run(firing)
    assert (result.status, result.output) == ("succeeded", {"pong": 3})
    assert remote.started == [("workflow.pong", {"n": 3}, firing.execution_id)]


def test_a_target_the_provider_cannot_start_fails_as_a_result() -> None:
    remote = _Remote()
    dispatcher = Dispatcher({"remote": remote})
    trigger = {**dispatcher.triggers[0], "target": "function.f", "target_type": "function"}
    (result,) = dispatcher.run(dispatcher.firing(trigger, {"n": 1}))
    assert result.status == "failed" and result.error is not None
    assert result.error.type == "TargetNotDeployed"


def test_a_provider_without_the_capability_is_refused() -> None:
    with pytest.raises(FnplanError, match="provider memory cannot deliver events to triggers"):
        Dispatcher({"memory": MemoryProvider()})
