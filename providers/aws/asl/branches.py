"""One step as a branch of its layer's Parallel state, following the run-time rules.

    Gate ─▶ [Evaluate] ─▶ [When] ─▶ Run ─▶ (succeeded)
      └▶ Skip              ├▶ Skip   ├─▶ Caught N (a catch of the step fired)
                           └▶ (a `when` that is not a bool fails the step)
                                     └─▶ Failed (uncaught)

The branch always ends with {"status", "output", "caught_to", "error"} and never fails, so
one failing step does not cancel its siblings; the layer records the results and decides.
As locally, only the step's attempts are retried; an expression that fails before the
first attempt fails the step at once (its catches still apply).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Collection
from typing import Any

from fnplan.workflow.model import Retry, Step

from .expressions import as_data, is_simple, jsonata_value, jsonata_when, quoted_name
from .tasks import LAMBDA_INVOKE, Targets, task_for, task_values

_MAX_STATE_NAME = 80
#: fnplan's error types that Step Functions reports under its own names as well
_PLATFORM_ERRORS: dict[str, list[str]] = {"Timeout": ["States.Timeout"]}
EXPRESSION_ERROR = "ExpressionError"


def step_branch(
    step: Step, deps: Collection[str], error_sources: Collection[str], targets: Targets
) -> dict[str, Any]:
    """The Parallel branch (StartAt + States) that runs `step` or skips it."""
    states: dict[str, Any] = {}
    skip, run = _name("Skip", step.name), _name("Run", step.name)
    states[skip] = {"Type": "Pass", "Output": {"status": "skipped"}, "End": True}
    if step.when is False:
        return {"StartAt": skip, "States": states}
    catchers = _catchers(step, states)
    chain: list[tuple[str, dict[str, Any]]] = []
    if is_simple(task_values(step)) and is_simple(step.when):
        values = {name: jsonata_value(value) for name, value in task_values(step).items()}
        when = jsonata_when(step.when)
    else:
        evaluate = _evaluate_state(step, targets, catchers)
        chain.append((_name("Evaluate", step.name), evaluate))
        values, when = _evaluated_values(step), "$evaluated.when"
    if when is not None:
        chain.append((_name("When", step.name), _when_state(step, when, skip, states, catchers)))
    chain.append((run, _run_state(step, values, targets, catchers, states)))
    for (_, state), (following, _) in itertools.pairwise(chain):
        if state["Type"] == "Choice":
            state["Choices"][0]["Next"] = following
        else:
            state["Next"] = following
    states.update(chain)
    if not deps and not error_sources:
        if when is None:
            del states[skip]  # nothing can skip a step that has no dependencies or `when`
        return {"StartAt": chain[0][0], "States": states}
    gate = _name("Gate", step.name)
    states[gate] = {
        "Type": "Choice",
        "Choices": [
            {"Condition": _gate_condition(step.name, deps, error_sources), "Next": chain[0][0]}
        ],
        "Default": skip,
    }
    return {"StartAt": gate, "States": states}


def _gate_condition(name: str, deps: Collection[str], error_sources: Collection[str]) -> str:
    """Every dependency succeeded and, for a catch target, one of its catches fired."""
    terms = [f'$status.{quoted_name(dep)} = "succeeded"' for dep in sorted(deps)]
    if error_sources:
        fired = [
            f"$caught.{quoted_name(source)} = {json.dumps(name)}"
            for source in sorted(error_sources)
        ]
        terms.append("(" + " or ".join(fired) + ")")
    return "{% " + " and ".join(terms) + " %}"


def _when_state(
    step: Step, when: str, skip: str, states: dict[str, Any], catchers: list[dict[str, Any]]
) -> dict[str, Any]:
    """Run when true or null, skip when false; anything else fails the step (ExpressionError)."""
    bad = _name("Bad when", step.name)
    states[bad] = {
        "Type": "Pass",
        "Output": {
            "Error": EXPRESSION_ERROR,
            "Cause": "{% " + f'"when must be true or false, got " & $string({when})' + " %}",
        },
        "Next": _handler(catchers, EXPRESSION_ERROR),
    }
    return {
        "Type": "Choice",
        "Choices": [
            {"Condition": "{% " + f"{when} = true or {when} = null" + " %}", "Next": ""},
            {"Condition": "{% " + f"{when} = false" + " %}", "Next": skip},
        ],
        "Default": bad,
    }


def _evaluate_state(step: Step, targets: Targets, catchers: list[dict[str, Any]]) -> dict[str, Any]:
    """The expression function evaluating the step's values with fnplan's own evaluator."""
    payload = {
        "when": as_data(step.when),
        "values": as_data(task_values(step)),
        "input": "{% $input %}",
        "steps": "{% $steps %}",
        "status": "{% $status %}",
    }
    return {
        "Type": "Task",
        "Resource": LAMBDA_INVOKE,
        "Arguments": {"FunctionName": targets.expression_function_arn(), "Payload": payload},
        "Assign": {"evaluated": "{% $states.result.Payload %}"},
        "Catch": catchers,
    }


def _evaluated_values(step: Step) -> dict[str, Any]:
    """The Task's values read from the expression function's answer (`$evaluated.values`),
    keyed one level deep where the Task lists them (env, params), as task_for expects."""
    task: dict[str, Any] = {}
    for key, value in task_values(step)["task"].items():
        path = f"$evaluated.values.task.{quoted_name(key)}"
        if key in ("env", "params") and isinstance(value, dict):
            task[key] = {name: "{% " + f"{path}.{quoted_name(name)}" + " %}" for name in value}
        else:
            task[key] = "{% " + path + " %}"
    return {"input": "{% $evaluated.values.input %}", "task": task}


def _run_state(
    step: Step,
    values: dict[str, Any],
    targets: Targets,
    catchers: list[dict[str, Any]],
    states: dict[str, Any],
) -> dict[str, Any]:
    """The step's Task; adds the states that check its result when the task has a failure
    condition (fnplan.providers.aws.asl.tasks.Task.failure)."""
    task = task_for(step, values, targets)
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": task.resource,
        "Arguments": task.arguments,
        "Output": '{% {"status": "succeeded", "output": ' + task.output + "} %}",
        "End": True,
    }
    if task.timeout:
        state["TimeoutSeconds"] = task.timeout
    retry = _retry(step.retry)
    if retry:
        state["Retry"] = [retry]
    state["Catch"] = catchers
    if task.failure:
        del state["End"]
        state["Next"] = _failure_check(step, task.failure, catchers, states)
    return state


def _failure_check(
    step: Step,
    failure: tuple[str, str, str],
    catchers: list[dict[str, Any]],
    states: dict[str, Any],
) -> str:
    """A Choice failing the step with `failure`'s error (to its catchers) when its condition
    holds of the Task's output; the name of the Choice."""
    condition, error, message = failure
    check, failed, done = (_name(kind, step.name) for kind in ("Check", "Error", "Done"))
    states[failed] = {
        "Type": "Pass",
        "Output": {"Error": error, "Cause": "{% " + message + " %}"},
        "Next": _handler(catchers, error),
    }
    states[done] = {"Type": "Pass", "End": True}
    states[check] = {
        "Type": "Choice",
        "Choices": [{"Condition": "{% " + condition + " %}", "Next": failed}],
        "Default": done,
    }
    return check


def _catchers(step: Step, states: dict[str, Any]) -> list[dict[str, Any]]:
    """One catcher per catch of the step, then every other error as an uncaught failure;
    adds the states they lead to."""
    catchers = []
    for index, catch in enumerate(step.catch):
        caught = _name(f"Caught {index + 1}", step.name)
        states[caught] = {
            "Type": "Pass",
            "Output": {"status": "caught", "caught_to": catch.next, "error": "{% $states.input %}"},
            "End": True,
        }
        catchers.append({"ErrorEquals": _error_names(catch.errors), "Next": caught})
        if "any" in catch.errors:
            return catchers
    failed = _name("Failed", step.name)
    states[failed] = {
        "Type": "Pass",
        "Output": {"status": "failed", "error": "{% $states.input %}"},
        "End": True,
    }
    catchers.append({"ErrorEquals": ["States.ALL"], "Next": failed})
    return catchers


def _handler(catchers: list[dict[str, Any]], error: str) -> str:
    """The state the catchers send an error of type `error` to."""
    for catcher in catchers:
        if "States.ALL" in catcher["ErrorEquals"] or error in catcher["ErrorEquals"]:
            return str(catcher["Next"])
    raise AssertionError("the last catcher takes every error")


def _retry(retry: Retry) -> dict[str, Any] | None:
    """Step Functions' retrier for a step's policy (attempts count the first one locally)."""
    if retry.max_attempts <= 1:
        return None
    return {
        "ErrorEquals": _error_names(retry.errors),
        "MaxAttempts": retry.max_attempts - 1,
        "IntervalSeconds": max(1, round(retry.interval)),
        "BackoffRate": 2.0 if retry.backoff == "exponential" else 1.0,
        "MaxDelaySeconds": max(1, round(retry.max_interval)),
    }


def _error_names(errors: list[str]) -> list[str]:
    if "any" in errors:
        return ["States.ALL"]
    names: list[str] = []
    for error in errors:
        names.append(error)
        names += _PLATFORM_ERRORS.get(error, [])
    return names


def _name(kind: str, step: str) -> str:
    """A state name within Step Functions' 80 characters, unique per (kind, step)."""
    name = f"{kind} {step}"
    if len(name) <= _MAX_STATE_NAME:
        return name
    digest = hashlib.sha256(step.encode()).hexdigest()[:8]
    return f"{name[: _MAX_STATE_NAME - 9]}~{digest}"
