"""Checks of generated Step Functions definitions by others' tools: AWS's statelint for the
structure, and the JSONata parser (jsonata-python) for every "{% ... %}" expression in it
(statelint's own --eval-jsonata only evaluates expressions, and takes a constant result for
a wrongly typed field)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonata  # type: ignore[import-untyped]
from statelint.linter import Linter  # type: ignore[import-untyped]

_TEMPLATE = re.compile(r"^\s*\{%(.*)%\}\s*$", re.DOTALL)


def lint(definition: dict[str, Any]) -> list[str]:
    """statelint's problems, then each JSONata expression that does not parse."""
    problems: list[str] = Linter.validate(definition)
    for path, expression in _expressions(definition, "States"):
        try:
            jsonata.Jsonata(expression)
        except Exception as exc:  # jsonata-python raises its own JException
            problems.append(f"{path}: JSONata does not parse: {exc}")
    return problems


def _expressions(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _expressions(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _expressions(item, f"{path}[{index}]")
    elif isinstance(value, str) and (match := _TEMPLATE.match(value)):
        yield path, match.group(1)
