"""The local workflow executor: runs a compiled WorkflowDocument to completion.

Ready steps are dispatched to a thread pool (function handlers then run in warm worker
processes); the main thread alone owns the scheduler and the step outputs, and learns of
finished steps through a queue, so the bookkeeping needs no locks.
"""

from __future__ import annotations

import hashlib
import queue
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from fnplan.errors import FnplanError
from fnplan.run.context import RunContext
from fnplan.run.debug import StepHooks
from fnplan.run.failure import StepFailure
from fnplan.run.input import check_input
from fnplan.run.lease import holder
from fnplan.run.logs import ExecutionLog, RunIdentity
from fnplan.run.masking import Masker
from fnplan.run.processes import kill_busy
from fnplan.run.protocols import FunctionResolver, WorkflowResolver, hold_versions
from fnplan.run.records import ErrorInfo, RunEvent
from fnplan.run.scheduler import Scheduler
from fnplan.run.steps import StepOutcome, run_step
from fnplan.run.tracing import run_tracer
from fnplan.run.validation import schema_problem
from fnplan.run.values import resolve
from fnplan.run.workers import WorkerPool, shared_pool
from fnplan.workflow.model import Step, WorkflowDocument

_EXECUTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True, slots=True)
class RunParent:
    """Links a child execution (nesting = "call") to the step attempt that started it."""

    execution_id: str
    trace_id: str
    span_id: str


@dataclass(frozen=True, slots=True)
class RunResult:
    """How a run ended; `failed_step` names the uncaught failing step, if any."""

    status: Literal["succeeded", "failed"]
    output: Any
    error: ErrorInfo | None
    failed_step: str | None
    log_path: Path
    execution_id: str


#: how long an interrupted run waits for its stopped steps to report before it ends
_DRAIN_SECONDS = 5.0


def run_workflow(
    document: WorkflowDocument,
    input: Any,
    *,
    resolver: FunctionResolver,
    workflows: WorkflowResolver,
    log_dir: Path,
    execution_id: str | None = None,
    on_event: Callable[[RunEvent], None] | None = None,
    max_parallel: int = 32,
    pool: WorkerPool | None = None,
    workflow_version: str | None = None,
    parent: RunParent | None = None,
    hooks: StepHooks | None = None,
    reuse: Mapping[str, Any] | None = None,
    tracer_provider: Any = None,
    masked: Sequence[str] = (),
) -> RunResult:
    """Run `document` with `input`, writing its execution log; step failures never raise.

    `hooks` may pause, skip or stop steps before they run (step debugging); the steps named
    in `reuse` are not run but settle with the given outputs (re-running from a step).
    Spans go to `tracer_provider`, or over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    The document's `sensitive_values` and `masked` (a parent run's) are masked in everything
    the run writes. Raises FnplanError when the document itself is unusable (unknown step
    names, a cycle, names that cannot be file names), the execution id is not a safe file
    name, or the input is beyond the limits of fnplan.run.input.
    """
    scheduler = Scheduler(document)
    run_id = _execution_id(execution_id)
    check_input(input)
    tracer = run_tracer(tracer_provider)
    span = tracer.run_span(document, run_id, (parent.trace_id, parent.span_id) if parent else None)
    identity = RunIdentity(
        workflow=document.name,
        workflow_address=document.address,
        workflow_version=workflow_version or document_version(document),
        execution_id=run_id,
        parent_execution_id=parent.execution_id if parent else None,
        trace_id=span.trace_id,
        run_span_id=span.span_id,
        parent_span_id=parent.span_id if parent else None,
    )
    masker = Masker([*document.sensitive_values, *masked])
    steps = [step.name for step in document.steps]
    log = ExecutionLog(identity, log_dir, on_event, masker=masker, steps=steps)
    context = RunContext(
        log=log,
        resolver=resolver,
        workflows=workflows,
        pool=pool or shared_pool(),
        log_dir=log_dir,
        on_event=on_event,
        max_parallel=max(1, max_parallel),
        tracer=tracer,
        run_span=span,
        hooks=hooks,
    )
    try:
        with hold_versions(resolver, document):
            return _Run(document, input, scheduler, context, reuse or {}).execute()
    finally:
        span.end("failed")
        log.close()


def document_version(document: WorkflowDocument) -> str:
    """The version of a document when none is given: the sha256 of its canonical JSON."""
    return hashlib.sha256(document.model_dump_json().encode()).hexdigest()


class _Run:
    """One execution: dispatches ready steps, settles outcomes and writes run records."""

    def __init__(
        self,
        document: WorkflowDocument,
        input: Any,
        scheduler: Scheduler,
        context: RunContext,
        reuse: Mapping[str, Any],
    ) -> None:
        self.document = document
        self.reuse = reuse
        self.input = input
        self.scheduler = scheduler
        self.context = context
        self.log = context.log
        self.steps = {step.name: step for step in document.steps}
        self.scopes: dict[str, dict[str, Any]] = {}
        self.failure: tuple[str, ErrorInfo] | None = None
        self.completions: queue.Queue[StepOutcome | BaseException] = queue.Queue()

    def execute(self) -> RunResult:
        began = time.monotonic()
        self.log.write("run_started", input=self.input, message=holder())
        problem = schema_problem(self.document.input_schema, self.input)
        if problem is not None:
            error = ErrorInfo(type="InputValidation", message=f"workflow input {problem}")
            return self._finish(began, None, (None, error))
        try:
            self._dispatch_all()
        except KeyboardInterrupt:
            message = "interrupted (Ctrl-C): running steps were stopped"
            self._finish(began, None, (None, ErrorInfo(type="Interrupted", message=message)))
            raise
        if self.failure is not None:
            return self._finish(began, None, self.failure)
        try:
            output = self._output()
        except StepFailure as failure:
            return self._finish(began, None, (None, failure.info))
        return self._finish(began, output, None)

    def _dispatch_all(self) -> None:
        workers = min(self.context.max_parallel, max(1, len(self.steps)))
        running = 0
        with ThreadPoolExecutor(workers, thread_name_prefix="fnplan-step") as threads:
            while True:
                if self.failure is None:
                    for step in self._take_ready():
                        threads.submit(self._step_task, step, self._scope_for(step.name))
                        running += 1
                if running == 0:
                    break
                try:
                    outcome = self.completions.get()
                except KeyboardInterrupt:
                    self._stop_running(running)
                    raise
                running -= 1
                if isinstance(outcome, BaseException):
                    raise outcome
                self._settle(outcome)
        assert self.scheduler.finished, "every step settles once nothing is running"

    def _stop_running(self, running: int) -> None:
        """Ctrl-C: stop new steps, kill the processes running ones wait on, and log how those
        ended (within a few seconds: an http step may still be waiting for its timeout)."""
        self.failure = self.failure or ("", ErrorInfo(type="Interrupted", message="interrupted"))
        kill_busy()
        deadline = time.monotonic() + _DRAIN_SECONDS
        while running and time.monotonic() < deadline:
            try:
                outcome = self.completions.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return
            running -= 1
            if isinstance(outcome, StepOutcome):
                self._settle(outcome)

    def _take_ready(self) -> list[Step]:
        """Ready steps to run; ready steps in `reuse` settle at once, which may ready more."""
        to_run: list[Step] = []
        ready = self.scheduler.take_ready()
        while ready:
            for step in ready:
                if step.name not in self.reuse:
                    to_run.append(step)
                    continue
                output = self.reuse[step.name]
                message = "output reused from an earlier execution"
                self.log.write(
                    "reused", step=step.name, node_type=step.type, output=output, message=message
                )
                self._settle(StepOutcome(step.name, "succeeded", output=output))
            ready = self.scheduler.take_ready()
        return to_run

    def _step_task(self, step: Step, scope: dict[str, Any]) -> None:
        try:
            self.completions.put(run_step(step, scope, self.context))
        except BaseException as bug:
            self.completions.put(bug)

    def _scope_for(self, name: str) -> dict[str, Any]:
        deps = self.scheduler.dependencies(name)
        return {"input": self.input, "step": {d: self.scopes[d] for d in deps if d in self.scopes}}

    def _settle(self, outcome: StepOutcome) -> None:
        if outcome.state == "succeeded":
            self.scopes[outcome.name] = {"output": outcome.output}
        elif outcome.state == "caught" and outcome.error is not None:
            error = {"type": outcome.error.type, "message": outcome.error.message}
            self.scopes[outcome.name] = {"output": None, "error": error}
        skipped = self.scheduler.settle(outcome.name, outcome.state, outcome.caught_to)
        if outcome.state == "failed" and self.failure is None and outcome.error is not None:
            self.failure = (outcome.name, outcome.error)
            reason = f"the run is failing: step {outcome.name!r} failed"
            skipped += self.scheduler.stop(reason)
        for name, reason in skipped:
            self.log.write("skipped", step=name, node_type=self.steps[name].type, message=reason)

    def _output(self) -> Any:
        unavailable = frozenset(
            name for name in self.steps if self.scheduler.state(name) != "succeeded"
        )
        scope = {"input": self.input, "step": self.scopes}
        output = resolve(self.document.output, scope, unavailable)
        problem = schema_problem(self.document.output_schema, output)
        if problem is not None:
            raise StepFailure("OutputValidation", f"workflow output {problem}")
        return output

    def _finish(
        self, began: float, output: Any, failure: tuple[str | None, ErrorInfo] | None
    ) -> RunResult:
        duration = (time.monotonic() - began) * 1000.0
        ident = self.log.identity
        if failure is None:
            self.log.write("run_succeeded", duration_ms=duration, output=output)
            self.context.run_span.end("succeeded")
            return RunResult("succeeded", output, None, None, self.log.path, ident.execution_id)
        step, error = failure
        error = self.log.masker.error(error)
        message = f"step {step!r} failed" if step else None
        self.log.write("run_failed", duration_ms=duration, error=error, message=message)
        self.context.run_span.end("failed", error)
        return RunResult("failed", None, error, step, self.log.path, ident.execution_id)


def _execution_id(given: str | None) -> str:
    if given is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return f"{stamp}-{uuid.uuid4().hex[:12]}"
    if not _EXECUTION_ID.match(given):
        raise FnplanError(
            f"execution id {given!r} is not usable as a file name",
            allowed=["letters, digits, '.', '_' and '-' (up to 128, not starting with '.' or '-')"],
        )
    return given
