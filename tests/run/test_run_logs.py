"""Execution log files: layout, record fields, the checked-in JSON Schema, truncation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from fnplan.errors import FnplanError
from fnplan.run.logs import MAX_VALUE_BYTES
from fnplan.run.records import LogRecord
from tests.run.runkit import ECHO, Deployment, document, expr

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "execution-log.schema.json"

FAIL = "def handler(event, context):\n    raise RuntimeError('no')\n"


def test_every_record_validates_against_the_checked_in_schema(deploy: Deployment) -> None:
    echo = deploy.function("echo", ECHO)
    fail = deploy.function("fail", FAIL)
    doc = document(
        "logged",
        [
            {"name": "ok", "type": "function", "function": echo, "input": expr("input")},
            {
                "name": "no",
                "type": "function",
                "function": fail,
                "retry": {"max_attempts": 2, "interval": 0.01},
                "catch": [{"next": "sh"}],
            },
            {"name": "sh", "type": "shell", "shell": {"script": "echo hi", "image": "alpine"}},
            {"name": "never", "type": "function", "function": echo, "when": False},
        ],
        output=expr("step.ok.output"),
    )
    streamed: list[LogRecord] = []
    result = deploy.run(doc, {"x": 1}, on_event=streamed.append, execution_id="run-1")
    assert result.status == "succeeded", result.error
    assert result.log_path == deploy.log_dir / "logged" / "run-1.jsonl"
    lines = [json.loads(line) for line in result.log_path.read_text().splitlines()]
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    for line in lines:
        validator.validate(line)
    assert [LogRecord.model_validate(line) for line in lines] == streamed
    assert {line["event"] for line in lines} == {
        "run_started",
        "started",
        "succeeded",
        "retrying",
        "caught",
        "notice",
        "skipped",
        "run_succeeded",
    }
    trace_ids = {line["trace_id"] for line in lines}
    assert len(trace_ids) == 1 and re.fullmatch("[0-9a-f]{32}", trace_ids.pop())
    run_span = lines[0]["span_id"]
    assert lines[0]["parent_span_id"] is None
    assert all(line["parent_span_id"] == run_span for line in lines if line["step"])
    assert all(line["timestamp"].endswith("Z") for line in lines)
    final = lines[-1]
    assert final["event"] == "run_succeeded" and final["output"] == {"x": 1}
    assert final["duration_ms"] > 0
    for line in lines:
        for key in ("stdout_path", "stderr_path"):
            if line[key]:
                assert Path(line[key]).parent == deploy.log_dir / "logged" / "run-1"


def test_large_inputs_and_outputs_are_truncated_in_records(deploy: Deployment) -> None:
    echo = deploy.function("echo", ECHO)
    doc = document(
        "big",
        [{"name": "e", "type": "function", "function": echo, "input": expr("input")}],
        output=expr("step.e.output"),
    )
    payload = {"blob": "x" * (MAX_VALUE_BYTES + 10)}
    result = deploy.run(doc, payload)
    assert result.output == payload
    lines = [json.loads(line) for line in result.log_path.read_text().splitlines()]
    done = next(line for line in lines if line["event"] == "succeeded")
    assert done["output"]["$truncated"] > MAX_VALUE_BYTES
    assert done["output"]["$prefix"].startswith('{"blob": "xxx')
    assert all(len(json.dumps(line)) < 2 * MAX_VALUE_BYTES for line in lines)


def test_a_bad_execution_id_is_refused(deploy: Deployment) -> None:
    with pytest.raises(FnplanError, match="not usable as a file name"):
        deploy.run(document("w", []), execution_id="../escape")
