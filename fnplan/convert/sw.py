"""CNCF Serverless Workflow (DSL 1.0) documents as fnplan workflows.

`call: http` becomes an http step, `run: shell` / `run: container` a shell step, `switch`
cases become `when` conditions on the tasks they lead to (simple jq comparisons), `try` /
`catch` a `catch` block (with its `retry`), `fork` branches steps that run side by side,
nested `do` lists prefixed steps. `schedule` becomes a trigger and `input.schema` a schema
file. Other tasks are reported and the flow is joined across them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnplan.convert.flow import Dependency, both, data_source, dependency_attributes
from fnplan.convert.hcl_writer import Block, expr
from fnplan.convert.names import Names
from fnplan.convert.project import Conversion

_EXPRESSION = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_PATH = (
    r"(?:(?:\$context\.[A-Za-z_][\w-]*|\$workflow\.input)(?:\.[A-Za-z_]\w*)*|(?:\.[A-Za-z_]\w*)+)"
)
_JQ_TOKEN = re.compile(
    rf'\s*(?:({_PATH})|(-?\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*")'
    r"|(==|!=|<=|>=|<|>|\(|\))|\b(and|or|not|true|false|null)\b)"
)
_INTERPOLATION = re.compile(rf"\\\(({_PATH})\)")
_CONTEXT = re.compile(r"^\$context\.([A-Za-z_][\w-]*)")
_STANDARD_ERRORS = "https://serverlessworkflow.io/spec/1.0.0/errors/"
_JQ_WORDS = {"and": "&&", "or": "||", "not": "!"}


def detect(document: Any) -> bool:
    """A DSL 1.x document: `document.dsl` 1.x and a `do` list."""
    if not isinstance(document, dict) or not isinstance(document.get("document"), dict):
        return False
    return str(document["document"].get("dsl", "")).startswith("1.") and "do" in document


def convert(document: dict[str, Any], path: Path, conversion: Conversion) -> None:
    """Add the workflow, its input schema and its schedule trigger."""
    header = document["document"]
    where = f"{path.name}: {header.get('name')}"
    name = conversion.names.name("workflow", str(header.get("name") or path.stem))
    flow = _Flow(conversion, where)
    flow.tasks(document.get("do") or [], "", [])
    if not flow.steps:
        conversion.skip(where, "none of its tasks is one fnplan can run")
        return
    attributes: dict[str, Any] = {}
    if header.get("summary") or header.get("title"):
        attributes["description"] = str(header.get("summary") or header.get("title"))
    blocks = []
    schema = (((document.get("input") or {}).get("schema")) or {}).get("document")
    if isinstance(schema, dict):
        blocks.append(
            Block("input", attributes={"schema": conversion.schema(f"{name}.input", schema)})
        )
    conversion.workflow(name, attributes, [*blocks, *flow.steps], f"from {where}")
    _schedule(document.get("schedule"), f"workflow.{name}", name, where, conversion)
    for key in ("output", "timeout", "use", "evaluate"):
        if key in document:
            conversion.skip(
                f"{where}: {key}", "not converted (fnplan has no such workflow setting)"
            )


def _schedule(schedule: Any, target: str, name: str, where: str, conversion: Conversion) -> None:
    if not isinstance(schedule, dict):
        return
    if "cron" in schedule:
        conversion.trigger(
            f"{name}_schedule", target, {"schedule": schedule["cron"]}, f"from {where}"
        )
        return
    event_type = (((schedule.get("on") or {}).get("one") or {}).get("with") or {}).get("type")
    if event_type:
        event = conversion.event(str(event_type))
        conversion.trigger(
            f"{name}_{event}", target, {"event": expr(f"event.{event}")}, f"from {where}"
        )
        return
    conversion.skip(f"{where}: schedule", "only cron and single-event schedules convert")


@dataclass
class _Flow:
    """The steps of one workflow, built task by task."""

    conversion: Conversion
    where: str
    names: Names = field(default_factory=Names)
    steps: list[Block] = field(default_factory=list)
    pending: dict[str, list[Dependency]] = field(default_factory=dict)

    def tasks(self, items: list[Any], prefix: str, entry: list[Dependency]) -> list[Dependency]:
        """Convert a task list run after `entry`; what follows it depends on."""
        current: list[Dependency] | None = entry
        for index, item in enumerate(items):
            deps = list(current or [])
            current = deps  # a task of an unexpected shape is skipped over
            with self.conversion.element(f"{self.where}: task {prefix}{index + 1}"):
                task_name, task = next(iter(item.items()))
                full = f"{prefix}{task_name}"
                deps += self.pending.pop(full, [])
                exits = self._task(full, task or {}, deps)
                current = self._then(task or {}, prefix, exits)
        return current or []

    def _then(
        self, task: dict[str, Any], prefix: str, exits: list[Dependency]
    ) -> list[Dependency] | None:
        then = task.get("then")
        if then in ("end", "exit"):
            return None
        if isinstance(then, str) and then != "continue":
            self.pending.setdefault(f"{prefix}{then}", []).extend(exits)
            return None
        return exits

    def _task(self, name: str, task: dict[str, Any], deps: list[Dependency]) -> list[Dependency]:
        where = f"{self.where}: task {name}"
        if "switch" in task:
            return self._switch(name, task["switch"], deps)
        if "fork" in task:
            exits: list[Dependency] = []
            for branch in (task["fork"] or {}).get("branches", []):
                exits.extend(self.tasks([branch], f"{name}_", deps))
            return exits
        if "try" in task:
            return self._try(name, task, deps)
        if "do" in task and "call" not in task:
            return self.tasks(task["do"], f"{name}_", deps)
        body, blocks = self._node(task, deps, where)
        if body is None:
            return deps
        if "if" in task:
            condition = _jq(str(task["if"]), data_source(deps) or "input")
            if condition is None:
                self.conversion.skip(f"{where}: if", f"no fnplan expression for {task['if']}")
            elif deps:
                deps = [(step, both(earlier, condition)) for step, earlier in deps]
            else:
                body["when"] = expr(condition)
        return [(self._step(name, body, blocks, deps), None)]

    def _node(
        self, task: dict[str, Any], deps: list[Dependency], where: str
    ) -> tuple[dict[str, Any] | None, list[Block]]:
        base = data_source(deps)
        if task.get("call") == "http":
            args = task.get("with") or {}
            endpoint = args.get("endpoint")
            url = endpoint.get("uri") if isinstance(endpoint, dict) else endpoint
            http: dict[str, Any] = {
                "url": self._value(url, base, f"{where}: endpoint"),
                "method": str(args.get("method", "get")).upper(),
            }
            for key in ("body", "headers"):
                if args.get(key) is not None:
                    http[key] = self._value(args[key], base, f"{where}: {key}")
            return {}, [Block("http", attributes=http)]
        run = task.get("run") or {}
        if "shell" in run or "container" in run:
            return {}, [self._shell(run, where)]
        kind = next(
            (
                k
                for k in ("call", "run", "set", "wait", "emit", "listen", "raise", "for")
                if k in task
            ),
            "task",
        )
        detail = (
            f" {task['call']}"
            if kind == "call"
            else f" {next(iter(run), '')}"
            if kind == "run"
            else ""
        )
        self.conversion.skip(
            f"{where} ({kind}{detail})", "fnplan has no such node; the tasks around it are joined"
        )
        return None, []

    def _value(self, value: Any, base: str | None, where: str) -> Any:
        """A value with its runtime expressions converted; those that cannot be are kept
        as text and reported."""
        failed: list[str] = []
        converted = _value(value, base, failed)
        for text in failed:
            self.conversion.skip(where, f"no fnplan expression for {text}; kept as text")
        return converted

    def _shell(self, run: dict[str, Any], where: str) -> Block:
        spec = run.get("shell") or run.get("container") or {}
        command = spec.get("command", "")
        if spec.get("arguments"):
            self.conversion.skip(f"{where}: arguments", "write them into the command")
        attributes: dict[str, Any] = {"script": str(command)}
        if "container" in run:
            attributes = {"image": spec.get("image"), **attributes}
        if spec.get("environment"):
            attributes["env"] = {str(k): str(v) for k, v in spec["environment"].items()}
        return Block("shell", attributes=attributes)

    def _step(
        self, name: str, body: dict[str, Any], blocks: list[Block], deps: list[Dependency]
    ) -> str:
        body.update(dependency_attributes(deps))
        step = self.names.name("step", name)
        self.steps.append(Block("step", [step], body, blocks))
        return step

    def _switch(self, name: str, cases: list[Any], deps: list[Dependency]) -> list[Dependency]:
        base = data_source(deps)
        follow: list[Dependency] = []
        known: list[str] = []
        for case in cases:
            case_name, spec = next(iter(case.items()))
            when = (spec or {}).get("when")
            condition = _jq(str(when), base) if when is not None and base else None
            if when is None:  # the default case: none of the others
                condition = f"!({' || '.join(known)})" if known else None
            elif condition is None:
                self.conversion.skip(
                    f"{self.where}: switch {name} case {case_name}",
                    f"no fnplan expression for {when}",
                )
            else:
                known.append(condition)
            branch = [(step, both(earlier, condition)) for step, earlier in deps]
            then = (spec or {}).get("then", "continue")
            if then == "continue":
                follow.extend(branch)
            elif then not in ("end", "exit"):
                self.pending.setdefault(str(then), []).extend(branch)
        return follow

    def _try(self, name: str, task: dict[str, Any], deps: list[Dependency]) -> list[Dependency]:
        first = len(self.steps)
        tried_tasks = task.get("try") or []
        alone = len(tried_tasks) == 1 and next(iter(tried_tasks[0])) == name
        exits = self.tasks(tried_tasks, "" if alone else f"{name}_", deps)
        tried = self.steps[first:]
        catch = task.get("catch") or {}
        handler_first = len(self.steps)
        self.tasks(catch.get("do") or [], f"{name}_catch_", [])
        handlers = self.steps[handler_first:]
        errors = ((catch.get("errors") or {}).get("with") or {}).get("type")
        retry = _retry(catch.get("retry"))
        for step in tried:
            if retry:
                step.blocks.append(retry)
            if handlers:
                rule = {
                    "errors": [_error_name(errors)],
                    "next": expr(f"step.{handlers[0].labels[0]}"),
                }
                step.blocks.append(Block("catch", attributes=rule))
        return exits


def _error_name(error_type: Any) -> str:
    """A catch's error type: the specification's standard error URIs (and none) are any."""
    text = str(error_type or "")
    return "any" if not text or text.startswith(_STANDARD_ERRORS) else text


def _retry(spec: Any) -> Block | None:
    if not isinstance(spec, dict):
        return None
    count = (((spec.get("limit") or {}).get("attempt")) or {}).get("count", 1)
    delay = spec.get("delay") or {}
    interval = (
        float(delay.get("seconds", 0))
        + 60 * float(delay.get("minutes", 0))
        + float(delay.get("milliseconds", 0)) / 1000
        if isinstance(delay, dict)
        else 1.0
    )
    backoff = next(iter(spec.get("backoff") or {"constant": {}}))
    return Block(
        "retry",
        attributes={
            "max_attempts": int(count) + 1,
            "backoff": {"constant": "fixed", "linear": "linear", "exponential": "exponential"}.get(
                backoff, "fixed"
            ),
            "interval": interval,
        },
    )


def _value(value: Any, base: str | None, failed: list[str]) -> Any:
    """Runtime expressions `${ .path }` as fnplan expressions (those that cannot be go to
    `failed`); other values as they are."""
    if isinstance(value, dict):
        return {k: _value(v, base, failed) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v, base, failed) for v in value]
    if isinstance(value, str) and _EXPRESSION.match(value.strip()):
        converted = _jq(value, base) if base else None
        if converted is None:
            failed.append(value)
        return expr(converted) if converted else value
    return value


def _path(path: str, base: str) -> str:
    """A jq path: `.a` over the task's input, `$context.X.a` (what fnplan's export writes)
    over step X's output, `$workflow.input.a` over the run input."""
    if path.startswith("$workflow.input"):
        return "input" + path[len("$workflow.input") :]
    return _CONTEXT.sub(r"step.\1.output", path) if path.startswith("$") else f"{base}{path}"


def _string(string: str | None, base: str) -> str | None:
    """A jq string literal; its `\\(path)` interpolations become `${...}`."""
    if string is None:
        return None
    return _INTERPOLATION.sub(lambda m: "${" + _path(m.group(1), base) + "}", string)


def _jq(text: str, base: str) -> str | None:
    """A simple jq expression (`${ .a.b > 3 and .c == "x" }`) in fnplan's syntax."""
    match = _EXPRESSION.match(text.strip())
    source = match.group(1).strip() if match else None
    if not source:
        return None
    out, position = [], 0
    while position < len(source):
        token = _JQ_TOKEN.match(source, position)
        if not token or token.end() == position:
            return None
        path, number, string, operator, word = token.groups()
        out.append(
            _path(path, base)
            if path
            else number or _string(string, base) or operator or _JQ_WORDS.get(str(word), str(word))
        )
        position = token.end()
    return " ".join(out).replace("( ", "(").replace(" )", ")")
