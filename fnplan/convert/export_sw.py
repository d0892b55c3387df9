"""`fnplan export --format serverless-workflow`: a compiled workflow written as a CNCF
Serverless Workflow (DSL 1.0) document.

Steps run one after another in dependency order (the DSL's `do` is a sequence); every task
exports its output into the context under its name, so `step.X.output.a` becomes
`$context.X.a` and `input.a` becomes `$workflow.input.a`. A step that is a catch's `next`
runs only inside the catching step's `catch.do`, as in fnplan.
"""

from __future__ import annotations

import re
from graphlib import TopologicalSorter
from typing import Any

from fnplan.workflow.model import Step, WorkflowDocument

DSL_VERSION = "1.0.0"
_STEP_OUTPUT = re.compile(r"\bstep\.([A-Za-z_][\w-]*)\.output\b")
_INPUT = re.compile(r"(?<![\w.$])input\b")
_TEMPLATE = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"[^a-z0-9-]+")


def export_workflow(document: WorkflowDocument, version: str = "1.0.0") -> dict[str, Any]:
    """The DSL document of a compiled workflow."""
    steps = {step.name: step for step in document.steps}
    handlers = {rule.next for step in document.steps for rule in step.catch}
    order = TopologicalSorter({s.name: set(s.depends_on) & set(steps) for s in steps.values()})
    tasks = [
        {name: _task(steps[name], steps)} for name in order.static_order() if name not in handlers
    ]
    exported: dict[str, Any] = {
        "document": {
            "dsl": DSL_VERSION,
            "namespace": "fnplan",
            "name": _dsl_name(document.name),
            "version": version,
            "title": document.address,
        },
    }
    if document.input_schema:
        exported["input"] = {"schema": {"format": "json", "document": document.input_schema}}
    exported["do"] = tasks
    return exported


def _task(step: Step, steps: dict[str, Step]) -> dict[str, Any]:
    task = _action(step)
    if step.when is not None and step.when is not True:
        task = {"if": _expression(step.when), **task}
    task["export"] = {"as": f'${{ $context + {{ "{step.name}": . }} }}'}
    if not step.catch and step.retry.max_attempts <= 1:
        return task
    catch: dict[str, Any] = {}
    rule = step.catch[0] if step.catch else None
    errors = rule.errors if rule else step.retry.errors
    if errors != ["any"]:
        catch["errors"] = {"with": {"type": errors[0]}}
    if step.retry.max_attempts > 1:
        catch["retry"] = _retry(step)
    if rule is not None:
        catch["do"] = [{rule.next: _task(steps[rule.next], steps)}]
    return {"try": [{step.name: task}], "catch": catch}


def _action(step: Step) -> dict[str, Any]:
    """What the step does, as a call or run task."""
    if step.http is not None:
        args: dict[str, Any] = {
            "method": step.http.method.lower(),
            "endpoint": _value(step.http.url),
        }
        if step.http.headers:
            args["headers"] = _value(step.http.headers)
        if step.http.body is not None:
            args["body"] = _value(step.http.body)
        return {"call": "http", "with": args}
    if step.shell is not None:
        if step.shell.image:
            return {"run": {"container": {"image": step.shell.image, "command": step.shell.script}}}
        shell: dict[str, Any] = {"command": step.shell.script}
        if step.shell.env:
            shell["environment"] = _value(step.shell.env)
        return {"run": {"shell": shell}}
    if step.workflow is not None:
        name = step.workflow.address.rsplit(".", 1)[-1]
        return {
            "run": {
                "workflow": {"namespace": "fnplan", "name": _dsl_name(name), "version": "1.0.0"}
            }
        }
    if step.sql is not None:
        args = {"statement": step.sql.statement, "connection": _value(step.sql.connection)}
        if step.sql.params:
            args["params"] = _value(step.sql.params)
        return {"call": "sql", "with": args}
    assert step.function is not None
    call: dict[str, Any] = {"call": step.function.address}
    if step.input is not None:
        call["with"] = (
            _value(step.input) if isinstance(step.input, dict) else {"input": _value(step.input)}
        )
    return call


def _retry(step: Step) -> dict[str, Any]:
    retry = step.retry
    backoff = {"fixed": "constant"}.get(retry.backoff, retry.backoff)
    return {
        "delay": {"milliseconds": round(retry.interval * 1000)},
        "backoff": {backoff: {}},
        "limit": {"attempt": {"count": retry.max_attempts - 1}},
    }


def _value(value: Any) -> Any:
    """Values with fnplan expressions (`{"$expr": ...}`) as runtime expressions."""
    if isinstance(value, dict):
        if set(value) == {"$expr"}:
            return _expression(value)
        return {key: _value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def _expression(value: Any) -> str:
    """An fnplan expression as a DSL runtime expression (jq over the context)."""
    source = str(value["$expr"]) if isinstance(value, dict) else str(value).lower()
    if source.startswith('"') and source.endswith('"'):  # a template: jq interpolates \\(...)
        source = _TEMPLATE.sub(lambda m: f"\\({m.group(1)})", source)
    text = _STEP_OUTPUT.sub(lambda m: f"$context.{m.group(1)}", source)
    text = _INPUT.sub("$workflow.input", text)
    return "${ " + text.replace("&&", "and").replace("||", "or") + " }"


def _dsl_name(name: str) -> str:
    """A DSL name: lower-case letters, digits and `-`."""
    return _NAME.sub("-", name.lower()).strip("-")[:63] or "workflow"
