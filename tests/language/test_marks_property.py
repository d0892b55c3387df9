"""Property: marks never change a value, and no text of a sensitive value survives outside a
mark, whatever expression computes with it (random expressions over operators, functions,
templates, conditionals, for expressions and collections)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fnplan.errors import ConfigError
from fnplan.expr import evaluate, parse_expression
from fnplan.expr.marks import HIDDEN, Marked, mark, unmark_deep
from fnplan.expr.values import NamedValues

SECRET = "Zq9Secret"
_FORMS = (SECRET, SECRET.upper(), SECRET.lower(), SECRET[::-1])
_VALUES: dict[str, Any] = {"s": SECRET, "l": ["Zq9", "Secret"], "m": {"k": SECRET, "n": 7}}

_LEAVES = st.sampled_from(
    ['"a"', '"Zq"', "1", "true", *["var.s"] * 3, "var.l", "var.m", "var.m.k", "var.l[0]"]
)


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    one = st.sampled_from(
        [
            "upper({})",
            "lower({})",
            "tostring({})",
            "jsonencode({})",
            "length({})",
            "[{}]",
            "{{k = {}}}",
            '"x${{{}}}y"',
            "try({}, 0)",
            "can({})",
            "keys({})",
            "values({})",
            "flatten([{}])",
            'split("9", {})',
            "!{}",
            "-{}",
            "[for v in {} : v]",
            "{{for k, v in {} : k => v}}",
            '"%{{for v in {}}}${{v}}%{{endfor}}"',
            "sha256({})",
            "urlencode({})",
            "{}[0]",
            "{}.k",
            "trimspace({})",
        ]
    )
    two = st.sampled_from(
        [
            "{} == {}",
            "{} + {}",
            "{} ? {} : 1",
            "true ? {} : {}",
            "concat([{}], [{}])",
            'join({}, ["p", {}])',
            'format("%s-%v", {}, {})',
            "merge({}, {{x = {}}})",
            'replace({}, "Zq", {})',
            "coalesce({}, {})",
            "lookup({}, {}, 1)",
            "contains([{}], {})",
            '"${{{}}}${{{}}}"',
        ]
    )
    return st.one_of(
        st.tuples(one, inner).map(lambda t: t[0].format(t[1])),
        st.tuples(two, inner, inner).map(lambda t: t[0].format(t[1], t[2])),
    )


EXPRESSIONS = st.recursive(_LEAVES, _grow, max_leaves=6)


def _run(text: str, marked: bool) -> tuple[str, Any]:
    values = {name: mark(value) if marked else value for name, value in _VALUES.items()}
    scope = {"var": NamedValues("variable", values)}
    try:
        return "ok", evaluate(parse_expression(text), scope)
    except ConfigError as error:
        return "error", error.render()


def _visible(value: Any) -> Any:
    """What of a value is not marked."""
    if isinstance(value, Marked):
        return HIDDEN
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible(item) for item in value]
    return value


@settings(max_examples=400, deadline=None)
@given(EXPRESSIONS)
@example("upper(var.s)")
@example('"Bearer ${lower(var.s)}"')
@example("jsonencode({k = var.s})")
@example('split("9", var.s)')
@example("{for k, v in var.m : v => k}")
@example('join("", [for c in split("", var.s) : c])')
@example('format("%s", var.m.k)')
def test_marks_keep_values_and_hide_every_derived_text(text: str) -> None:
    plain_kind, plain = _run(text, marked=False)
    marked_kind, marked = _run(text, marked=True)
    assert plain_kind == marked_kind, text
    if marked_kind == "error":
        assert not any(form in marked for form in _FORMS), (text, marked)
        return
    assert unmark_deep(marked)[0] == plain, text
    shown = json.dumps(_visible(marked))
    assert not any(form in shown for form in _FORMS), (text, shown)
