"""The run-time rules end to end: real workflows applied and run through `fnplan run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.workflows_e2e.conftest import (
    HEADER,
    function_block,
    records,
    run_json,
    step_events,
    write_functions,
)

FUNCTIONS = {
    "flaky": "def handler(event, context):\n    raise RuntimeError('boom')\n",
    "echo": "def handler(event, context):\n    return event\n",
    "number": "def handler(event, context):\n    return {'n': event['n']}\n",
    "sleeper": (
        "import time\n\n\ndef handler(event, context):\n    start = time.time()\n"
        "    time.sleep(event['seconds'])\n    return {'start': start, 'end': time.time()}\n"
    ),
    "counter": (
        "import os\n\n\ndef handler(event, context):\n"
        "    with open(os.environ['COUNTER'], 'a') as handle:\n"
        "        handle.write(event['name'] + '\\n')\n"
        "    return {'value': event['value'] + 1}\n"
    ),
}

WORKFLOWS = """
workflow "retry_catch" {
  step "risky" {
    function = function.flaky
    retry {
      max_attempts = 3
      backoff      = "fixed"
      interval     = 0.05
    }
    catch {
      errors = ["any"]
      next   = step.recover
    }
  }
  step "after" {
    function = function.echo
    input    = { risky = step.risky.output }
  }
  step "recover" {
    function = function.echo
    input    = { type = step.risky.error.type, message = step.risky.error.message }
  }
  output = { recovered = step.recover.output, after = step.after.output }
}

workflow "conditional" {
  step "measure" {
    function = function.number
    input    = { n = input.n }
  }
  step "big" {
    function = function.echo
    when     = step.measure.output.n > 100
    input    = { n = step.measure.output.n }
  }
  step "after_big" {
    function   = function.echo
    input      = { from = step.big.output.n }
  }
  step "later" {
    function   = function.echo
    depends_on = [step.after_big]
  }
  step "always" {
    function = function.echo
    input    = { n = step.measure.output.n }
  }
  output = { big = step.big.output, always = step.always.output }
}

workflow "parallel" {
  step "left" {
    function = function.sleeper
    input    = { seconds = 0.6 }
  }
  step "right" {
    function = function.sleeper
    input    = { seconds = 0.6 }
  }
  output = { left = step.left.output, right = step.right.output }
}

workflow "child" {
  step "double" {
    function = function.number
    input    = { n = input.n * 2 }
  }
  step "label" {
    function = function.echo
    input    = { label = "n=${step.double.output.n}" }
  }
  output = { n = step.double.output.n, label = step.label.output.label }
}

workflow "nested" {
  step "flat" {
    workflow = workflow.child
    nesting  = "inline"
    input    = { n = input.n }
  }
  step "called" {
    workflow = workflow.child
    nesting  = "call"
    input    = { n = input.n }
  }
  output = { inline = step.flat.output, call = step.called.output }
}

workflow "chain" {
  step "a" {
    function = function.counter
    input    = { name = "a", value = input.value }
  }
  step "b" {
    function = function.counter
    input    = { name = "b", value = step.a.output.value }
  }
  step "c" {
    function = function.counter
    input    = { name = "c", value = step.b.output.value }
  }
  output = step.c.output
}
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One applied project holding every workflow of this file."""
    root = tmp_path_factory.mktemp("rules") / "project"
    write_functions(root, FUNCTIONS)
    counter = 'env = {\n    COUNTER = "${path.module}/calls.txt"\n  }\n'
    blocks = [function_block(n, "  " + counter if n == "counter" else "") for n in FUNCTIONS]
    (root / "main.hcl").write_text(HEADER + "\n".join(blocks) + WORKFLOWS)
    run_fnplan("apply", "--auto-approve", cwd=root)
    return root


def test_failing_step_retries_then_its_catch_runs(root: Path) -> None:
    report = run_json(root, "retry_catch", {})
    assert report["status"] == "succeeded", "a caught failure does not fail the run"
    events = step_events(report)
    assert events["risky"] == ["started", "retrying", "started", "retrying", "started", "caught"]
    assert events["recover"] == ["started", "succeeded"]
    assert events["after"] == ["skipped"], "dependents of a caught step are skipped"
    assert report["output"] == {
        "recovered": {"type": "RuntimeError", "message": "boom"},
        "after": None,
    }
    attempts = [r["attempt"] for r in records(report) if r["step"] == "risky"]
    assert attempts == [1, 1, 2, 2, 3, 3]


def test_false_when_skips_the_branch_and_its_dependents(root: Path) -> None:
    report = run_json(root, "conditional", {"n": 7})
    events = step_events(report)
    assert events["measure"] == events["always"] == ["started", "succeeded"]
    assert events["big"] == events["after_big"] == events["later"] == ["skipped"]
    reasons = {r["step"]: r["message"] for r in records(report) if r["event"] == "skipped"}
    assert reasons == {
        "big": "when is false",
        "after_big": "dependency 'big' was skipped",
        "later": "dependency 'after_big' was skipped",
    }
    assert report["output"] == {"big": None, "always": {"n": 7}}
    taken = run_json(root, "conditional", {"n": 500})
    assert step_events(taken)["later"] == ["started", "succeeded"]
    assert taken["output"]["big"] == {"n": 500}


def test_parallel_branches_really_overlap_in_time(root: Path) -> None:
    report = run_json(root, "parallel", {})
    left, right = report["output"]["left"], report["output"]["right"]
    assert left["start"] < right["end"] and right["start"] < left["end"], report["output"]
    overlap = min(left["end"], right["end"]) - max(left["start"], right["start"])
    assert overlap > 0.3, f"the two 0.6 s steps overlapped only {overlap:.3f} s"


def test_inline_nesting_gives_the_same_output_as_the_call_form(root: Path) -> None:
    report = run_json(root, "nested", {"n": 21})
    assert report["output"]["inline"] == report["output"]["call"] == {"n": 42, "label": "n=42"}
    events = step_events(report)
    assert events["flat__double"] == events["flat__label"] == ["started", "succeeded"]
    assert events["called"] == ["started", "succeeded"]
    child_logs = list((root / ".fnplan" / "runs" / "child").glob("*.jsonl"))
    assert len(child_logs) == 1, "the call form runs the child as its own execution"
    child = [json.loads(line) for line in child_logs[0].read_text().splitlines()]
    assert {r["parent_execution_id"] for r in child} == {report["execution_id"]}


def test_from_resumes_without_rerunning_earlier_steps(root: Path) -> None:
    calls = root / "calls.txt"
    first = run_json(root, "chain", {"value": 0}, "--execution-id", "chain-1")
    assert first["output"] == {"value": 3}
    before = calls.read_text().split()
    again = run_json(
        root,
        "chain",
        {"value": 0},
        "--from",
        "b",
        "--execution",
        "chain-1",
        "--execution-id",
        "chain-2",
    )
    assert calls.read_text().split()[len(before) :] == ["b", "c"], "a must not run again"
    assert again["output"] == first["output"]
    events = step_events(again)
    assert events == {"a": ["reused"], "b": ["started", "succeeded"], "c": ["started", "succeeded"]}


def test_data_contract_mismatch_is_rejected_at_validate_naming_both_steps(tmp_path: Path) -> None:
    root = tmp_path / "contract"
    write_functions(root, {"producer": FUNCTIONS["number"], "consumer": FUNCTIONS["echo"]})
    (root / "out.json").write_text(
        json.dumps({"type": "object", "properties": {"n": {"type": "integer"}}})
    )
    (root / "in.json").write_text(
        json.dumps({"type": "object", "properties": {"text": {"type": "string"}}})
    )
    (root / "main.hcl").write_text(
        HEADER
        + function_block("producer", '  output_schema = "./out.json"\n')
        + function_block("consumer", '  input_schema = "./in.json"\n')
        + 'workflow "contract" {\n  step "make" {\n    function = function.producer\n  }\n'
        + '  step "use" {\n    function = function.consumer\n'
        + "    input    = { text = step.make.output.n }\n  }\n}\n"
    )
    result = run_fnplan("validate", cwd=root, check=None)
    assert_clean_error(
        result,
        "main.hcl:",
        "step 'use' input 'text' reads step 'make' output.n of type integer",
        "expects 'text' to be string",
    )
    assert not (root / ".fnplan" / "state.json").exists(), "validate never touches state"
