"""Expressions translated to JSONata mean what they mean locally; the rest are left to the
expression function, which is fnplan's own evaluator."""

from __future__ import annotations

from typing import Any

import jsonata  # type: ignore[import-untyped]
import pytest
from fnplan.providers.aws.asl.evaluator import ExpressionError, handler
from fnplan.providers.aws.asl.expressions import as_data, is_simple, jsonata_value
from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.run.failure import StepFailure
from fnplan.run.values import resolve

SIMPLE = [
    "input.a",
    "input.a.b",
    "input.items[0]",
    "input.items[1].name",
    'input["odd-key"]',
    "step.fetch.output",
    "step.fetch.output.items[0]",
    '"plain text"',
    '"id-${input.id}"',
    '"${input.a}"',
    '"${step.fetch.output.name}/${input.id}.png"',
    "42",
    "true",
    "null",
]
NOT_SIMPLE = [
    "input.n + 1",
    "length(input.items)",
    "input.a == 1",
    "[for x in input.items : x]",
    "input.items[*].name",
    "input.flag ? 1 : 2",
    "input[input.key]",
    "input.items[-1]",
    '"%{ if input.flag }yes%{ endif }"',
    "{a = 1}",
]

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.text(max_size=8),
    st.sampled_from([1.5, -0.25, 100.0]),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def _jsonata(template: str, input: Any, steps: dict[str, Any], status: dict[str, str]) -> Any:
    assert template.startswith("{% ") and template.endswith(" %}")
    expression = jsonata.Jsonata(template[3:-3])
    expression.assign("input", input)
    expression.assign("steps", steps)
    expression.assign("status", status)
    return expression.evaluate(None)


@pytest.mark.parametrize("source", SIMPLE)
def test_simple_expressions_translate(source: str) -> None:
    assert is_simple({"$expr": source})


@pytest.mark.parametrize("source", NOT_SIMPLE)
def test_the_rest_go_to_the_expression_function(source: str) -> None:
    assert not is_simple({"$expr": source})


@settings(max_examples=300, deadline=None)
@given(
    source=st.sampled_from(SIMPLE),
    a=_JSON,
    items=st.lists(st.dictionaries(st.sampled_from(["name", "x"]), _JSON, max_size=2), max_size=3),
    output=_JSON,
    name=st.text(max_size=6) | st.integers(-5, 5),
    ident=st.text(max_size=6) | st.integers(0, 99) | st.booleans(),
    fetched=st.booleans(),
)
def test_translations_agree_with_the_local_evaluator(
    source: str, a: Any, items: list[Any], output: Any, name: Any, ident: Any, fetched: bool
) -> None:
    input = {"a": a, "items": items, "odd-key": a, "id": ident}
    fetch_output = {"output": output, "items": [output], "name": name}
    steps = {"fetch": {"output": fetch_output}}
    status = {"fetch": "succeeded" if fetched else "skipped"}
    unavailable = frozenset() if fetched else frozenset({"fetch"})
    try:
        expected = resolve({"$expr": source}, {"input": input, "step": steps}, unavailable)
    except StepFailure:
        return  # an expression failing locally fails the step; JSONata need not agree
    actual = _jsonata(jsonata_value({"$expr": source}), input, steps, status)
    assert actual == expected


def test_literals_that_look_like_jsonata_stay_text() -> None:
    hostile = {"x": "{% $states.context %}", "y": [" {%1%} "], "z": "a {% b %} c"}
    assert jsonata_value(hostile) == {
        "x": '{% "{% $states.context %}" %}',
        "y": ['{% " {%1%} " %}'],
        "z": "a {% b %} c",
    }
    assert as_data({"$expr": "{%x%}"}) == {"$expr": '{% "{%x%}" %}'}


def test_the_expression_function_evaluates_when_first() -> None:
    event = {
        "when": {"$expr": "input.go"},
        "values": {"n": {"$expr": "input.n + 1"}},
        "input": {"go": False},
        "steps": {},
        "status": {},
    }
    assert handler(event, None) == {"when": False, "values": None}
    event["input"] = {"go": True, "n": 1}
    assert handler(event, None) == {"when": True, "values": {"n": 2}}
    event["input"] = {"go": "yes"}
    with pytest.raises(ExpressionError, match="when must be true or false"):
        handler(event, None)
    event["input"] = {"go": True}
    with pytest.raises(ExpressionError):
        handler(event, None)


def test_the_expression_function_nulls_what_reads_a_step_that_did_not_succeed() -> None:
    event = {
        "values": {"v": {"$expr": "step.a.output.n * 2"}, "w": {"$expr": "input.k"}},
        "input": {"k": 1},
        "steps": {"a": {"output": {"n": 2}}},
        "status": {"a": "caught"},
    }
    assert handler(event, None) == {"when": True, "values": {"v": None, "w": 1}}
