"""Amazon States Language state machines (Step Functions) as fnplan workflow steps.

Task states that call Lambda functions or `http:invoke` become steps; `Next` becomes
`depends_on`, Choice rules become `when` on the states they lead to, `Parallel` branches
become steps that run side by side, the first `Retry` a `retry` block and `Catch` a `catch`
block. A state fnplan has no node for (Pass, Wait, Map, Fail, other service integrations) is
reported and its neighbours are joined across it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fnplan.convert.flow import Dependency, both, data_source, dependency_attributes
from fnplan.convert.hcl_writer import Block, expr
from fnplan.convert.names import Names, identifier
from fnplan.convert.project import Conversion

_LAMBDA_ARN = re.compile(r"arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(:.*)?")
_PATH_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([^']+)'\]")
_COMPARISONS = {
    "StringEquals": "==",
    "NumericEquals": "==",
    "BooleanEquals": "==",
    "TimestampEquals": "==",
    "NumericLessThan": "<",
    "NumericGreaterThan": ">",
    "NumericLessThanEquals": "<=",
    "NumericGreaterThanEquals": ">=",
}
_ERRORS = {"States.ALL": "any", "States.TaskFailed": "any", "States.Timeout": "Timeout"}
ResolveFunction = Callable[[Any], str | None]


@dataclass
class _Machine:
    """One conversion of a state machine (nested for Parallel branches)."""

    conversion: Conversion
    resolve: ResolveFunction
    where: str
    names: Names = field(default_factory=Names)
    steps: list[Block] = field(default_factory=list)


def convert_machine(
    definition: Any, conversion: Conversion, resolve: ResolveFunction, where: str
) -> list[Block]:
    """The steps of a state machine definition; what cannot be converted is reported."""
    if not isinstance(definition, dict) or not isinstance(definition.get("States"), dict):
        conversion.skip(where, "the definition has no States")
        return []
    machine = _Machine(conversion, resolve, where)
    _States(machine, definition, prefix="").convert([])
    return machine.steps


class _States:
    """The states of one machine or Parallel branch."""

    def __init__(self, machine: _Machine, definition: dict[str, Any], prefix: str) -> None:
        self.machine = machine
        self.states: dict[str, dict[str, Any]] = definition["States"]
        self.start = str(definition.get("StartAt", ""))
        self.prefix = prefix
        self.preds: dict[str, list[tuple[str, int]]] = {name: [] for name in self.states}
        self.entry: list[Dependency] = []
        self._exits: dict[str, list[Dependency]] = {}
        self._conditions: dict[str, list[str | None]] = {}
        self._active: set[str] = set()

    def convert(self, entry: list[Dependency]) -> list[Dependency]:
        """Add the steps (their dependencies start at `entry`); what follows depends on."""
        self.entry = entry
        for name, state in self.states.items():
            for index, target in enumerate(_targets(state)):
                if target in self.preds:
                    self.preds[target].append((name, index))
        for name in self.states:
            self._exit(name)
        ends = [n for n, s in self.states.items() if s.get("End") or s.get("Type") == "Succeed"]
        return [dep for name in ends for dep in self._exit(name)]

    def _condition(self, choice: str, index: int) -> str | None:
        """The condition on the edge leaving `choice` by target `index` (the last target of a
        Choice with a Default is taken when none of its rules hold)."""
        state = self.states[choice]
        if state.get("Type") != "Choice":
            return None
        if choice not in self._conditions:
            self._conditions[choice] = self._choice_conditions(choice, state)
        return self._conditions[choice][index]

    def _choice_conditions(self, choice: str, state: dict[str, Any]) -> list[str | None]:
        source = self._data_source(choice)
        conditions: list[str | None] = []
        for rule in state.get("Choices", []):
            condition = _condition(rule, source) if source is not None else None
            if condition is None:
                self.machine.conversion.skip(
                    f"{self.machine.where}: choice {choice} rule {json.dumps(rule)[:80]}",
                    "no fnplan expression for this rule; the branch runs without a condition",
                )
            conditions.append(condition)
        if "Default" in state:
            known = [c for c in conditions if c]
            conditions.append(f"!({' || '.join(known)})" if known else None)
        return conditions

    def _data_source(self, name: str) -> str | None:
        """What `$` means in a Choice: its single predecessor's output, or the run input."""
        return data_source(self._deps(name))

    def _deps(self, name: str) -> list[Dependency]:
        """The steps a state depends on, with the condition of the path from each."""
        if name in self._active:
            return []  # a loop back: fnplan workflows are acyclic
        self._active.add(name)
        found: list[Dependency] = list(self.entry) if name == self.start else []
        for pred, index in self.preds.get(name, []):
            condition = self._condition(pred, index)
            for step, earlier in self._exit(pred):
                combined = both(earlier, condition)
                if (step, combined) not in found:
                    found.append((step, combined))
        self._active.discard(name)
        return found

    def _exit(self, name: str) -> list[Dependency]:
        """What a state's successors depend on: its step, or across it its dependencies."""
        if name in self._exits:
            return self._exits[name]
        self._exits[name] = []  # a loop back is not followed twice
        state = self.states[name]
        kind = state.get("Type")
        if kind == "Parallel":
            exits = self._parallel(name, state)
        elif kind == "Task" and self._task(name, state):
            exits = [(self.machine.steps[-1].labels[0], None)]
        else:
            if kind not in ("Choice", "Succeed", "Task"):
                self.machine.conversion.skip(
                    f"{self.machine.where}: state {name} ({kind})",
                    "fnplan has no such node; the states around it are joined",
                )
            exits = self._deps(name)
        self._exits[name] = exits
        return exits

    def _parallel(self, name: str, state: dict[str, Any]) -> list[Dependency]:
        entry = self._deps(name)
        exits: list[Dependency] = []
        for index, branch in enumerate(state.get("Branches", [])):
            nested = _States(self.machine, branch, f"{self.prefix}{name}_{index + 1}_")
            exits.extend(nested.convert(entry))
        return exits

    def _task(self, name: str, state: dict[str, Any]) -> bool:
        """Add the step of a Task state; False when it calls nothing fnplan can run."""
        machine = self.machine
        resource = state.get("Resource")
        params = state.get("Parameters")
        body: dict[str, Any]
        deps = self._deps(name)
        if resource == "arn:aws:states:::http:invoke" and isinstance(params, dict):
            body, blocks = {}, [self._http(name, params)]
        else:
            function = machine.resolve(_lambda_target(resource, params))
            if function is None:
                machine.conversion.skip(
                    f"{machine.where}: state {name}",
                    f"resource {json.dumps(resource)[:80]} is not a function of this input",
                )
                return False
            body, blocks = {"function": expr(f"function.{function}")}, []
            step_input = self._input(_payload(resource, params), deps)
            if step_input is not None:
                body["input"] = step_input
        body.update(dependency_attributes(deps))
        blocks += self._errors(name, state)
        step = machine.names.name("step", f"{self.prefix}{name}")
        machine.steps.append(Block("step", [step], body, blocks))
        return True

    def _http(self, name: str, params: dict[str, Any]) -> Block:
        http = {"url": params.get("ApiEndpoint"), "method": params.get("Method", "GET")}
        if "RequestBody" in params:
            http["body"] = params["RequestBody"]
        for key in sorted(set(params) - {"ApiEndpoint", "Method", "RequestBody"}):
            self.machine.conversion.skip(
                f"{self.machine.where}: state {name} {key}", "not an fnplan http step setting"
            )
        return Block("http", attributes=http)

    def _input(self, payload: Any, deps: list[Dependency]) -> Any:
        base = data_source(deps)
        if payload is None:
            return expr(base) if base else None
        return _template(payload, base)

    def _errors(self, name: str, state: dict[str, Any]) -> list[Block]:
        blocks: list[Block] = []
        retries = state.get("Retry") or []
        if retries:
            retry = retries[0]
            blocks.append(
                Block(
                    "retry",
                    attributes={
                        "max_attempts": int(retry.get("MaxAttempts", 3)) + 1,
                        "backoff": "exponential"
                        if float(retry.get("BackoffRate", 2)) > 1
                        else "fixed",
                        "interval": retry.get("IntervalSeconds", 1),
                        "errors": _errors(retry.get("ErrorEquals")),
                    },
                )
            )
        for extra in retries[1:]:
            self.machine.conversion.skip(
                f"{self.machine.where}: state {name} retrier {extra.get('ErrorEquals')}",
                "fnplan steps take one retry policy; the first is kept",
            )
        for catcher in state.get("Catch") or []:
            target = str(catcher.get("Next"))
            if self.states.get(target, {}).get("Type") != "Task":
                self.machine.conversion.skip(
                    f"{self.machine.where}: state {name} catch → {target}",
                    "a catch leads to a step; this one leads to a state that is not a task",
                )
                continue
            blocks.append(
                Block(
                    "catch",
                    attributes={
                        "errors": _errors(catcher.get("ErrorEquals")),
                        "next": expr(f"step.{identifier(self.prefix + target)}"),
                    },
                )
            )
        return blocks


def _targets(state: dict[str, Any]) -> list[str]:
    """The states a state leads to (not counting catches): Next, or a Choice's rules then
    its Default."""
    if state.get("Type") != "Choice":
        return [str(state["Next"])] if "Next" in state else []
    targets = [str(rule.get("Next")) for rule in state.get("Choices", [])]
    return targets + ([str(state["Default"])] if "Default" in state else [])


def _errors(listed: Any) -> list[str]:
    return [_ERRORS.get(str(e), str(e)) for e in (listed or ["States.ALL"])]


def _lambda_target(resource: Any, params: Any) -> Any:
    """The raw function reference of a Lambda task (an ARN, an intrinsic, `${Sub}`)."""
    if isinstance(resource, str) and resource.startswith("arn:aws:states:::lambda:invoke"):
        if resource != "arn:aws:states:::lambda:invoke" or not isinstance(params, dict):
            return None
        return params.get("FunctionName")
    return resource


def lambda_name(value: Any) -> str | None:
    """The function name in a Lambda ARN (`...:function:NAME[:alias]`)."""
    match = _LAMBDA_ARN.fullmatch(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _payload(resource: Any, params: Any) -> Any:
    if resource == "arn:aws:states:::lambda:invoke" and isinstance(params, dict):
        if "Payload.$" in params:
            return {"$path": params["Payload.$"]}
        return params.get("Payload")
    return params


def _template(value: Any, base: str | None) -> Any:
    """A Parameters template with `"key.$": "$.path"` entries as fnplan expressions."""
    if isinstance(value, dict):
        if set(value) == {"$path"}:
            return _path_expr(value["$path"], base)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key.endswith(".$"):
                out[key[:-2]] = _path_expr(item, base)
            else:
                out[key] = _template(item, base)
        return out
    if isinstance(value, list):
        return [_template(item, base) for item in value]
    return value


def _path_expr(path: Any, base: str | None) -> Any:
    hcl = json_path(str(path), base)
    return expr(hcl) if hcl else f"(not converted: {path})"


def json_path(path: str, base: str | None) -> str | None:
    """`$.a.b[0]` as `BASE.a.b[0]`; None for context (`$$`) or filter paths."""
    if base is None or not path.startswith("$") or path.startswith("$$"):
        return None
    rest, out = path[1:], base
    while rest:
        match = _PATH_PART.match(rest)
        if not match:
            return None
        name, index, quoted = match.groups()
        out += f".{name}" if name else f"[{index}]" if index else f"[{json.dumps(quoted)}]"
        rest = rest[match.end() :]
    return out


def _condition(rule: dict[str, Any], source: str) -> str | None:
    """A Choice rule as an fnplan boolean expression over `source` (`$`)."""
    if "And" in rule or "Or" in rule:
        parts = [_condition(r, source) for r in rule.get("And", rule.get("Or", []))]
        joiner = " && " if "And" in rule else " || "
        return None if None in parts or not parts else joiner.join(f"({p})" for p in parts)
    if "Not" in rule:
        inner = _condition(rule["Not"], source)
        return f"!({inner})" if inner else None
    variable = json_path(str(rule.get("Variable", "")), source)
    if variable is None:
        return None
    for key, value in rule.items():
        if key in _COMPARISONS:
            return f"{variable} {_COMPARISONS[key]} {json.dumps(value)}"
        if key.endswith("Path") and key[:-4] in _COMPARISONS:
            other = json_path(str(value), source)
            return f"{variable} {_COMPARISONS[key[:-4]]} {other}" if other else None
        if key == "IsPresent":
            return f"can({variable})" if value else f"!can({variable})"
        if key == "IsNull":
            return f"{variable} {'==' if value else '!='} null"
    return None
