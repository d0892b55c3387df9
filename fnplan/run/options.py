"""How `fnplan run` asks a provider to run one execution (the WorkflowRunner capability)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnplan.errors import FnplanError
from fnplan.run.debug import StepHooks
from fnplan.run.records import LogRecord


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Options of one run, the same for every provider that can run workflows.

    from_step / from_execution  re-run from a step, reusing the outputs that execution
                                recorded for every step not downstream of it
    log_dir                     where execution logs go (None: the provider's default)
    tracer_provider             an OpenTelemetry TracerProvider (None: OTEL_* variables)
    masked                      values to mask besides the document's sensitive_values (the
                                state's sensitive variable values, for a function's env)
    """

    execution_id: str | None = None
    on_event: Callable[[LogRecord], None] | None = None
    hooks: StepHooks | None = None
    from_step: str | None = None
    from_execution: str | None = None
    log_dir: Path | None = None
    tracer_provider: Any = None
    masked: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.from_step is None) != (self.from_execution is None):
            raise FnplanError(
                "re-running from a step needs both the step and the execution to reuse outputs of"
            )
