"""What a node runner gets to work with: the run's services and the current attempt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fnplan.run.debug import StepHooks
from fnplan.run.logs import ExecutionLog
from fnplan.run.protocols import FunctionResolver, WorkflowResolver
from fnplan.run.records import LogRecord
from fnplan.run.tracing import RunTracer, SpanHandle
from fnplan.run.workers import WorkerPool
from fnplan.workflow.model import Step


@dataclass(frozen=True, slots=True)
class RunContext:
    """Services shared by every step of one run (and handed down to child runs)."""

    log: ExecutionLog
    resolver: FunctionResolver
    workflows: WorkflowResolver
    pool: WorkerPool
    log_dir: Path
    on_event: Callable[[LogRecord], None] | None
    max_parallel: int
    tracer: RunTracer
    run_span: SpanHandle
    hooks: StepHooks | None = None


@dataclass(frozen=True, slots=True)
class AttemptContext:
    """One attempt of one step: its ids and where its stdout/stderr are captured."""

    run: RunContext
    step: Step
    attempt: int
    attempt_id: str
    span_id: str
    stdout_path: Path
    stderr_path: Path

    def open_captures(self) -> tuple[int, int]:
        """Create this attempt's stdout and stderr capture files (0600); their open fds."""
        return self.run.log.create_captures(self.stdout_path, self.stderr_path)

    def notice(self, message: str) -> None:
        """Log a notice record about this attempt (e.g. an ignored setting)."""
        self.run.log.write(
            "notice",
            step=self.step.name,
            node_type=self.step.type,
            attempt=self.attempt,
            span_id=self.span_id,
            message=message,
        )
