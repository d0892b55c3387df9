"""The run-time DAG rules, end to end with real handler processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.errors import ConfigError
from fnplan.run.scheduler import Scheduler
from fnplan.run.steps import backoff_delay
from fnplan.workflow.model import Retry
from tests.run.runkit import ECHO, Deployment, document, events, expr, records

FAIL = """
class ImageTooLarge(Exception):
    pass

def handler(event, context):
    print("attempt", context.aws_request_id)
    raise ImageTooLarge("image is %d bytes" % event["size"])
"""

FLAKY = """
from pathlib import Path

def handler(event, context):
    counter = Path(event["counter"])
    seen = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(seen + 1))
    if seen < event["failures"]:
        raise ConnectionError("transient failure %d" % (seen + 1))
    return {"attempts": seen + 1}
"""


def test_data_flows_between_steps_and_into_the_output(deploy: Deployment) -> None:
    echo = deploy.function("echo", ECHO)
    doc = document(
        "flow",
        [
            {"name": "a", "type": "function", "function": echo, "input": {"n": expr("input.n")}},
            {
                "name": "b",
                "type": "function",
                "function": echo,
                "input": {"double": expr("step.a.output.n * 2")},
            },
        ],
        output={"result": expr("step.b.output.double"), "fixed": 1},
    )
    result = deploy.run(doc, {"n": 21})
    assert result.status == "succeeded", result.error
    assert result.output == {"result": 42, "fixed": 1}
    assert [r.event for r in records(result)] == [
        "run_started",
        "started",
        "succeeded",
        "started",
        "succeeded",
        "run_succeeded",
    ]


def test_retries_are_spent_then_the_catch_fires_and_the_run_succeeds(deploy: Deployment) -> None:
    fail = deploy.function("fail", FAIL)
    echo = deploy.function("echo", ECHO)
    doc = document(
        "caught",
        [
            {
                "name": "resize",
                "type": "function",
                "function": fail,
                "input": {"size": 9000},
                "retry": {"max_attempts": 3, "backoff": "exponential", "interval": 0.01},
                "catch": [{"errors": ["ImageTooLarge"], "next": "report"}],
            },
            {
                "name": "report",
                "type": "function",
                "function": echo,
                "input": {"why": expr("step.resize.error.type")},
            },
            {
                "name": "publish",
                "type": "function",
                "function": echo,
                "input": expr("step.resize.output"),
            },
        ],
        output={"thumb": expr("step.resize.output"), "report": expr("step.report.output.why")},
    )
    result = deploy.run(doc, {})
    assert result.status == "succeeded", result.error
    assert result.output == {"thumb": None, "report": "ImageTooLarge"}
    assert events(result, "resize") == [
        "started",
        "retrying",
        "started",
        "retrying",
        "started",
        "caught",
    ]
    assert events(result, "report") == ["started", "succeeded"]
    assert events(result, "publish") == ["skipped"]
    caught = next(r for r in records(result) if r.event == "caught")
    assert caught.error is not None and caught.error.type == "ImageTooLarge"
    assert "image is 9000 bytes" in caught.error.message
    assert "Traceback" in (caught.error.traceback or "")
    assert caught.attempt == 3
    assert caught.stdout_path and "attempt" in Path(caught.stdout_path).read_text()


def test_a_retry_that_succeeds_ends_the_step_successfully(
    deploy: Deployment, tmp_path: Path
) -> None:
    flaky = deploy.function("flaky", FLAKY)
    doc = document(
        "flaky",
        [
            {
                "name": "call",
                "type": "function",
                "function": flaky,
                "input": {"counter": str(tmp_path / "count"), "failures": 2},
                "retry": {"max_attempts": 4, "interval": 0.01, "errors": ["ConnectionError"]},
            }
        ],
        output=expr("step.call.output"),
    )
    result = deploy.run(doc)
    assert result.output == {"attempts": 3}
    assert events(result, "call") == [
        "started",
        "retrying",
        "started",
        "retrying",
        "started",
        "succeeded",
    ]


def test_an_error_not_listed_in_retry_errors_is_not_retried(deploy: Deployment) -> None:
    fail = deploy.function("fail", FAIL)
    doc = document(
        "noretry",
        [
            {
                "name": "x",
                "type": "function",
                "function": fail,
                "input": {"size": 1},
                "retry": {"max_attempts": 5, "interval": 0.01, "errors": ["ConnectionError"]},
            }
        ],
    )
    result = deploy.run(doc)
    assert result.status == "failed"
    assert result.failed_step == "x"
    assert result.error is not None and result.error.type == "ImageTooLarge"
    assert events(result, "x") == ["started", "failed"]


def test_false_when_skips_the_branch_and_its_dependents(deploy: Deployment) -> None:
    echo = deploy.function("echo", ECHO)
    doc = document(
        "branches",
        [
            {"name": "measure", "type": "function", "function": echo, "input": {"bytes": 10}},
            {
                "name": "big",
                "type": "function",
                "function": echo,
                "when": expr("step.measure.output.bytes > 1024"),
                "input": {"kind": "big"},
            },
            {
                "name": "after_big",
                "type": "function",
                "function": echo,
                "input": expr("step.big.output"),
            },
            {"name": "later", "type": "function", "function": echo, "depends_on": ["after_big"]},
            {
                "name": "small",
                "type": "function",
                "function": echo,
                "when": expr("step.measure.output.bytes <= 1024"),
                "input": {"kind": "small"},
            },
        ],
        output={"big": expr("step.big.output.kind"), "small": expr("step.small.output.kind")},
    )
    result = deploy.run(doc)
    assert result.status == "succeeded", result.error
    assert result.output == {"big": None, "small": "small"}
    assert events(result, "big") == ["skipped"]
    assert events(result, "after_big") == ["skipped"]
    assert events(result, "later") == ["skipped"]
    reasons = {r.step: r.message for r in records(result) if r.event == "skipped"}
    assert reasons["big"] == "when is false"
    assert reasons["after_big"] == "dependency 'big' was skipped"


def test_an_uncaught_failure_fails_the_run_after_running_steps_finish(
    deploy: Deployment,
) -> None:
    fail = deploy.function("fail", FAIL)
    slow = deploy.function(
        "slow",
        "import time\ndef handler(event, context):\n    time.sleep(0.5)\n    return 'done'\n",
    )
    echo = deploy.function("echo", ECHO)
    doc = document(
        "failing",
        [
            {"name": "bad", "type": "function", "function": fail, "input": {"size": 1}},
            {"name": "slow", "type": "function", "function": slow},
            {
                "name": "after_slow",
                "type": "function",
                "function": echo,
                "input": expr("step.slow.output"),
            },
            {"name": "handler_never", "type": "function", "function": echo},
            {
                "name": "guarded",
                "type": "function",
                "function": echo,
                "catch": [{"next": "handler_never"}],
            },
        ],
        output=expr("step.slow.output"),
    )
    result = deploy.run(doc)
    assert result.status == "failed"
    assert result.failed_step == "bad"
    assert result.output is None
    assert events(result, "slow") == ["started", "succeeded"]
    assert events(result, "after_slow") == ["skipped"]
    assert events(result, "handler_never") == ["skipped"]
    final = records(result)[-1]
    assert final.event == "run_failed" and final.error is not None
    assert final.error.type == "ImageTooLarge"


def test_a_catch_target_whose_catch_never_fires_is_skipped(deploy: Deployment) -> None:
    echo = deploy.function("echo", ECHO)
    doc = document(
        "fine",
        [
            {"name": "ok", "type": "function", "function": echo, "catch": [{"next": "oops"}]},
            {"name": "oops", "type": "function", "function": echo},
        ],
    )
    result = deploy.run(doc)
    assert result.status == "succeeded"
    assert events(result, "oops") == ["skipped"]


def test_workflow_input_is_validated_against_its_schema(deploy: Deployment) -> None:
    doc = document("typed", [], input_schema={"type": "object", "required": ["url"]})
    result = deploy.run(doc, {"nope": 1})
    assert result.status == "failed"
    assert result.error is not None and result.error.type == "InputValidation"
    assert "'url' is a required property" in result.error.message


def test_a_run_time_expression_error_fails_the_step(deploy: Deployment) -> None:
    echo = deploy.function("echo", ECHO)
    doc = document(
        "typeerr",
        [{"name": "x", "type": "function", "function": echo, "input": expr("input.a + 1")}],
    )
    result = deploy.run(doc, {"a": "text"})
    assert result.status == "failed"
    assert result.error is not None and result.error.type == "ExpressionError"


def test_unknown_step_names_and_cycles_are_configuration_errors() -> None:
    with pytest.raises(ConfigError, match="unknown step 'nope'") as raised:
        Scheduler(
            document(
                "w",
                [
                    {
                        "name": "a",
                        "type": "shell",
                        "shell": {"script": "true"},
                        "depends_on": ["nope"],
                        "pos": "main.hcl:3:5",
                    }
                ],
            )
        )
    assert str(raised.value.pos) == "main.hcl:3:5"
    cyclic = [
        {"name": "a", "type": "shell", "shell": {"script": "true"}, "depends_on": ["b"]},
        {"name": "b", "type": "shell", "shell": {"script": "true"}, "depends_on": ["a"]},
    ]
    with pytest.raises(ConfigError, match="cycle among steps: a, b"):
        Scheduler(document("w", cyclic))


def test_backoff_delays() -> None:
    exponential = Retry(backoff="exponential", interval=1, max_interval=5)
    assert [backoff_delay(exponential, n) for n in (1, 2, 3, 4)] == [1, 2, 4, 5]
    linear = Retry(backoff="linear", interval=2, max_interval=5)
    assert [backoff_delay(linear, n) for n in (1, 2, 3)] == [2, 4, 5]
    assert backoff_delay(Retry(interval=3), 7) == 3
