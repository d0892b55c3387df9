"""Every ```hcl example in docs/language.md parses and is in canonical format."""

from __future__ import annotations

import re

import pytest

from fnplan.config.fmt import format_hcl
from fnplan.config.hcl import parse_hcl
from fnplan.expr import FUNCTIONS, evaluate, parse_expression
from fnplan.expr.lazy import SPECIAL_FORMS
from tests.conftest import REPO

LANGUAGE = REPO / "docs" / "language.md"
_FENCE = re.compile(r"^```hcl\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _examples() -> list[tuple[int, str]]:
    text = LANGUAGE.read_text()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in _FENCE.finditer(text)]


EXAMPLES = _examples()


def test_the_reference_has_examples() -> None:
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize(("line", "example"), EXAMPLES, ids=[f"line{n}" for n, _ in EXAMPLES])
def test_example_parses_and_is_formatted(line: int, example: str) -> None:
    parse_hcl(example.encode(), f"docs/language.md(example at line {line})")
    assert format_hcl(example.encode()).decode() == example


_FUNCTION_ROW = re.compile(r"^\| `(\w+)\(.*?\)` \| .*? \| (.*) \|$", re.MULTILINE)
_EXAMPLE = re.compile(r"^`(.+)` → `(.+)`$")


def _function_rows() -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _FUNCTION_ROW.finditer(LANGUAGE.read_text())}


def test_every_built_in_function_is_documented() -> None:
    assert sorted(_function_rows()) == sorted([*FUNCTIONS, *SPECIAL_FORMS])


@pytest.mark.parametrize(("name", "cell"), sorted(_function_rows().items()))
def test_function_examples_give_the_documented_result(name: str, cell: str) -> None:
    match = _EXAMPLE.match(cell)
    if match is None:  # an example without a fixed result (files, hashes, variables)
        assert cell.startswith(f"`{name}(")
        return
    example, result = match.groups()
    assert evaluate(parse_expression(example), {}) == evaluate(parse_expression(result), {})
