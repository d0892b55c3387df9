"""A small interpreter of the Amazon States Language subset fnplan generates (JSONata mode:
Pass, Task, Choice, Parallel, Fail; Arguments, Output, Assign, Retry, Catch), for tests only.

No Step Functions service can run here (moto's interpreter needs a JVM for JSONata), so the
semantics of generated definitions are checked by running them with jsonata-python against
fnplan's local executor on the same documents. Written from the ASL specification
(states-language.net) and AWS's JSONata guide: variables assigned in a branch stay in it;
a state's Assign and Output both see the values of variables from before the state.
Of the functions Step Functions adds to JSONata, `$parse` (JSON text to a value) is here.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonata  # type: ignore[import-untyped]

_TEMPLATE = re.compile(r"^\s*\{%(.*)%\}\s*$", re.DOTALL)
_MAX_TRANSITIONS = 10_000


class TaskFailed(Exception):
    """What a task raises: Step Functions' error name and cause."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error, self.cause = error, cause


@dataclass
class Outcome:
    status: str  # "succeeded" | "failed"
    output: Any = None
    error: str | None = None
    cause: str | None = None
    #: the top-level variables when the machine stopped
    variables: dict[str, Any] = field(default_factory=dict)


#: runs one Task: (Resource, evaluated Arguments) -> result, or raises TaskFailed
Tasks = Callable[[str, Any], Any]


def execute(definition: dict[str, Any], input: Any, tasks: Tasks) -> Outcome:
    """Run a state machine to its end."""
    variables: dict[str, Any] = {}
    try:
        output = _Machine(tasks).run(definition, input, variables)
    except _Failed as failed:
        return Outcome("failed", error=failed.error, cause=failed.cause, variables=variables)
    return Outcome("succeeded", output, variables=variables)


class _Failed(Exception):
    def __init__(self, error: str, cause: str) -> None:
        super().__init__(error)
        self.error, self.cause = error, cause


class _Machine:
    def __init__(self, tasks: Tasks) -> None:
        self.tasks = tasks
        self.transitions = 0

    def run(self, machine: dict[str, Any], value: Any, variables: dict[str, Any]) -> Any:
        name: str | None = machine["StartAt"]
        while name is not None:
            self.transitions += 1
            assert self.transitions < _MAX_TRANSITIONS, "runaway state machine"
            state = machine["States"][name]
            name, value = getattr(self, "_" + state["Type"].lower())(state, value, variables)
        return value

    def _pass(self, state: dict[str, Any], value: Any, variables: dict[str, Any]) -> Any:
        states = {"input": value}
        output = _evaluate(state["Output"], variables, states) if "Output" in state else value
        _assign(state, variables, states)
        return _next(state), output

    def _task(self, state: dict[str, Any], value: Any, variables: dict[str, Any]) -> Any:
        arguments = _evaluate(state.get("Arguments"), variables, {"input": value})
        retries: dict[int, int] = {}
        while True:
            try:
                result = self.tasks(state["Resource"], arguments)
                break
            except TaskFailed as failed:
                retrier = _matching(state.get("Retry", []), failed.error)
                if retrier is not None:
                    index = state["Retry"].index(retrier)
                    retries[index] = retries.get(index, 0) + 1
                    if retries[index] <= retrier.get("MaxAttempts", 3):
                        continue
                catcher = _matching(state.get("Catch", []), failed.error)
                if catcher is None:
                    raise _Failed(failed.error, failed.cause) from None
                error_output = {"Error": failed.error, "Cause": failed.cause}
                states = {"input": value, "errorOutput": error_output}
                output = (
                    _evaluate(catcher["Output"], variables, states)
                    if "Output" in catcher
                    else error_output
                )
                _assign(catcher, variables, states)
                return catcher["Next"], output
        states = {"input": value, "result": result}
        output = _evaluate(state["Output"], variables, states) if "Output" in state else result
        _assign(state, variables, states)
        return _next(state), output

    def _choice(self, state: dict[str, Any], value: Any, variables: dict[str, Any]) -> Any:
        states = {"input": value}
        for rule in state["Choices"]:
            if _evaluate(rule["Condition"], variables, states) is True:
                output = _evaluate(rule["Output"], variables, states) if "Output" in rule else value
                _assign(rule, variables, states)
                return rule["Next"], output
        if "Default" not in state:
            raise _Failed("States.NoChoiceMatched", "no choice rule matched")
        return state["Default"], value

    def _parallel(self, state: dict[str, Any], value: Any, variables: dict[str, Any]) -> Any:
        results = [
            self.run(branch, value, copy.deepcopy(variables)) for branch in state["Branches"]
        ]
        states = {"input": value, "result": results}
        output = _evaluate(state["Output"], variables, states) if "Output" in state else results
        _assign(state, variables, states)
        return _next(state), output

    def _fail(self, state: dict[str, Any], value: Any, variables: dict[str, Any]) -> Any:
        states = {"input": value}
        raise _Failed(
            str(_evaluate(state.get("Error", "States.Failed"), variables, states)),
            str(_evaluate(state.get("Cause", ""), variables, states)),
        )


def _next(state: dict[str, Any]) -> str | None:
    return None if state.get("End") else state["Next"]


def _matching(rules: list[dict[str, Any]], error: str) -> dict[str, Any] | None:
    for rule in rules:
        names = rule["ErrorEquals"]
        if "States.ALL" in names or error in names:
            return rule
    return None


def _assign(state: dict[str, Any], variables: dict[str, Any], states: dict[str, Any]) -> None:
    """All of a state's assignments see the variables from before it, then take effect."""
    if "Assign" in state:
        values = {name: _evaluate(v, variables, states) for name, v in state["Assign"].items()}
        variables.update(values)


def _evaluate(template: Any, variables: dict[str, Any], states: dict[str, Any]) -> Any:
    if isinstance(template, dict):
        return {k: _evaluate(v, variables, states) for k, v in template.items()}
    if isinstance(template, list):
        return [_evaluate(v, variables, states) for v in template]
    if isinstance(template, str):
        match = _TEMPLATE.match(template)
        if match:
            expression = jsonata.Jsonata(match.group(1))
            bindings = {**variables, "states": states}
            for name, bound in bindings.items():
                expression.assign(name, bound)
            expression.register_lambda("parse", json.loads)  # Step Functions' own function
            return expression.evaluate(None)
    return template
