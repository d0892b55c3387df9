"""Assemble template ASTs from a flat token stream: applies `~` strip markers, then nests
`%{if}` / `%{for}` directives."""

from __future__ import annotations

from dataclasses import dataclass

from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import ast


@dataclass(slots=True)
class TemplateToken:
    """One piece of a template: kind is "text", "interp", "if", "else", "endif", "for", "endfor"."""

    kind: str
    pos: SourcePos
    text: str = ""
    expr: ast.Expr | None = None
    names: tuple[str, ...] = ()
    strip_left: bool = False
    strip_right: bool = False


def build_template(tokens: list[TemplateToken], pos: SourcePos) -> ast.Expr:
    """The template's AST; a template that is only text becomes a string Literal."""
    _apply_strip_markers(tokens)
    parts, end = _parts(tokens, 0, closers=())
    if end != len(tokens):
        tag = tokens[end]
        raise ConfigError(f"'%{{{tag.kind}}}' without a matching opening directive", pos=tag.pos)
    if all(isinstance(part, str) for part in parts):
        return ast.Literal("".join(part for part in parts if isinstance(part, str)), pos)
    return ast.Template(tuple(parts), pos)


def _apply_strip_markers(tokens: list[TemplateToken]) -> None:
    for i, token in enumerate(tokens):
        if token.kind == "text":
            continue
        if token.strip_left and i > 0 and tokens[i - 1].kind == "text":
            tokens[i - 1].text = tokens[i - 1].text.rstrip()
        if token.strip_right and i + 1 < len(tokens) and tokens[i + 1].kind == "text":
            tokens[i + 1].text = tokens[i + 1].text.lstrip()


def _parts(
    tokens: list[TemplateToken], start: int, closers: tuple[str, ...]
) -> tuple[list[str | ast.Expr], int]:
    """Parts from tokens[start:] up to (not including) a closer tag; returns them and the index."""
    parts: list[str | ast.Expr] = []
    i = start
    while i < len(tokens):
        token = tokens[i]
        if token.kind in closers:
            return parts, i
        if token.kind == "text":
            if token.text:
                if parts and isinstance(parts[-1], str):
                    parts[-1] += token.text
                else:
                    parts.append(token.text)
            i += 1
        elif token.kind == "interp":
            assert token.expr is not None
            parts.append(token.expr)
            i += 1
        elif token.kind == "if":
            node, i = _if(tokens, i)
            parts.append(node)
        elif token.kind == "for":
            node_for, i = _for(tokens, i)
            parts.append(node_for)
        else:
            return parts, i
    if closers:
        opening = tokens[start - 1] if start > 0 else None
        raise ConfigError(
            f"'%{{{opening.kind if opening else 'if'}}}' is not closed",
            pos=opening.pos if opening else None,
            hint=f"add '%{{{closers[-1]}}}'",
        )
    return parts, i


def _if(tokens: list[TemplateToken], i: int) -> tuple[ast.TemplateIf, int]:
    intro = tokens[i]
    assert intro.expr is not None
    then_parts, j = _parts(tokens, i + 1, closers=("else", "endif"))
    else_template: ast.Template | None = None
    if tokens[j].kind == "else":
        else_parts, j = _parts(tokens, j + 1, closers=("endif",))
        else_template = ast.Template(tuple(else_parts), tokens[j].pos)
    if tokens[j].kind != "endif":
        raise ConfigError("'%{if}' is not closed", pos=intro.pos, hint="add '%{endif}'")
    return ast.TemplateIf(
        intro.expr, ast.Template(tuple(then_parts), intro.pos), else_template, intro.pos
    ), j + 1


def _for(tokens: list[TemplateToken], i: int) -> tuple[ast.TemplateFor, int]:
    intro = tokens[i]
    assert intro.expr is not None
    body, j = _parts(tokens, i + 1, closers=("endfor",))
    if tokens[j].kind != "endfor":
        raise ConfigError("'%{for}' is not closed", pos=intro.pos, hint="add '%{endfor}'")
    names = intro.names
    key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
    return ast.TemplateFor(
        key_var, value_var, intro.expr, ast.Template(tuple(body), intro.pos), intro.pos
    ), j + 1
