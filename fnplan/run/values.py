"""Run-time values: evaluating the {"$expr": source} leaves that compile left in a document.

The scope is {"input": <workflow input>, "step": {NAME: {"output": ...}}}. A leaf that refers
to a step that did not succeed (skipped, failed, caught) evaluates to null, which is how a
workflow output referring to a skipped step becomes null.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError
from fnplan.run.failure import StepFailure

if TYPE_CHECKING:
    from fnplan.expr import Expr

EXPR_KEY = "$expr"


def is_expression(value: Any) -> bool:
    """Whether a JSON value is a run-time expression leaf {"$expr": "<source>"}."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(EXPR_KEY), str)


def resolve(value: Any, scope: Mapping[str, Any], unavailable: frozenset[str] = frozenset()) -> Any:
    """Replace each expression leaf by its value; leaves naming `unavailable` steps become None."""
    if isinstance(value, dict):
        if is_expression(value):
            return _evaluate(value[EXPR_KEY], scope, unavailable)
        return {key: resolve(item, scope, unavailable) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, scope, unavailable) for item in value]
    return value


def step_references(value: Any) -> set[str]:
    """Names of the steps whose outputs the expression leaves of `value` refer to."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if is_expression(item):
                found |= _steps_of(item[EXPR_KEY])
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _evaluate(source: str, scope: Mapping[str, Any], unavailable: frozenset[str]) -> Any:
    from fnplan.expr import evaluate

    if unavailable and not unavailable.isdisjoint(_steps_of(source)):
        return None
    try:
        return evaluate(_parse(source), scope, runtime_roots=frozenset())
    except FnplanError as error:
        raise StepFailure("ExpressionError", f"{source}: {error.message}") from None


@lru_cache(maxsize=8192)
def _parse(source: str) -> Expr:
    from fnplan.expr import parse_expression

    try:
        return parse_expression(source)
    except FnplanError as error:
        raise StepFailure("ExpressionError", f"{source}: {error.message}") from None


@lru_cache(maxsize=8192)
def _steps_of(source: str) -> frozenset[str]:
    from fnplan.expr import references

    return frozenset(
        ref.path[0]
        for ref in references(_parse(source))
        if ref.root == "step" and ref.path and isinstance(ref.path[0], str)
    )
