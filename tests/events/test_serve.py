"""`fnplan serve`: http triggers, POST /events, /metrics, /healthz and a graceful SIGTERM."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.cli.conftest import run_fnplan
from tests.events.conftest import Server


def request(
    url: str, body: Any = None, *, method: str = "POST", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-cased headers, body) of one HTTP request; JSON-encodes a non-bytes body."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, _lower(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers.items()), error.read()


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


def samples(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a /metrics scrape by (name, labels)."""
    status, headers, body = request(f"{url}/metrics", method="GET")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def labels(**values: str) -> frozenset[tuple[str, str]]:
    return frozenset(values.items())


def test_http_trigger_returns_the_run_output_and_metrics_count_it(serve: Server) -> None:
    assert "POST /hooks/process" in "".join(serve.banner).replace(serve.url, "")
    assert "trigger.tick '*/5 * * * *' -> function.echo, next at " in "".join(serve.banner)

    status, _, body = request(f"{serve.url}/hooks/process", {"order": "h-1", "qty": 2})
    result = json.loads(body)
    assert status == 200, result
    assert result["status"] == "succeeded" and result["output"] == {"order": "h-1", "qty": 2}
    assert result["trigger"] == "trigger.hook" and result["execution_id"]

    status, _, body = request(f"{serve.url}/hooks/flaky", {})
    failed = json.loads(body)
    assert status == 500 and failed["status"] == "failed"
    assert failed["error"]["type"] == "RuntimeError"

    metrics = samples(serve.url)
    runs = "fnplan_workflow_runs_total"
    assert metrics[(runs, labels(workflow="process", status="succeeded"))] == 1
    assert metrics[(runs, labels(workflow="flaky", status="failed"))] == 1
    step = labels(workflow="process", step="total", node_type="function")
    assert metrics[("fnplan_step_duration_seconds_count", step)] == 1
    assert metrics[("fnplan_step_duration_seconds_sum", step)] > 0
    flaky = labels(workflow="flaky", step="explode", node_type="function")
    assert metrics[("fnplan_step_duration_seconds_count", flaky)] == 2
    failure = labels(workflow="flaky", step="explode", error="RuntimeError")
    assert metrics[("fnplan_step_failures_total", failure)] == 1
    assert metrics[("fnplan_step_retries_total", labels(workflow="flaky", step="explode"))] == 1
    fires = "fnplan_trigger_fires_total"
    assert metrics[(fires, labels(trigger="trigger.hook", kind="http"))] == 1
    assert metrics[(fires, labels(trigger="trigger.flaky_hook", kind="http"))] == 1
    # The completion trigger runs after the answer was sent; wait for it to be counted.
    deadline = time.monotonic() + 10
    after = (fires, labels(trigger="trigger.after", kind="completion"))
    while samples(serve.url).get(after) != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert samples(serve.url)[after] == 1

    code, out = serve.stop()
    assert code == 0, out
    assert "trigger.hook -> workflow.process: succeeded" in out
    assert "  trigger.after -> function.audit: succeeded" in out
    assert "trigger.flaky_hook -> workflow.flaky: failed" in out


def test_events_endpoint_dispatches_a_structured_cloudevent(serve: Server) -> None:
    event = {
        "specversion": "1.0",
        "id": "e-1",
        "source": "tests://serve",
        "type": "com.example.order.placed",
        "data": {"id": "e-1", "qty": 5},
    }
    headers = {"Content-Type": "application/cloudevents+json"}
    status, _, body = request(f"{serve.url}/events", event, headers=headers)
    assert status == 200, body
    (result,) = json.loads(body)["results"]
    assert result["trigger"] == "trigger.on_order"
    assert result["output"] == {"order": "e-1", "qty": 5}

    bad = {**event, "data": {"id": "e-2", "qty": 0}}
    status, _, body = request(f"{serve.url}/events", bad, headers=headers)
    assert status == 422 and "does not match its schema" in json.loads(body)["error"]

    status, _, body = request(f"{serve.url}/events", b"{not json", headers=headers)
    assert status == 400 and "valid CloudEvent" in json.loads(body)["error"]

    nobody = {**event, "id": "e-3", "type": "com.example.nobody"}  # a new id: not a repeat
    status, _, body = request(f"{serve.url}/events", nobody, headers=headers)
    assert status == 200 and json.loads(body) == {
        "results": [],
        "message": "no trigger listens for events of type 'com.example.nobody'",
    }
    assert serve.stop()[0] == 0


def test_health_unknown_paths_and_methods(serve: Server) -> None:
    assert request(f"{serve.url}/healthz", method="GET")[:1] == (200,)
    status, _, body = request(f"{serve.url}/nowhere", {})
    assert status == 404 and "/nowhere" in json.loads(body)["error"]
    status, headers, _ = request(f"{serve.url}/hooks/process", method="GET")
    assert status == 405 and headers["allow"] == "POST"
    status, _, body = request(f"{serve.url}/hooks/process", b"{oops")
    assert status == 400 and "not JSON" in json.loads(body)["error"]
    assert serve.stop()[0] == 0


def test_sigterm_lets_running_runs_finish(project: Path, serve: Server) -> None:
    answers: list[tuple[int, dict[str, Any]]] = []
    captures = project / ".fnplan" / "runs" / "function.slow"
    before = set(captures.glob("*.stdout"))

    def call() -> None:
        status, _, body = request(f"{serve.url}/hooks/slow", {"seconds": 1.5})
        answers.append((status, json.loads(body)))

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 30  # the run has started when its capture file appears
    while not set(captures.glob("*.stdout")) - before and time.monotonic() < deadline:
        time.sleep(0.02)
    code, out = serve.stop()
    caller.join(timeout=30)
    assert code == 0, out
    assert answers == [(200, answers[0][1])] and answers[0][1]["output"] == {"slept": 1.5}
    assert "trigger.slow_hook -> function.slow: succeeded" in out
    assert out.rstrip().endswith("Stopped: every running run finished.")


def test_slow_run_answers_202_with_the_execution_id(project: Path) -> None:
    server = Server(project, "--wait", "0.2")
    try:
        status, _, body = request(f"{server.url}/hooks/slow", {"seconds": 1})
        accepted = json.loads(body)
        assert status == 202 and accepted["status"] == "running"
        code, out = server.stop()
    finally:
        if server.process.poll() is None:
            server.process.kill()
    assert code == 0
    assert f"function.slow: succeeded ({accepted['execution_id']})" in out


def test_port_in_use_is_a_clean_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run_fnplan("serve", "--port", port, cwd=project, check=1)
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
