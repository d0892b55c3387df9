"""Workflow steps with nesting = "call": child executions linked to their parent."""

from __future__ import annotations

from tests.run.runkit import ECHO, Deployment, document, expr, read_records, records

FAIL = "def handler(event, context):\n    raise KeyError('missing')\n"


def test_a_called_child_runs_as_its_own_execution(deploy: Deployment) -> None:
    echo = deploy.function("echo", ECHO)
    child = document(
        "classify",
        [
            {
                "name": "label",
                "type": "function",
                "function": echo,
                "input": {"label": expr('"cat:${input.image}"')},
            }
        ],
        output={"label": expr("step.label.output.label")},
    )
    call = deploy.workflow(child, version="c1")
    parent = document(
        "thumbnail",
        [
            {
                "name": "classify",
                "type": "workflow",
                "workflow": call,
                "input": {"image": expr("input.image")},
            }
        ],
        output=expr("step.classify.output.label"),
    )
    seen: list[str] = []
    result = deploy.run(parent, {"image": "a.png"}, on_event=lambda r: seen.append(r.workflow))
    assert result.status == "succeeded", result.error
    assert result.output == "cat:a.png"
    child_logs = list((deploy.log_dir / "classify").glob("*.jsonl"))
    assert len(child_logs) == 1
    parent_records = records(result)
    child_records = read_records(child_logs[0])
    step_start = next(r for r in parent_records if r.event == "started")
    child_start = child_records[0]
    assert child_start.event == "run_started"
    assert child_start.parent_execution_id == result.execution_id
    assert child_start.trace_id == step_start.trace_id
    assert child_start.parent_span_id == step_start.span_id
    assert child_start.workflow_version == "c1"
    assert {r.execution_id for r in child_records} == {child_logs[0].stem}
    assert "classify" in seen and "thumbnail" in seen


def test_a_failing_child_fails_the_step_with_its_error_type(deploy: Deployment) -> None:
    fail = deploy.function("fail", FAIL)
    child = document("inner", [{"name": "boom", "type": "function", "function": fail}])
    parent = document(
        "outer",
        [
            {
                "name": "call",
                "type": "workflow",
                "workflow": deploy.workflow(child),
                "catch": [{"errors": ["KeyError"], "next": "cleanup"}],
            },
            {"name": "cleanup", "type": "shell", "shell": {"script": "echo cleaned"}},
        ],
        output=expr("step.cleanup.output.stdout"),
    )
    result = deploy.run(parent)
    assert result.status == "succeeded", result.error
    assert result.output == "cleaned\n"
    caught = next(r for r in records(result) if r.event == "caught")
    assert caught.error is not None and "at step 'boom'" in caught.error.message
