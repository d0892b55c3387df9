"""Step Functions execution history events as fnplan log records, by the state names the
generator gives each step (providers/aws/asl/branches.py): "Run STEP" runs it, "Skip STEP"
skips it, "Caught N STEP" routes its error to a catch, "Failed STEP" fails it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fnplan.run import ErrorInfo

    from .runlog import RunLog

_STEP_STATE = re.compile(r"^(Run|Skip|Caught \d+|Failed) (.+)$")
_RUN_ENDS = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}


@dataclass
class EventRecorder:
    """Writes the records of one execution's history events, in order, to its log."""

    log: RunLog
    started: dict[str, datetime] = field(default_factory=dict)
    failed_step: str | None = None
    output: Any = None
    error: ErrorInfo | None = None
    ended: bool = False

    def record(self, event: dict[str, Any]) -> None:
        """Write what `event` means for fnplan (most events mean nothing to it)."""
        kind, when = str(event["type"]), event["timestamp"]
        if kind == "ExecutionStarted":
            details = event.get("executionStartedEventDetails", {})
            self.log.write("run_started", input=_json(details.get("input")), timestamp=when)
        elif kind.endswith("StateEntered"):
            self._entered(event["stateEnteredEventDetails"], when)
        elif kind == "TaskStateExited":
            self._exited(event["stateExitedEventDetails"], when)
        elif kind in _RUN_ENDS:
            self._ended(kind, event, when)

    def _entered(self, details: dict[str, Any], when: datetime) -> None:
        matched = _STEP_STATE.match(str(details.get("name", "")))
        if matched is None:
            return
        kind, step = matched.groups()
        state_input = _json(details.get("input"))
        if kind == "Run":
            self.started[step] = when
            self.log.write("started", step, attempt=1, timestamp=when)
        elif kind == "Skip":
            self.log.write("skipped", step, timestamp=when)
        elif kind.startswith("Caught"):
            took = self._took(step, when)
            self.log.write(
                "caught", step, error=_error(state_input), duration_ms=took, timestamp=when
            )
        else:
            self.failed_step = step
            took = self._took(step, when)
            self.log.write(
                "failed", step, error=_error(state_input), duration_ms=took, timestamp=when
            )

    def _exited(self, details: dict[str, Any], when: datetime) -> None:
        matched = _STEP_STATE.match(str(details.get("name", "")))
        result = _json(details.get("output"))
        if matched is None or matched.group(1) != "Run" or not isinstance(result, dict):
            return
        if result.get("status") == "succeeded":
            step = matched.group(2)
            took = self._took(step, when)
            output = result.get("output")
            self.log.write("succeeded", step, duration_ms=took, output=output, timestamp=when)

    def _ended(self, kind: str, event: dict[str, Any], when: datetime) -> None:
        from fnplan.run import ErrorInfo

        self.ended = True
        if kind == "ExecutionSucceeded":
            self.output = _json(event["executionSucceededEventDetails"].get("output"))
            self.log.write("run_succeeded", output=self.output, timestamp=when)
            return
        details: dict[str, Any] = next(
            (v for k, v in event.items() if k.endswith("EventDetails")), {}
        )
        self.error = ErrorInfo(
            type=str(details.get("error") or kind.removeprefix("Execution")),
            message=str(details.get("cause") or kind),
        )
        message = f"step {self.failed_step!r} failed" if self.failed_step else None
        self.log.write("run_failed", error=self.error, message=message, timestamp=when)

    def _took(self, step: str, when: datetime) -> float | None:
        began = self.started.get(step)
        return max(0.0, (when - began).total_seconds() * 1000.0) if began else None


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _error(state_input: Any) -> ErrorInfo:
    """A step's error from what Step Functions hands its catcher: {"Error", "Cause"}."""
    from fnplan.run import ErrorInfo

    detail = state_input if isinstance(state_input, dict) else {}
    cause = _json(detail.get("Cause"))
    if isinstance(cause, dict) and "errorMessage" in cause:  # a Lambda handler's error
        return ErrorInfo(
            type=str(cause.get("errorType", detail.get("Error"))),
            message=str(cause["errorMessage"]),
        )
    return ErrorInfo(
        type=str(detail.get("Error", "StepFailed")), message=str(detail.get("Cause", ""))
    )
