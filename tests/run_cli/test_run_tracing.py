"""OpenTelemetry spans (in-memory exporter) and reuse of large outputs, in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from fnplan.run import WorkerPool
from fnplan.run.debug import reusable_outputs
from fnplan.run.history import read_records
from tests.run.runkit import ECHO, Deployment, document, expr

FLAKY = """
import os

def handler(event, context):
    marker = {marker!r}
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise ConnectionError("first attempt fails")
    return {{"value": event["value"] + 1}}
"""


@pytest.fixture
def traces() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def _hex(span: ReadableSpan) -> tuple[str, str]:
    context = span.get_span_context()
    assert context is not None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def test_span_ids_are_the_log_records_ids(
    tmp_path: Path, pool: WorkerPool, traces: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = traces
    deploy = Deployment(tmp_path, pool)
    flaky = deploy.function("flaky", FLAKY.format(marker=str(tmp_path / "failed-once")))
    child = document(
        "child",
        [
            {
                "name": "inner",
                "type": "function",
                "function": deploy.function("echo", ECHO),
                "input": expr("input"),
            }
        ],
    )
    parent = document(
        "traced",
        [
            {
                "name": "a",
                "type": "function",
                "function": flaky,
                "input": expr("input"),
                "retry": {"max_attempts": 2, "interval": 0.01},
            },
            {
                "name": "b",
                "type": "workflow",
                "workflow": deploy.workflow(child),
                "input": expr("step.a.output"),
            },
        ],
    )
    result = deploy.run(parent, {"value": 1}, tracer_provider=provider)
    assert result.status == "succeeded", result.error

    spans = {_hex(span)[1]: span for span in exporter.get_finished_spans()}
    records = read_records(result.log_path)
    child_log = next((deploy.log_dir / "child").glob("*.jsonl"))
    records += read_records(child_log)
    started = [r for r in records if r.event == "started"]
    assert [(r.step, r.attempt) for r in started] == [("a", 1), ("a", 2), ("b", 1), ("inner", 1)]
    run_spans = [r.span_id for r in records if r.event == "run_started"]
    assert len(spans) == len(started) + len(run_spans), "one span per attempt and per execution"

    for record in records:
        span = spans[record.span_id]
        assert _hex(span) == (record.trace_id, record.span_id)
        parent_context = span.parent
        assert parent_context is not None or record.parent_span_id is None
        if parent_context is not None:
            assert f"{parent_context.span_id:016x}" == record.parent_span_id
    first, second = (spans[r.span_id] for r in started[:2])
    assert first.attributes is not None and second.attributes is not None
    assert first.attributes["fnplan.attempt"] == 1
    assert first.attributes["fnplan.status"] == "retrying"
    assert first.status.status_code is StatusCode.ERROR
    assert first.events[0].attributes is not None
    assert first.events[0].attributes["exception.type"] == "ConnectionError"
    assert second.attributes["fnplan.status"] == "succeeded"
    assert second.attributes["fnplan.step"] == "a"
    assert second.attributes["fnplan.node_type"] == "function"
    assert second.attributes["fnplan.workflow"] == "workflow.traced"
    assert len({record.trace_id for record in records}) == 1, "a child run shares the trace"


def test_large_outputs_are_reused_in_full(tmp_path: Path, pool: WorkerPool) -> None:
    deploy = Deployment(tmp_path, pool)
    counter = tmp_path / "calls"
    big = deploy.function(
        "big",
        f"""
        def handler(event, context):
            with open({str(counter)!r}, "a") as handle:
                handle.write("big\\n")
            return {{"blob": "x" * 100_000}}
        """,
    )
    size = deploy.function("size", "def handler(event, context):\n    return len(event)\n")
    workflow = document(
        "large",
        [
            {"name": "a", "type": "function", "function": big},
            {
                "name": "b",
                "type": "function",
                "function": size,
                "input": expr("step.a.output.blob"),
            },
        ],
        output=expr("step.b.output"),
    )
    first = deploy.run(workflow)
    logged = next(
        r for r in read_records(first.log_path) if r.step == "a" and r.event == "succeeded"
    )
    assert "$truncated" in logged.output

    reuse = reusable_outputs(workflow, "b", deploy.log_dir, first.execution_id)
    assert reuse == {"a": {"blob": "x" * 100_000}}
    again = deploy.run(workflow, reuse=reuse)
    assert again.output == 100_000
    assert counter.read_text().split() == ["big"], "step a ran once"
    chained = reusable_outputs(workflow, "b", deploy.log_dir, again.execution_id)
    assert chained == reuse, "a reused output is kept in full too"
