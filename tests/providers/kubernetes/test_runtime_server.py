"""The reference Python runtime (examples/runtimes/python/server.py) run as a process and
called over HTTP, as the runtime image contract says a Knative revision calls it."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

SERVER = Path(__file__).parents[3] / "examples" / "runtimes" / "python" / "server.py"
HANDLER = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"doubled": event["n"] * 2, "function": context.function,
            "request_id": context.request_id, "left": context.remaining_time() > 0}
"""


class Runtime:
    """A running server: its URL and the log records it wrote so far."""

    def __init__(self, process: subprocess.Popen[str], url: str, first: dict[str, Any]) -> None:
        self.process = process
        self.url = url
        self.records = [first]

    def read_records(self, count: int) -> list[dict[str, Any]]:
        assert self.process.stdout is not None
        while len(self.records) < count:
            line = self.process.stdout.readline()
            assert line, "the runtime exited"
            self.records.append(json.loads(line))
        return self.records


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    code = tmp_path / "code"
    (code / "lib").mkdir(parents=True)
    (code / "main.py").write_text("from lib.helper import HANDLER as handler\n")
    (code / "lib" / "__init__.py").write_text("")
    (code / "lib" / "helper.py").write_text(HANDLER.replace("def handler", "def HANDLER"))
    env = {
        **os.environ,
        "PORT": "0",
        "FNPLAN_HOST": "127.0.0.1",
        "FNPLAN_CODE_DIR": str(code),
        "FNPLAN_HANDLER": "main.handler",
        "FNPLAN_FUNCTION": "function.double",
        "FNPLAN_VERSION": "abc123",
    }
    process = subprocess.Popen(
        [sys.executable, str(SERVER)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, "the runtime did not start within 20 s"
        line = process.stdout.readline()  # the server's first record says where it listens
        assert line, "the runtime exited"
        first = json.loads(line)
        port = int(first["message"].rsplit(" ", 1)[1])
        yield Runtime(process, f"http://127.0.0.1:{port}", first)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_handler_is_called_with_event_and_context(runtime: Runtime) -> None:
    answer = httpx.post(runtime.url, json={"n": 21}, headers={"X-Request-Id": "req-1"})
    assert answer.status_code == 200
    assert answer.json() == {
        "doubled": 42,
        "function": "function.double",
        "request_id": "req-1",
        "left": True,
    }


def test_each_request_logs_json_records(runtime: Runtime) -> None:
    trace = "0af7651916cd43dd8448eb211c80319c"
    httpx.post(
        runtime.url, json={"n": 1}, headers={"traceparent": f"00-{trace}-b7ad6b7169203331-01"}
    )
    records = runtime.read_records(3)
    assert records[0]["message"].startswith("listening on port")
    invoked, succeeded = records[1], records[2]
    for record in (invoked, succeeded):
        assert record["function"] == "function.double"
        assert record["version"] == "abc123"
        assert record["trace_id"] == trace
        assert record["level"] == "info"
        assert record["timestamp"].endswith("+00:00")
    assert (invoked["message"], succeeded["message"]) == ("invoked", "succeeded")
    assert succeeded["duration_ms"] >= 0


def test_handler_failure_is_a_500_with_the_error(runtime: Runtime) -> None:
    answer = httpx.post(runtime.url, json={"fail": True})
    assert answer.status_code == 500
    assert answer.json() == {"error": {"type": "ValueError", "message": "asked to fail"}}
    error = runtime.read_records(3)[2]
    assert error["level"] == "error" and "asked to fail" in error["message"]


def test_body_that_is_not_json_is_a_400(runtime: Runtime) -> None:
    answer = httpx.post(runtime.url, content=b"{not json")
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "BadRequest"


def test_healthz_answers_for_readiness(runtime: Runtime) -> None:
    assert httpx.get(f"{runtime.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{runtime.url}/other").status_code == 404
