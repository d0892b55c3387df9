"""fnplan run-time expressions as Step Functions JSONata, where the translation is exact.

A step's values that read the workflow input or earlier steps are HCL expressions kept as
{"$expr": source} leaves (fnplan.workflow.model). The simple ones, which are most of them
(references such as `step.fetch.output.items[0]`, literals, string templates), become JSONata
that the state machine evaluates itself. Anything else (operators, functions, for
expressions, splats) is left to the expression function, a Lambda function that runs
fnplan's own evaluator, so that every expression means on AWS what it means locally.

The state machine keeps `$input` (the execution input), `$steps` ({NAME: {"output": ...}})
and `$status` ({NAME: "succeeded" | "failed" | "caught" | "skipped"}); like the local
executor, a leaf that refers to a step that did not succeed is null.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from fnplan.expr import Expr, parse_expression, references
from fnplan.expr import ast as nodes
from fnplan.run import EXPR_KEY, is_expression

#: a string Step Functions would evaluate as JSONata rather than pass on as text
_LOOKS_EVALUATED = re.compile(r"^\s*\{%.*%\}\s*$", re.DOTALL)
#: a name JSONata can write between backquotes
_QUOTABLE = re.compile(r"^[^`]+$")


class NotSimple(Exception):
    """The expression has no exact JSONata form; the expression function evaluates it."""


def is_simple(value: Any) -> bool:
    """Whether every expression leaf of a document value translates to JSONata exactly."""
    if is_expression(value):
        try:
            _translate_source(value[EXPR_KEY])
        except NotSimple:
            return False
        return True
    if isinstance(value, dict):
        return all(is_simple(item) for item in value.values())
    if isinstance(value, list):
        return all(is_simple(item) for item in value)
    return True


def jsonata_value(value: Any) -> Any:
    """A document value as a Step Functions JSONata template: each expression leaf becomes a
    "{% ... %}" string; literal strings that would read as one are quoted so they stay text.
    Raises NotSimple when a leaf has no exact JSONata form (check with is_simple first)."""
    if is_expression(value):
        return "{% " + _translate_source(value[EXPR_KEY]) + " %}"
    if isinstance(value, dict):
        return {key: jsonata_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonata_value(item) for item in value]
    return as_data(value)


def as_data(value: Any) -> Any:
    """`value` passed on as data: strings Step Functions would evaluate are quoted as text
    (expression leaves included: the expression function evaluates those)."""
    if isinstance(value, dict):
        return {key: as_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_data(item) for item in value]
    if isinstance(value, str) and _LOOKS_EVALUATED.match(value):
        return "{% " + json.dumps(value) + " %}"
    return value


def jsonata_when(value: Any) -> str | None:
    """A step's `when` as a JSONata expression (None when the step always runs)."""
    if value is None or value is True:
        return None
    if is_expression(value):
        return "(" + _translate_source(value[EXPR_KEY]) + ")"
    return json.dumps(value)


def quoted_name(name: str) -> str:
    """A field name in JSONata path syntax."""
    if not _QUOTABLE.match(name):
        raise NotSimple(f"the name {name!r} cannot be written in JSONata")
    return f"`{name}`"


@lru_cache(maxsize=4096)
def _translate_source(source: str) -> str:
    expr = parse_expression(source)
    body = _translate(expr)
    steps = sorted(
        {ref.path[0] for ref in references(expr) if ref.root == "step" and ref.path}, key=str
    )
    if not steps:
        return body
    guard = " and ".join(f'$status.{quoted_name(str(step))} = "succeeded"' for step in steps)
    return f"({guard} ? {body} : null)"


def _translate(expr: Expr) -> str:
    if isinstance(expr, nodes.Literal):
        return json.dumps(expr.value)
    if isinstance(expr, nodes.Traversal):
        return _traversal(expr)
    if isinstance(expr, nodes.Template):
        return _template(expr)
    raise NotSimple(type(expr).__name__)


def _traversal(expr: nodes.Traversal) -> str:
    if expr.root == "input":
        text, steps = "$input", expr.steps
    elif expr.root == "step" and expr.steps and isinstance(expr.steps[0], nodes.GetAttr):
        text, steps = f"$steps.{quoted_name(expr.steps[0].name)}", expr.steps[1:]
    else:
        raise NotSimple(f"reference to {expr.root}")
    for step in steps:
        text += _path_step(step)
    return text


def _path_step(step: nodes.Step) -> str:
    if isinstance(step, nodes.GetAttr):
        return "." + quoted_name(step.name)
    key = step.key
    if isinstance(key, nodes.Literal) and isinstance(key.value, str):
        return "." + quoted_name(key.value)
    if (
        isinstance(key, nodes.Literal)
        and isinstance(key.value, int)
        and not isinstance(key.value, bool)
        and key.value >= 0
    ):
        return f"[{key.value}]"
    raise NotSimple("computed index")


def _template(expr: nodes.Template) -> str:
    if len(expr.parts) == 1 and not isinstance(expr.parts[0], str):
        return _translate(expr.parts[0])  # "${x}" is x itself, keeping its type
    pieces = []
    for part in expr.parts:
        if isinstance(part, str):
            pieces.append(json.dumps(part))
        elif isinstance(part, nodes.TemplateIf | nodes.TemplateFor):
            raise NotSimple("template directive")
        else:
            pieces.append(f"$string({_translate(part)})")
    return "(" + " & ".join(pieces or ['""']) + ")"
