"""OTEL_EXPORTER_OTLP_ENDPOINT: `fnplan run` exports its spans over OTLP/HTTP to a collector."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.cli.conftest import run_fnplan
from tests.run_cli.conftest import Project


class _Collector(BaseHTTPRequestHandler):
    received: list[ExportTraceServiceRequest] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/v1/traces":
            self.received.append(ExportTraceServiceRequest.FromString(body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def collector() -> Iterator[tuple[str, list[ExportTraceServiceRequest]]]:
    received: list[ExportTraceServiceRequest] = []
    handler = type("Collector", (_Collector,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def test_run_exports_one_span_per_execution_and_attempt(
    project: Project, collector: tuple[str, list[ExportTraceServiceRequest]]
) -> None:
    endpoint, received = collector
    run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--execution-id",
        "otlp-1",
        cwd=project.root,
        env={"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint},
    )
    spans = [
        span
        for request in received
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    log = project.root / ".fnplan" / "runs" / "thumbnail" / "otlp-1.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    attempts = {r["span_id"] for r in records if r["event"] == "started"}
    run_span = records[0]["span_id"]
    assert {span.span_id.hex() for span in spans} == attempts | {run_span}
    assert {span.trace_id.hex() for span in spans} == {records[0]["trace_id"]}
