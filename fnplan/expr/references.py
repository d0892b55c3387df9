"""Find the static references an expression makes (for dependency edges and validation)."""

from __future__ import annotations

from dataclasses import dataclass

from fnplan.errors import SourcePos
from fnplan.expr import ast


@dataclass(frozen=True, slots=True)
class Reference:
    """`root` followed by the static part of its path, e.g. step.fetch.output.path ->
    Reference("step", ("fetch", "output", "path"))."""

    root: str
    path: tuple[str | int, ...]
    pos: SourcePos


def references(expr: ast.Expr) -> list[Reference]:
    """Every static reference in `expr`, in source order, excluding for-expression variables."""
    found: list[Reference] = []
    _walk(expr, frozenset(), found)
    return found


def _walk(expr: ast.Expr | str, bound: frozenset[str], found: list[Reference]) -> None:
    if isinstance(expr, str | ast.Literal | ast.SplatItem):
        return
    if isinstance(expr, ast.Traversal):
        if expr.root not in bound:
            found.append(Reference(expr.root, _static_path(expr.steps), expr.pos))
        _walk_steps(expr.steps, bound, found)
    elif isinstance(expr, ast.ForExpr | ast.TemplateFor):
        _walk(expr.collection, bound, found)
        inner = bound | {expr.value_var} | ({expr.key_var} if expr.key_var else set())
        children = (
            (expr.body,) if isinstance(expr, ast.TemplateFor) else (expr.key, expr.value, expr.cond)
        )
        for part in children:
            if part is not None:
                _walk(part, inner, found)
    else:
        for child in _children(expr):
            if child is not None:
                _walk(child, bound, found)


def _walk_steps(steps: tuple[ast.Step, ...], bound: frozenset[str], found: list[Reference]) -> None:
    for step in steps:
        if isinstance(step, ast.Index):
            _walk(step.key, bound, found)


def _static_path(steps: tuple[ast.Step, ...]) -> tuple[str | int, ...]:
    path: list[str | int] = []
    for step in steps:
        if isinstance(step, ast.GetAttr):
            path.append(step.name)
        elif isinstance(step.key, ast.Literal) and isinstance(step.key.value, str | int):
            path.append(step.key.value)
        else:
            break
    return tuple(path)


def _children(expr: ast.Expr) -> tuple[ast.Expr | str | None, ...]:
    if isinstance(expr, ast.Template):
        return expr.parts
    if isinstance(expr, ast.TemplateIf):
        return (expr.cond, expr.then, expr.else_)
    if isinstance(expr, ast.RelativeTraversal):
        keys = tuple(step.key for step in expr.steps if isinstance(step, ast.Index))
        return (expr.source, *keys)
    if isinstance(expr, ast.Splat):
        return (expr.source, expr.each)
    if isinstance(expr, ast.FunctionCall | ast.ListExpr):
        return expr.args if isinstance(expr, ast.FunctionCall) else expr.items
    if isinstance(expr, ast.BinaryOp):
        return (expr.left, expr.right)
    if isinstance(expr, ast.UnaryOp):
        return (expr.operand,)
    if isinstance(expr, ast.Conditional):
        return (expr.cond, expr.then, expr.else_)
    if isinstance(expr, ast.ObjectExpr):
        return tuple(part for item in expr.items for part in item)
    return ()
