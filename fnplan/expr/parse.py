"""Parse standalone expression text (YAML values, stored {"$expr": ...} residuals) with the
same tree-sitter grammar as HCL files, mapping positions back to where the text came from."""

from __future__ import annotations

from fnplan.errors import ConfigError
from fnplan.expr import ast
from fnplan.expr.cst import Converter
from fnplan.expr.treesitter import SourceMap, check_syntax, parse_tree

_WRAP = b"x="
_HEREDOC = "__FNPLAN_TEMPLATE__"


def parse_expression(
    text: str, *, file: str = "<expr>", line: int = 1, column: int = 1
) -> ast.Expr:
    """Parse one HCL expression; a syntax error raises ConfigError at its position in `file`."""
    source = _WRAP + text.encode()
    smap = SourceMap.of(file, source, line=line, column=column, skip=len(_WRAP))
    if not text.strip():
        raise ConfigError("expected an expression, found nothing", pos=smap.point(0, 2, 2))
    tree = parse_tree(source)
    check_syntax(tree, smap)
    body = tree.root_node.children[0] if tree.root_node.children else None
    items = [c for c in (body.children if body is not None else []) if c.type != "comment"]
    if len(items) != 1 or items[0].type != "attribute":
        extra = items[1] if len(items) > 1 else tree.root_node
        raise ConfigError(
            "expected exactly one expression", pos=smap.pos(extra), hint="remove the extra text"
        )
    value = items[0].children[-1]
    return Converter(smap).expr(value)


def parse_template(text: str, *, file: str = "<expr>", line: int = 1, column: int = 1) -> ast.Expr:
    """Parse a string that may hold ${...} interpolations or %{...} directives.

    Plain text is a Literal; exactly one interpolation and nothing else is that expression
    (so its value keeps its type); anything else is a Template.
    """
    if "${" not in text and "%{" not in text:
        return ast.Literal(text, ast.SourcePos(file, line, column))
    marker = _HEREDOC
    while marker in text:
        marker += "_"
    source = f"x=<<{marker}\n{text}\n{marker}\n".encode()
    smap = SourceMap.of(file, source, line=line, column=column, rows=1)
    tree = parse_tree(source)
    check_syntax(tree, smap)
    value = tree.root_node.children[0].children[0].children[-1]
    expr = Converter(smap).expr(value)
    return _drop_final_newline(expr)


def _drop_final_newline(expr: ast.Expr) -> ast.Expr:
    """A heredoc's text ends with the newline before its closing marker; the template's does not."""
    if isinstance(expr, ast.Literal) and isinstance(expr.value, str):
        return ast.Literal(expr.value.removesuffix("\n"), expr.pos)
    if not isinstance(expr, ast.Template):
        return expr
    parts = list(expr.parts)
    last = parts[-1]
    if isinstance(last, str):
        trimmed = last.removesuffix("\n")
        parts[-1:] = [trimmed] if trimmed else []
    if len(parts) == 1 and not isinstance(parts[0], str):
        return parts[0]
    return ast.Template(tuple(parts), expr.pos)
