"""OpenTelemetry spans for runs: one per execution, one child per step attempt.

The ids written into log records are the spans' own ids, so a trace and an execution log
can be joined. Without a TracerProvider (and without OTEL_EXPORTER_OTLP_ENDPOINT) spans are
not created and the ids are random; OpenTelemetry is imported only when tracing is enabled.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING, Any

from fnplan.run.logs import new_span_id, new_trace_id
from fnplan.run.records import ErrorInfo

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

    from fnplan.workflow.model import Step, WorkflowDocument

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
_SCOPE = "fnplan.run"


class SpanHandle:
    """A run or attempt span as the executor sees it: its ids and how it ended."""

    def __init__(
        self, trace_id: str, span_id: str, span: Span | None = None, workflow: str = ""
    ) -> None:
        self.trace_id = trace_id
        self.span_id = span_id
        self.workflow = workflow
        self._span = span
        self._open = True

    def end(self, status: str, error: ErrorInfo | None = None) -> None:
        """Close the span with fnplan's status and the error, if any; later calls do nothing."""
        if not self._open:
            return
        self._open = False
        if self._span is not None:
            _close(self._span, status, error)

    @property
    def span(self) -> Span | None:
        """The OpenTelemetry span, when tracing is on."""
        return self._span


class RunTracer:
    """Creates the spans of runs; this base class creates none and hands out random ids."""

    provider: Any = None

    def run_span(
        self, document: WorkflowDocument, execution_id: str, parent: tuple[str, str] | None
    ) -> SpanHandle:
        """The span of one execution; `parent` is (trace id, span id) of a calling attempt."""
        trace_id = parent[0] if parent else new_trace_id()
        return SpanHandle(trace_id, new_span_id(), workflow=document.address)

    def attempt_span(self, run: SpanHandle, step: Step, attempt: int) -> SpanHandle:
        """The span of one attempt of a step, under the run's span."""
        return SpanHandle(run.trace_id, new_span_id(), workflow=run.workflow)


class _OtelTracer(RunTracer):
    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self._tracer: Tracer = provider.get_tracer(_SCOPE)

    def run_span(
        self, document: WorkflowDocument, execution_id: str, parent: tuple[str, str] | None
    ) -> SpanHandle:
        from opentelemetry import trace

        context = None
        if parent is not None:
            remote = trace.SpanContext(
                int(parent[0], 16),
                int(parent[1], 16),
                is_remote=True,
                trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
            )
            context = trace.set_span_in_context(trace.NonRecordingSpan(remote))
        attributes = {
            "fnplan.workflow": document.address,
            "fnplan.execution_id": execution_id,
        }
        span = self._tracer.start_span(
            f"run {document.name}", context=context, attributes=attributes
        )
        return _handle(span, document.address)

    def attempt_span(self, run: SpanHandle, step: Step, attempt: int) -> SpanHandle:
        from opentelemetry import trace

        assert run.span is not None, "an attempt span needs the run's span"
        attributes: dict[str, str | int] = {
            "fnplan.workflow": run.workflow,
            "fnplan.step": step.name,
            "fnplan.node_type": step.type,
            "fnplan.attempt": attempt,
        }
        context = trace.set_span_in_context(run.span)
        span = self._tracer.start_span(
            f"{step.name} #{attempt}", context=context, attributes=attributes
        )
        return _handle(span, run.workflow)


def run_tracer(provider: Any = None) -> RunTracer:
    """Spans through `provider`, else through OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set."""
    if provider is None and os.environ.get(ENDPOINT_VARIABLE):
        provider = _environment_provider()
    return RunTracer() if provider is None else _OtelTracer(provider)


@functools.cache
def _environment_provider() -> Any:
    """One OTLP/HTTP exporting provider per process, flushed at exit; None without the SDK."""
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        print(
            f"fnplan: {ENDPOINT_VARIABLE} is set but OpenTelemetry is not installed "
            "(pip install 'fnplan[otel]'); runs are not traced",
            file=sys.stderr,
        )
        return None
    import atexit

    service = os.environ.get("OTEL_SERVICE_NAME", "fnplan")
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    atexit.register(provider.shutdown)
    return provider


def _handle(span: Span, workflow: str) -> SpanHandle:
    context = span.get_span_context()
    return SpanHandle(f"{context.trace_id:032x}", f"{context.span_id:016x}", span, workflow)


def _close(span: Span, status: str, error: ErrorInfo | None) -> None:
    from opentelemetry.trace import Status, StatusCode

    span.set_attribute("fnplan.status", status)
    if error is not None:
        attributes = {"exception.type": error.type, "exception.message": error.message}
        if error.traceback:
            attributes["exception.stacktrace"] = error.traceback
        span.add_event("exception", attributes)
        span.set_status(Status(StatusCode.ERROR, f"{error.type}: {error.message}"))
    elif status == "succeeded":
        span.set_status(Status(StatusCode.OK))
    span.end()
