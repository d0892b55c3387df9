"""Running one step: its `when`, its attempts with retries and backoff, and its catch.

Per attempt the log gets `started` and then exactly one of `succeeded`, `retrying`,
`failed` (an uncaught failure) or `caught` (a failure routed to a catch's `next`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fnplan.run.context import AttemptContext, RunContext
from fnplan.run.debug import STOPPED_BY_USER
from fnplan.run.failure import StepFailure, matches
from fnplan.run.nodes import node_runner
from fnplan.run.records import ErrorInfo
from fnplan.run.values import resolve
from fnplan.workflow.model import Retry, Step


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """How a step ended, for the scheduler and the run's scope."""

    name: str
    state: Literal["succeeded", "failed", "caught", "skipped"]
    output: Any = None
    error: ErrorInfo | None = None
    caught_to: str | None = None
    attempts: int = 0


def backoff_delay(retry: Retry, retry_number: int) -> float:
    """Seconds to wait before retry number `retry_number` (1 = the second attempt)."""
    if retry.backoff == "exponential":
        delay = retry.interval * 2 ** (retry_number - 1)
    elif retry.backoff == "linear":
        delay = retry.interval * retry_number
    else:
        delay = retry.interval
    return float(min(delay, retry.max_interval))


def run_step(step: Step, scope: Mapping[str, Any], run: RunContext) -> StepOutcome:
    """Run one step to its end (all attempts); never raises StepFailure."""
    try:
        if not _when(step, scope):
            run.log.write("skipped", step=step.name, node_type=step.type, message="when is false")
            return StepOutcome(step.name, "skipped")
        request, logged = node_runner(step.type).prepare(step, lambda value: resolve(value, scope))
    except StepFailure as failure:
        error = run.log.masker.error(failure.info)
        return _final_failure(step, run, error, attempt=None, duration_ms=None)
    except Exception as exc:  # a bug in a node must fail its step, never the whole run's log
        error = run.log.masker.error(_internal(exc))
        return _final_failure(step, run, error, attempt=None, duration_ms=None)
    shown = run.log.masker.value(logged)
    decision = run.hooks.before_step(step, shown) if run.hooks else "continue"
    if decision == "skip":
        run.log.write("skipped", step=step.name, node_type=step.type, message="skipped by the user")
        return StepOutcome(step.name, "skipped")
    if decision == "stop":
        error = ErrorInfo(
            type=STOPPED_BY_USER, message=f"stopped by user before step {step.name!r}"
        )
        run.log.write("failed", step=step.name, node_type=step.type, error=error)
        return StepOutcome(step.name, "failed", error=error)
    return _attempts(step, request, logged, run)


def _internal(exc: Exception) -> ErrorInfo:
    """An unexpected exception inside fnplan's own node code, as a step error ("InternalError")
    with the traceback kept in the log for a bug report."""
    import traceback

    return ErrorInfo(
        type="InternalError",
        message=f"{type(exc).__name__}: {exc} (a bug in fnplan; the traceback is in the log)",
        traceback=traceback.format_exc(),
    )


def _when(step: Step, scope: Mapping[str, Any]) -> bool:
    value = resolve(step.when, scope)
    if value is None:
        return True
    if not isinstance(value, bool):
        raise StepFailure("ExpressionError", f"when must be true or false, got {value!r}")
    return value


def _attempts(step: Step, request: Any, logged: Any, run: RunContext) -> StepOutcome:
    runner = node_runner(step.type)
    attempt = 1
    while True:
        span = run.tracer.attempt_span(run.run_span, step, attempt)
        ctx = _attempt_context(step, attempt, run, span.span_id)
        stdout, stderr = ctx.stdout_path, ctx.stderr_path
        run.log.write(
            "started",
            step=step.name,
            node_type=step.type,
            attempt=attempt,
            span_id=ctx.span_id,
            input=logged,
        )
        began = time.monotonic()
        error: ErrorInfo | None = None
        try:
            output = runner.run(request, ctx)
        except StepFailure as failure:
            error = run.log.masker.error(failure.info)
        except Exception as exc:  # a bug in a node fails this attempt, not the whole run
            error = run.log.masker.error(_internal(exc))
        finally:
            captured = (run.log.seal_capture(stdout), run.log.seal_capture(stderr))
        if error is None:
            span.end("succeeded")
            run.log.write(
                "succeeded",
                step=step.name,
                node_type=step.type,
                attempt=attempt,
                span_id=ctx.span_id,
                duration_ms=_since(began),
                output=output,
                stdout_path=captured[0],
                stderr_path=captured[1],
            )
            return StepOutcome(step.name, "succeeded", output=output, attempts=attempt)
        duration = _since(began)
        if attempt >= step.retry.max_attempts or not matches(error.type, step.retry.errors):
            outcome = _final_failure(step, run, error, attempt, duration, ctx.span_id, captured)
            span.end(outcome.state, error)
            return outcome
        span.end("retrying", error)
        delay = backoff_delay(step.retry, attempt)
        run.log.write(
            "retrying",
            step=step.name,
            node_type=step.type,
            attempt=attempt,
            span_id=ctx.span_id,
            duration_ms=duration,
            error=error,
            message=f"attempt {attempt + 1} in {delay:g} s",
            stdout_path=captured[0],
            stderr_path=captured[1],
        )
        time.sleep(delay)
        attempt += 1


def _final_failure(
    step: Step,
    run: RunContext,
    error: ErrorInfo,
    attempt: int | None,
    duration_ms: float | None,
    span_id: str | None = None,
    captured: tuple[Path | None, Path | None] = (None, None),
) -> StepOutcome:
    catch = next((c for c in step.catch if matches(error.type, c.errors)), None)
    event: Literal["caught", "failed"] = "failed" if catch is None else "caught"
    run.log.write(
        event,
        step=step.name,
        node_type=step.type,
        attempt=attempt,
        span_id=span_id,
        duration_ms=duration_ms,
        error=error,
        message=None if catch is None else f"error routed to step {catch.next!r}",
        stdout_path=captured[0],
        stderr_path=captured[1],
    )
    return StepOutcome(
        step.name,
        event,
        error=error,
        caught_to=catch.next if catch else None,
        attempts=attempt or 0,
    )


def _attempt_context(step: Step, attempt: int, run: RunContext, span_id: str) -> AttemptContext:
    stdout, stderr = run.log.capture_paths(step.name, attempt)
    return AttemptContext(
        run=run,
        step=step,
        attempt=attempt,
        attempt_id=str(uuid.uuid4()),
        span_id=span_id,
        stdout_path=stdout,
        stderr_path=stderr,
    )


def _since(began: float) -> float:
    return (time.monotonic() - began) * 1000.0
