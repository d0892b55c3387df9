"""Step debugging: pausing before steps (--step, --break-at) and re-running from a step (--from).

The executor asks `StepHooks.before_step` before each step it is about to run, and settles
the steps named in `reuse` with their recorded outputs instead of running them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

from fnplan.errors import FnplanError, did_you_mean
from fnplan.workflow.model import Step, WorkflowDocument

#: What to do with a step about to run: run it, skip it (a skip), or stop the run (a failure).
Decision = Literal["continue", "skip", "stop"]
#: The error type of the step at which the user stopped a run.
STOPPED_BY_USER = "StoppedByUser"


class StepHooks(Protocol):
    """Called before each step runs (from step threads: implementations must be thread-safe)."""

    def before_step(self, step: Step, resolved_input: Any) -> Decision: ...


class Stepper:
    """Asks `prompt` before every step; with `break_at`, only from that step on."""

    def __init__(
        self, prompt: Callable[[Step, Any], Decision], break_at: str | None = None
    ) -> None:
        self._prompt = prompt
        self._break_at = break_at
        self._stepping = break_at is None
        self._stopped = False
        self._lock = threading.Lock()

    def before_step(self, step: Step, resolved_input: Any) -> Decision:
        """Continue until the break point, then ask; once stopped, stop every later step."""
        with self._lock:
            if self._stopped:
                return "stop"
            if not self._stepping and step.name != self._break_at:
                return "continue"
            self._stepping = True
            decision = self._prompt(step, resolved_input)
            self._stopped = decision == "stop"
            return decision


def require_step(document: WorkflowDocument, name: str, option: str) -> None:
    """Raise a FnplanError naming `option` when `name` is not a step of the document."""
    names = [step.name for step in document.steps]
    if name not in names:
        raise FnplanError(
            f"{option}: workflow {document.address} has no step {name!r}",
            allowed=names,
            hint=did_you_mean(name, names),
        )


def downstream(document: WorkflowDocument, name: str) -> set[str]:
    """`name` and every step that depends on it, directly or not (error branches included)."""
    from fnplan.run.scheduler import Scheduler

    scheduler = Scheduler(document)
    dependents: dict[str, list[str]] = {step.name: [] for step in document.steps}
    for step in document.steps:
        for dependency in scheduler.dependencies(step.name):
            dependents[dependency].append(step.name)
    found = {name}
    work = [name]
    while work:
        for dependent in dependents[work.pop()]:
            if dependent not in found:
                found.add(dependent)
                work.append(dependent)
    return found


def reusable_outputs(
    document: WorkflowDocument, from_step: str, log_dir: Path, execution_id: str
) -> dict[str, Any]:
    """Outputs recorded by `execution_id` for the steps that re-running from `from_step` keeps."""
    from fnplan.run.history import execution_log, step_outputs

    require_step(document, from_step, "--from")
    rerun = downstream(document, from_step)
    recorded = step_outputs(execution_log(log_dir, document.address, execution_id))
    names = {step.name for step in document.steps}
    return {
        name: output for name, output in recorded.items() if name in names and name not in rerun
    }
