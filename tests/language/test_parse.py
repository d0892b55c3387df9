"""Parsing expression text and templates into the AST, with positions and syntax errors."""

from __future__ import annotations

import pytest

from fnplan.errors import ConfigError
from fnplan.expr import ast, parse_expression, parse_template


def T(root: str, *names: str | int) -> ast.Traversal:
    steps = tuple(
        ast.GetAttr(n) if isinstance(n, str) else ast.Index(ast.Literal(n)) for n in names
    )
    return ast.Traversal(root, steps)


def L(value: ast.Scalar) -> ast.Literal:
    return ast.Literal(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", L(42)),
        ("1.5e3", L(1500)),
        ("2.5", L(2.5)),
        ("-3", L(-3)),
        ("true", L(True)),
        ("null", L(None)),
        ('"a\\n\\"b\\" \\u00e9 $${x} %%{y}"', L('a\n"b" é ${x} %{y}')),
        ("step.fetch.output.path", T("step", "fetch", "output", "path")),
        ("function.resize.versions[2]", T("function", "resize", "versions", 2)),
        ("a.0.b", T("a", 0, "b")),
        ("runtime.python-imaging", T("runtime", "python-imaging")),
        ("(a).b", T("a", "b")),
        ("f(x)[0]", ast.RelativeTraversal(ast.FunctionCall("f", (T("x"),)), (ast.Index(L(0)),))),
        ("max(l...)", ast.FunctionCall("max", (T("l"),), expand_final=True)),
        ("1 + 2 * 3", ast.BinaryOp("+", L(1), ast.BinaryOp("*", L(2), L(3)))),
        ("(1 + 2) * 3", ast.BinaryOp("*", ast.BinaryOp("+", L(1), L(2)), L(3))),
        ("a - b - c", ast.BinaryOp("-", ast.BinaryOp("-", T("a"), T("b")), T("c"))),
        ("a || b && c", ast.BinaryOp("||", T("a"), ast.BinaryOp("&&", T("b"), T("c")))),
        ("-x.a + 1", ast.BinaryOp("+", ast.UnaryOp("-", T("x", "a")), L(1))),
        ("a + -b", ast.BinaryOp("+", T("a"), ast.UnaryOp("-", T("b")))),
        ("!a == b", ast.BinaryOp("==", ast.UnaryOp("!", T("a")), T("b"))),
        ("a ? b : c", ast.Conditional(T("a"), T("b"), T("c"))),
        ("[1, a]", ast.ListExpr((L(1), T("a")))),
        ("[]", ast.ListExpr(())),
        (
            '{ a = 1, "b-c" = 2, (k) = 3 }',
            ast.ObjectExpr(((L("a"), L(1)), (L("b-c"), L(2)), (T("k"), L(3)))),
        ),
        ("{}", ast.ObjectExpr(())),
        ('"x-${a}"', ast.Template(("x-", T("a")))),
        ("l[*].a", ast.Splat(T("l"), ast.RelativeTraversal(ast.SplatItem(), (ast.GetAttr("a"),)))),
        (
            "l.*.a",
            ast.Splat(T("l"), ast.RelativeTraversal(ast.SplatItem(), (ast.GetAttr("a"),)), False),
        ),
        ("l[*]", ast.Splat(T("l"), ast.SplatItem())),
        (
            "[for x in l : x.a if x.b]",
            ast.ForExpr(None, "x", T("l"), T("x", "a"), cond=T("x", "b")),
        ),
        (
            "{for k, v in m : k => v...}",
            ast.ForExpr("k", "v", T("m"), T("v"), key=T("k"), group=True),
        ),
    ],
)
def test_parse_expression(text: str, expected: ast.Expr) -> None:
    assert parse_expression(text) == expected


def test_template_whitespace_and_strip_markers() -> None:
    assert parse_expression('"a ${b} c"') == ast.Template(("a ", T("b"), " c"))
    assert parse_expression('"x  ${~ b ~}  y"') == ast.Template(("x", T("b"), "y"))


def test_template_directives() -> None:
    expr = parse_expression('"%{ if a }yes%{ else }no%{ endif }|%{ for x in l }${x}%{ endfor }"')
    assert isinstance(expr, ast.Template)
    if_part, bar, for_part = expr.parts
    assert if_part == ast.TemplateIf(T("a"), ast.Template(("yes",)), ast.Template(("no",)))
    assert bar == "|"
    assert for_part == ast.TemplateFor(None, "x", T("l"), ast.Template((T("x"),)))


def test_heredocs() -> None:
    plain = parse_expression("<<EOT\nhello ${name}\n  world\nEOT\n")
    assert plain == ast.Template(("hello ", T("name"), "\n  world\n"))
    flush = parse_expression("<<-EOT\n    a\n      b ${c}\n    EOT\n")
    assert flush == ast.Template(("a\n  b ", T("c"), "\n"))


def test_positions_are_mapped_back() -> None:
    expr = parse_expression("a + f(b)", file="w.yaml", line=7, column=12)
    assert isinstance(expr, ast.BinaryOp)
    assert (expr.right.pos.file, expr.right.pos.line, expr.right.pos.column) == ("w.yaml", 7, 16)
    multi = parse_expression("[\n  x]", file="w.yaml", line=3, column=5)
    assert isinstance(multi, ast.ListExpr)
    assert (multi.items[0].pos.line, multi.items[0].pos.column) == (4, 3)


def test_columns_count_characters_not_bytes() -> None:
    expr = parse_expression('"é" == x', file="f", line=1, column=1)
    assert isinstance(expr, ast.BinaryOp)
    assert expr.right.pos.column == 8


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("a +", "expected an expression, found end of file", 4),
        ("1 2", "unexpected '2'", 3),
        ('"abc', "unterminated string", 1),
        ("f(1,", "unexpected end of file", 5),
        ("", "expected an expression", 1),
        ('"\\q"', "invalid escape sequence", 2),
        ('"a\\\\\\q"', "invalid escape sequence '\\q'", 5),
    ],
)
def test_syntax_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_expression(text, file="f.yaml", line=2, column=1)
    assert message in info.value.message
    assert info.value.pos is not None
    assert (info.value.pos.file, info.value.pos.line, info.value.pos.column) == (
        "f.yaml",
        2,
        column,
    )


def test_parse_template() -> None:
    assert parse_template("plain text") == L("plain text")
    assert parse_template("${var.x}") == T("var", "x")
    assert parse_template('img-${var.env} "q" $${raw}\\n') == ast.Template(
        ("img-", T("var", "env"), ' "q" ${raw}\\n')
    )
    multi = parse_template("a\n${b}\n", file="c.yaml", line=5, column=9)
    assert multi == ast.Template(("a\n", T("b"), "\n"))
    assert isinstance(multi, ast.Template)
    inner = multi.parts[1]
    assert isinstance(inner, ast.Traversal)
    assert (inner.pos.line, inner.pos.column) == (6, 3)


def test_parse_template_error_position() -> None:
    with pytest.raises(ConfigError) as info:
        parse_template("x ${a +}", file="c.yaml", line=4, column=10)
    assert info.value.pos is not None
    assert (info.value.pos.line, info.value.pos.column) == (4, 12)  # at the broken "${"
