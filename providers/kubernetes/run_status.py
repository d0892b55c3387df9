"""An Argo Workflow's status, read again and again while it runs, as fnplan log records.

Each dag task is a node in `status.nodes` (by `displayName`); the WorkflowTemplate's
STEPS_ANNOTATION says which step a task runs (a step's values task `<task>--values` counts
as that step: its failure is the step's). A node's phase maps onto the records a local run
writes: Pending/Running → started, Succeeded → succeeded (its `outputs.result`, or the
child Workflow's `output` parameter, as the output), Failed/Error → failed (or caught, for a
step with a catch), Skipped (false `when`) and Omitted (a dependency did not succeed) →
skipped. The Workflow's phase ends the run; its `output` parameter is the run's output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .argo import VALUES_SUFFIX

if TYPE_CHECKING:
    from fnplan.run import ErrorInfo, RunLog

#: the display name Argo gives each attempt of a retried task: `<task>(<index from 0>)`
_ATTEMPT = re.compile(r"^(.+)\((\d+)\)$")
#: Argo's phases of a node or Workflow that end it
_ENDED = frozenset({"Succeeded", "Failed", "Error", "Skipped", "Omitted"})
_FAILED = frozenset({"Failed", "Error"})
#: why a step did not run, by the phase Argo gives it
_SKIPPED = {
    "Skipped": "its when condition was false",
    "Omitted": "a step it depends on did not succeed",
}

#: reads what a finished node's pods printed: (node id) -> text, "" when none
PodLogs = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class StepTask:
    """A dag task that runs a step, as STEPS_ANNOTATION describes it."""

    step: str
    type: str
    catch: bool


@dataclass
class NodeRecorder:
    """Writes the records of one Workflow's status snapshots, each change once, in order."""

    log: RunLog
    tasks: dict[str, StepTask]
    pod_logs: PodLogs
    started: set[str] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)
    printed: dict[str, list[str]] = field(default_factory=dict)
    failed_step: str | None = None
    error: ErrorInfo | None = None
    output: Any = None
    ended: bool = False

    @classmethod
    def from_annotation(cls, log: RunLog, annotation: str, pod_logs: PodLogs) -> NodeRecorder:
        """A recorder for the template whose STEPS_ANNOTATION is `annotation`."""
        loaded = json.loads(annotation or "{}")
        tasks = {name: StepTask(**entry) for name, entry in loaded.items()}
        return cls(log, tasks, pod_logs)

    def record(self, workflow: dict[str, Any]) -> None:
        """Write what changed since the last snapshot of `workflow`."""
        status = workflow.get("status") or {}
        nodes = sorted(
            (status.get("nodes") or {}).values(),
            key=lambda n: (str(n.get("startedAt") or ""), str(n.get("displayName") or "")),
        )
        by_id = status.get("nodes") or {}
        by_name = {str(node.get("displayName") or ""): node for node in nodes}
        for node in nodes:
            # a retried step's attempts before the step itself: started, retrying, then ended
            for child in node.get("children") or [] if node.get("type") == "Retry" else []:
                if child in by_id:
                    self._visit(by_id[child], by_name)
            self._visit(node, by_name)
        phase = status.get("phase")
        if phase in ("Succeeded", "Failed", "Error"):
            self._ended(phase, status)

    def _visit(self, node: dict[str, Any], by_name: dict[str, Any]) -> None:
        """Record what changed for one node (each change once, whenever it is visited)."""
        attempt = _ATTEMPT.match(str(node.get("displayName") or ""))
        if attempt is not None:
            self._attempt(node, attempt.group(1), int(attempt.group(2)), by_name)
        else:
            self._node(node)

    def _node(self, node: dict[str, Any]) -> None:
        name = str(node.get("displayName") or "")
        values = name.endswith(VALUES_SUFFIX)
        task = self.tasks.get(name.removesuffix(VALUES_SUFFIX) if values else name)
        phase = str(node.get("phase") or "")
        if task is None or not phase:
            return
        if phase in _SKIPPED and not values:
            self._skipped(task, name, phase, node)
            return
        retried = node.get("type") == "Retry"  # its attempts are nodes of their own
        if (
            phase not in _SKIPPED
            and name not in self.started
            and not retried
            and (not values or phase in _FAILED)
        ):
            self.started.add(name)
            self.log.write(
                "started",
                task.step,
                node_type=task.type,
                attempt=1,
                **_at(node.get("startedAt")),
            )
        if phase in _ENDED and name not in self.finished:
            self.finished.add(name)
            if node.get("type") == "Pod":
                self._keep_printed(task, str(node.get("id") or ""))
            if phase == "Succeeded" and not values:
                self._succeeded(task, node)
            elif phase in _FAILED:
                self._failed(task, node)

    def _attempt(
        self, node: dict[str, Any], task_name: str, index: int, by_name: dict[str, Any]
    ) -> None:
        """Attempt `index` (from 0) of a task with a retryStrategy: its own `started`, and
        `retrying` when it failed while its Retry node goes on; the Retry node ends the step."""
        task = self.tasks.get(task_name)
        phase = str(node.get("phase") or "")
        name = f"{task_name}({index})"
        if task is None or not phase or phase in _SKIPPED:
            return
        if name not in self.started:
            self.started.add(name)
            when = _at(node.get("startedAt"))
            self.log.write("started", task.step, node_type=task.type, attempt=index + 1, **when)
        if phase not in _ENDED or name in self.finished:
            return
        self.finished.add(name)
        if node.get("type") == "Pod":
            self._keep_printed(task, str(node.get("id") or ""))
        parent = str((by_name.get(task_name) or {}).get("phase") or "")
        if phase in _FAILED and parent not in _ENDED:
            self.log.write(
                "retrying",
                task.step,
                node_type=task.type,
                attempt=index + 1,
                duration_ms=_took(node),
                error=_error(node),
                message=f"attempt {index + 2} next",
                **_at(node.get("finishedAt")),
            )

    def _skipped(self, task: StepTask, name: str, phase: str, node: dict[str, Any]) -> None:
        if name in self.finished:
            return
        self.finished.add(name)
        when = _at(node.get("finishedAt") or node.get("startedAt"))
        self.log.write("skipped", task.step, message=_SKIPPED[phase], **when)

    def _succeeded(self, task: StepTask, node: dict[str, Any]) -> None:
        self.log.write(
            "succeeded",
            task.step,
            node_type=task.type,
            attempt=_attempts(node),
            duration_ms=_took(node),
            output=_output(node),
            stdout_path=self._printed_path(task),
            **_at(node.get("finishedAt")),
        )

    def _failed(self, task: StepTask, node: dict[str, Any]) -> None:

        error = _error(node)
        event = "caught" if task.catch else "failed"
        if not task.catch and self.failed_step is None:
            self.failed_step, self.error = task.step, error
        self.log.write(
            event,
            task.step,
            node_type=task.type,
            attempt=_attempts(node),
            duration_ms=_took(node),
            error=error,
            stdout_path=self._printed_path(task),
            **_at(node.get("finishedAt")),
        )

    def _keep_printed(self, task: StepTask, node_id: str) -> None:
        text = self.pod_logs(node_id) if node_id else ""
        if text:
            self.printed.setdefault(task.step, []).append(text)

    def _printed_path(self, task: StepTask) -> str | None:
        texts = self.printed.get(task.step)
        return str(self.log.capture(task.step, 1, "stdout", "".join(texts))) if texts else None

    def _ended(self, phase: str, status: dict[str, Any]) -> None:
        from fnplan.run import ErrorInfo

        self.ended = True
        when = _at(status.get("finishedAt"))
        if phase == "Succeeded":
            self.output = _parameter(status.get("outputs") or {}, "output")
            self.log.write("run_succeeded", output=self.output, **when)
            return
        if self.error is None:
            why = str(status.get("message") or f"the Workflow ended {phase}")
            self.error = ErrorInfo(type=f"Argo{phase}", message=why)
        message = f"step {self.failed_step!r} failed" if self.failed_step else None
        self.log.write("run_failed", error=self.error, message=message, **when)


def _attempts(node: dict[str, Any]) -> int:
    """How many attempts a step's node made (a Retry node's children are its attempts)."""
    return max(1, len(node.get("children") or [])) if node.get("type") == "Retry" else 1


def _error(node: dict[str, Any]) -> ErrorInfo:
    """A failed node's error: its phase and Argo's message."""
    from fnplan.run import ErrorInfo

    return ErrorInfo(
        type=f"Argo{node.get('phase')}", message=str(node.get("message") or "no message")
    )


def _output(node: dict[str, Any]) -> Any:
    """A step's output: the http response body or script's stdout (`result`), or a child
    Workflow's `output` parameter; JSON when it parses."""
    outputs = node.get("outputs") or {}
    if "result" in outputs:
        return _json(outputs["result"])
    return _parameter(outputs, "output")


def _parameter(outputs: dict[str, Any], name: str) -> Any:
    for parameter in outputs.get("parameters") or []:
        if parameter.get("name") == name:
            return _json(parameter.get("value"))
    return None


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _time(text: Any) -> datetime | None:
    """An RFC 3339 time of Argo's status; None (now) when absent."""
    if not isinstance(text, str) or not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _at(text: Any) -> dict[str, Any]:
    """The `timestamp` field of a record from an Argo time (none: the record's now)."""
    when = _time(text)
    return {} if when is None else {"timestamp": when}


def _took(node: dict[str, Any]) -> float | None:
    began, ended = _time(node.get("startedAt")), _time(node.get("finishedAt"))
    if began is None or ended is None:
        return None
    return max(0.0, (ended - began).total_seconds() * 1000.0)
