"""Sensitivity marks: every value computed from a marked value is marked, errors never show a
marked value, and plan-time-only file functions; also try(), can() and urlencode()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fnplan.errors import ConfigError
from fnplan.expr import evaluate, parse_expression
from fnplan.expr.marks import HIDDEN, Marked, mark, sensitive_texts, unmark_deep
from fnplan.expr.values import NamedValues, is_residual

SECRET = "SuperSecretKey123"


def ev(text: str, scope: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """The value of an expression with var.api_key marked sensitive."""
    base: dict[str, Any] = {
        "var": NamedValues(
            "variable",
            {
                "api_key": mark(SECRET),
                "plain": "abc",
                "obj": mark({"user": "u", "pass": "p4ss"}),
                "pin": mark("1234"),
            },
        ),
    }
    return evaluate(parse_expression(text), {**base, **(scope or {})}, **kwargs)


@pytest.mark.parametrize(
    "text",
    [
        "var.api_key",
        "upper(var.api_key)",
        "lower(var.api_key)",
        'split(",", var.api_key)',
        '"Bearer ${var.api_key}"',
        "jsonencode({k = var.api_key})",
        "var.api_key == var.plain",
        "tonumber(var.pin) + 1",
        "var.obj.pass",
        'var.obj["user"]',
        "length(var.api_key)",
        'true ? var.api_key : "x"',
        'var.api_key != "" ? "set" : "unset"',
        '[for c in split("e", var.api_key) : c][0]',
        'format("%s!", var.api_key)',
        'join("-", [var.plain, var.api_key])',
        'replace(var.api_key, "Super", "")',
        '"%{if var.api_key != ""}on%{endif}"',
        '"%{for c in [var.api_key]}${c}%{endfor}"',
        'try(var.api_key, "x")',
        "sha256(var.api_key)",
        "urlencode(var.api_key)",
    ],
)
def test_values_derived_from_a_marked_value_are_marked(text: str) -> None:
    assert isinstance(ev(text), Marked), text


def test_unmarked_values_stay_unmarked() -> None:
    assert ev('upper(var.plain) == "ABC"') is True
    assert ev('"x${var.plain}"') == "xabc"


def test_collections_keep_marks_per_element() -> None:
    value = ev('{k = var.api_key, n = "x"}')
    assert isinstance(value["k"], Marked) and value["n"] == "x"
    assert unmark_deep(value) == ({"k": SECRET, "n": "x"}, True)
    assert sensitive_texts(value) == {SECRET}


def test_marked_run_time_expression_remembers_its_secrets() -> None:
    value = ev('"Bearer ${upper(var.api_key)} ${input.x}"')
    assert isinstance(value, Marked) and is_residual(value)
    texts = sensitive_texts(value)
    assert SECRET.upper() in texts
    assert any(SECRET.upper() in text and "input.x" in text for text in texts)


@pytest.mark.parametrize(
    "text",
    [
        "tonumber(var.api_key)",
        "var.api_key + 1",
        "!var.api_key",
        "tobool(var.api_key)",
        'var.api_key ? "a" : "b"',
        'lookup(var.obj, "nope")',
        "var.obj.nope",
        "[1][var.pin]",
        'format("%d", var.api_key)',
    ],
)
def test_errors_never_show_a_marked_value(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ev(text)
    rendered = caught.value.render()
    assert SECRET not in rendered and "p4ss" not in rendered and "1234" not in rendered
    assert "pass" not in rendered or "nope" in text


def test_error_of_a_marked_value_still_says_what_is_wrong() -> None:
    with pytest.raises(ConfigError, match="must be a number") as caught:
        ev("tonumber(var.api_key)")
    assert HIDDEN in caught.value.message


def test_file_functions_refuse_run_time_paths(tmp_path: Path) -> None:
    scope = {"__dir__": str(tmp_path)}
    for text in ("file(input.path)", 'filesha256("${step.a.output.p}")'):
        with pytest.raises(ConfigError, match="plan time") as caught:
            ev(text, scope)
        assert caught.value.pos is not None and caught.value.pos.column > 1
    with pytest.raises(ConfigError, match="plan time"):
        ev("[for p in input.paths : file(p)]", scope)


def test_file_functions_refuse_at_run_time(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with pytest.raises(ConfigError, match="plan time"):
        evaluate(parse_expression(f'file("{secret}")'), {"input": {}}, runtime_roots=frozenset())


def test_try_returns_the_first_value_without_error() -> None:
    assert ev('try(var.obj.nope, "fallback")') == "fallback"
    assert ev('try(tonumber("x"), 5)') == 5
    assert ev("try(1, 2)") == 1
    run_time = ev('try(input.name, "")')
    assert is_residual(run_time)
    scope: dict[str, Any] = {"input": {}}
    again = evaluate(parse_expression(run_time["$expr"]), scope, runtime_roots=frozenset())
    assert again == ""
    named = evaluate(
        parse_expression(run_time["$expr"]), {"input": {"name": "n"}}, runtime_roots=frozenset()
    )
    assert named == "n"


def test_try_does_not_hide_mistakes_in_the_configuration() -> None:
    with pytest.raises(ConfigError, match="unknown reference 'nope'"):
        ev('try(nope.x, "y")')
    with pytest.raises(ConfigError, match="unknown variable 'missing'"):
        ev('try(var.missing, "y")')
    with pytest.raises(ConfigError, match="try\\(\\): no argument"):
        ev('try(tonumber("x"), tobool("y"))')


def test_can() -> None:
    assert ev('can(tonumber("1"))') is True
    assert ev('can(tonumber("x"))') is False
    assert ev("can(var.obj.nope)") is False
    assert is_residual(ev("can(input.a.b)"))
    with pytest.raises(ConfigError, match="can\\(\\)"):
        ev("can(1, 2)")


def test_urlencode() -> None:
    assert ev('urlencode("Hello World!")') == "Hello+World%21"
    assert ev('urlencode("a/b?c=d&e")') == "a%2Fb%3Fc%3Dd%26e"
    assert ev('urlencode("-_.~")') == "-_.~"
