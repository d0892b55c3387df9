"""Evaluation: operators, functions, templates, for/splat, errors and partial evaluation."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import FUNCTIONS, Residual, evaluate, is_residual, parse_expression

SCOPE: dict[str, Any] = {
    "var": {"env": "dev", "n": 3, "l": [1, 2, 3], "m": {"a": 1, "b": 2}, "s": "5"},
    "local": {"objs": [{"id": "x", "v": 1}, {"id": "y", "v": 2}], "none": None},
}


def ev(text: str, scope: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return evaluate(parse_expression(text), SCOPE if scope is None else scope, **kwargs)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 + 2 * 3", 7),
        ("10 - 4 - 3", 3),
        ("5 / 2", 2.5),
        ("4 / 2", 2),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ("1.5 * 2", 3),
        ("var.s + 1", 6),
        ("-var.n", -3),
        ("1 < 2", True),
        ("2 <= 1", False),
        ("3 > 2", True),
        ("3 >= 4", False),
        ("1 == 1.0", True),
        ("1 == true", False),
        ('"a" != "b"', True),
        ("[1, {a = 2}] == [1, {a = 2}]", True),
        ("true && false", False),
        ("true || false", True),
        ("!true", False),
        ('var.n > 2 ? "big" : "small"', "big"),
        ("false ? var.missing : 1", 1),
        ("null", None),
        ("var.l[1]", 2),
        ("var.m.b", 2),
        ('var.m["a"]', 1),
        ("local.objs[*].id", ["x", "y"]),
        ("local.objs.*.v", [1, 2]),
        ("local.none[*]", []),
        ("var.env[*]", ["dev"]),
        ("[for x in var.l : x * 10 if x != 2]", [10, 30]),
        ("[for i, x in var.l : i]", [0, 1, 2]),
        ("{for k, v in var.m : upper(k) => v + 1}", {"A": 2, "B": 3}),
        (
            '{for o in local.objs : o.v > 1 ? "big" : "small" => o.id...}',
            {"small": ["x"], "big": ["y"]},
        ),
        ('"${var.n}"', 3),
        ('"n=${var.n} ${true} ${1.5}"', "n=3 true 1.5"),
        ('"%{ for x in var.l }${x};%{ endfor }"', "1;2;3;"),
        ('"%{ if var.n > 5 }big%{ else }small%{ endif }!"', "small!"),
        ('{ (var.env) = 1, "k" = 2 }', {"dev": 1, "k": 2}),
        ("{a = 1}.a", 1),
    ],
)
def test_values(text: str, value: Any) -> None:
    result = ev(text)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('lower("AbC")', "abc"),
        ('upper("abc")', "ABC"),
        ('trimspace("  x ")', "x"),
        ('replace("a-b-c", "-", "+")', "a+b+c"),
        ('replace("a1b22", "/[0-9]+/", "#")', "a#b#"),
        ('join(",", ["a", "b"])', "a,b"),
        ('split(",", "a,b")', ["a", "b"]),
        (
            'format("%s-%03d|%5.2f|%q|%v|%-3s|%t|%%", "a", 7, 3.14159, "q", [1], "x", true)',
            'a-007| 3.14|"q"|[1]|x  |true|%',
        ),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ("merge({a = 1}, {b = 2}, {a = 3})", {"a": 3, "b": 2}),
        ('lookup({a = 1}, "a")', 1),
        ('lookup({a = 1}, "b", 5)', 5),
        ("length([1, 2])", 2),
        ('length("abc")', 3),
        ("length({a = 1})", 1),
        ("contains([1, 2], 2)", True),
        ('coalesce(null, "", "x")', "x"),
        ("tostring(5)", "5"),
        ('tonumber("2.5")', 2.5),
        ('tobool("true")', True),
        ("keys({b = 1, a = 2})", ["a", "b"]),
        ("values({b = 1, a = 2})", [2, 1]),
        ("min(3, 1, 2)", 1),
        ("max(var.l...)", 3),
        ("abs(-4)", 4),
        ('jsonencode({b = [1, true, null], a = "x"})', '{"a":"x","b":[1,true,null]}'),
        ('jsondecode("{\\"a\\": [1, 2]}")', {"a": [1, 2]}),
        ('sha256("x")', hashlib.sha256(b"x").hexdigest()),
        ('startswith("abc", "ab")', True),
        ('endswith("abc", "bc")', True),
        ("flatten([[1, [2]], 3])", [1, 2, 3]),
        ("range(3)", [0, 1, 2]),
    ],
)
def test_functions(text: str, value: Any) -> None:
    assert ev(text) == value


def test_file_functions_resolve_against_dir(tmp_path: Path) -> None:
    (tmp_path / "hello.txt").write_text("hi there")
    scope = {"__dir__": str(tmp_path)}
    assert ev('file("hello.txt")', scope) == "hi there"
    assert ev('filesha256("hello.txt")', scope) == hashlib.sha256(b"hi there").hexdigest()
    with pytest.raises(ConfigError, match=r"file\(\): cannot read"):
        ev('file("missing.txt")', scope)


def test_function_library_has_required_names() -> None:
    required = "file filesha256 jsonencode jsondecode lower upper format join split concat merge"
    required += " lookup length contains coalesce tostring tonumber tobool keys values min max abs"
    required += " replace trimspace"
    assert set(required.split()) <= set(FUNCTIONS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"a" + 1', "must be a number"),
        ('"a" + "b"', "does not join strings"),
        ("1 / 0", "division by zero"),
        ("var.nope", "no attribute 'nope'"),
        ("vr.env", "unknown reference 'vr'"),
        ("var.l[5]", "out of range"),
        ("var.l[0.5]", "whole number"),
        ("var.n.x", "cannot read attribute 'x' of a number"),
        ("1 ? 2 : 3", "must be a bool"),
        ('uper("x")', "unknown function 'uper'"),
        ("lookup({}, 1, 2, 3)", "wrong number of arguments"),
        ('"x${var.l}"', "cannot be used in a string template"),
        ('"x${local.none}"', "null value"),
        ('{for x in var.l : "k" => x}', "duplicate key 'k'"),
        ("[for x in 5 : x]", "cannot iterate"),
        ('format("%d", "x")', "must be a number"),
        ('format("%s %s", "x")', "not enough values"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        ev(text)
    assert info.value.pos is not None


def test_unknown_reference_suggests() -> None:
    with pytest.raises(ConfigError) as info:
        ev("vr.env")
    assert info.value.hint == "did you mean 'var'?"
    assert info.value.pos == SourcePos("<expr>", 1, 1)
    with pytest.raises(ConfigError) as attr:
        ev("var.ev")
    assert attr.value.allowed == ["env", "l", "m", "n", "s"]
    with pytest.raises(ConfigError) as fn:
        ev('lookup({a = 1}, "b")')
    assert fn.value.hint == "usage: lookup(map, key, default?)"


class Versions:
    """A Traversable like a config layer's block reference."""

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        if name == "versions":
            return self
        raise ConfigError(f"no attribute {name}", pos=pos)

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        return f"version {key}"


def test_traversable_objects() -> None:
    assert ev("function.resize.versions[2]", {"function": {"resize": Versions()}}) == "version 2"


@pytest.mark.parametrize(
    ("text", "residual"),
    [
        ('"img-${var.env}-${input.name}"', '"img-dev-${input.name}"'),
        ("step.resize.output.bytes > var.n * 1024", "step.resize.output.bytes > 3072"),
        ("upper(input.x)", "upper(input.x)"),
        ("input.list[var.n]", "input.list[3]"),
        ("var.n > 1 ? input.a : 0", "input.a"),
        ("input.ok ? var.env : var.l", 'input.ok ? "dev" : [1, 2, 3]'),
        (
            "[for x in input.items : x.name if x.n > var.n]",
            "[for x in input.items : x.name if x.n > var.n]",
        ),
        ("input.items[*].id", "input.items[*].id"),
        ("!input.ok", "!input.ok"),
        ('"%{ if input.ok }${var.env}%{ endif }"', '"%{ if input.ok }dev%{ endif }"'),
        ("length(concat(var.l, [input.x]))", "length(concat([1, 2, 3], [input.x]))"),
    ],
)
def test_partial_evaluation(text: str, residual: str) -> None:
    result = ev(text)
    assert is_residual(result)
    assert result == {"$expr": residual}


def test_constructors_stay_element_wise() -> None:
    value = ev("{ image = step.a.output.p, w = 256, tags = [var.env, input.tag] }")
    assert value == {
        "image": {"$expr": "step.a.output.p"},
        "w": 256,
        "tags": ["dev", {"$expr": "input.tag"}],
    }
    assert isinstance(value["image"], Residual)


def test_residuals_compose_through_scope() -> None:
    first = ev('"${input.a}-x"')
    second = ev('"${local.first}-y"', {"local": {"first": first}})
    assert second == {"$expr": '"${input.a}-x-y"'}
    plain = ev('"${local.first}!"', {"local": {"first": {"$expr": "input.b"}}})
    assert plain == {"$expr": '"${input.b}!"'}


def test_run_time_evaluation() -> None:
    scope = {"input": {"url": "u"}, "step": {"fetch": {"output": {"bytes": 2048, "path": "/p"}}}}
    residual = ev("step.fetch.output.bytes > var.n * 1024")
    assert evaluate(parse_expression(residual["$expr"]), scope, runtime_roots=frozenset()) is False
    template = ev('"${var.env}:${step.fetch.output.path}:${input.url}"')
    value = evaluate(parse_expression(template["$expr"]), scope, runtime_roots=frozenset())
    assert value == "dev:/p:u"
