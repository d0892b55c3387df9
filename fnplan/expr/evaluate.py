"""Evaluate expressions, partially when some roots are known only at run time.

A traversal rooted in `runtime_roots` (by default `input` and `step`) stays symbolic: any
expression depending on one evaluates to a Residual {"$expr": source} in which every static
sub-expression has been replaced by its value, so the run-time executor needs only the
run-time roots. List and object constructors stay element-wise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.expr import ast
from fnplan.expr.functions import FUNCTIONS, CallContext
from fnplan.expr.operators import binary, to_bool, to_template_string, unary
from fnplan.expr.values import (
    NamedValues,
    Residual,
    Traversable,
    is_pending,
    is_residual,
    type_name,
)
from fnplan.expr.values import value_to_expr as _lit

RUNTIME_ROOTS = frozenset({"input", "step"})
_HIDDEN = frozenset({"__dir__"})


def evaluate(
    expr: ast.Expr, scope: Mapping[str, Any], *, runtime_roots: frozenset[str] = RUNTIME_ROOTS
) -> Any:
    """The value of `expr` in `scope` (root name -> value); see the module docstring."""
    return _Evaluator(scope, runtime_roots).eval(expr, {})


Locals = dict[str, Any]


class _Evaluator:
    def __init__(self, scope: Mapping[str, Any], runtime_roots: frozenset[str]) -> None:
        self.scope = scope
        self.runtime_roots = runtime_roots
        base_dir = scope.get("__dir__")
        self.base_dir = base_dir if isinstance(base_dir, str) else None

    def eval(self, expr: ast.Expr, local: Locals) -> Any:
        method = getattr(self, "_" + type(expr).__name__)
        return method(expr, local)

    def _Literal(self, expr: ast.Literal, local: Locals) -> Any:
        return expr.value

    def _ListExpr(self, expr: ast.ListExpr, local: Locals) -> Any:
        return [self.eval(item, local) for item in expr.items]

    def _ObjectExpr(self, expr: ast.ObjectExpr, local: Locals) -> Any:
        result: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = self.eval(key_expr, local)
            if is_pending(key):
                items = tuple((_lit(self.eval(k, local), k.pos), v) for k, v in expr.items)
                return Residual(ast.ObjectExpr(items, expr.pos))
            result[_key_text(key, key_expr.pos)] = self.eval(value_expr, local)
        return result

    # --- references -------------------------------------------------------------------

    def _Traversal(self, expr: ast.Traversal, local: Locals) -> Any:
        root = expr.root
        if root in local:
            value = local[root]
        elif root in self.runtime_roots:
            return self._residual_steps(ast.Traversal(root, (), expr.pos), expr.steps, local)
        elif root in self.scope and root not in _HIDDEN:
            value = self.scope[root]
        else:
            raise self._unknown_root(expr, local)
        return self._apply_steps(value, expr.steps, local)

    def _unknown_root(self, expr: ast.Traversal, local: Locals) -> ConfigError:
        known = (set(self.scope) | set(self.runtime_roots) | set(local)) - _HIDDEN
        return ConfigError(
            f"unknown reference '{expr.root}'",
            pos=expr.pos,
            allowed=known,
            hint=did_you_mean(expr.root, known),
        )

    def _RelativeTraversal(self, expr: ast.RelativeTraversal, local: Locals) -> Any:
        return self._apply_steps(self.eval(expr.source, local), expr.steps, local)

    def _apply_steps(self, value: Any, steps: tuple[ast.Step, ...], local: Locals) -> Any:
        for i, step in enumerate(steps):
            if is_residual(value):
                return self._residual_steps(_lit(value, step.pos), steps[i:], local)
            if isinstance(step, ast.GetAttr):
                value = get_attr(value, step.name, step.pos)
                continue
            key = self.eval(step.key, local)
            if is_pending(key):
                return self._residual_steps(_lit(value, step.pos), steps[i:], local)
            value = get_index(value, key, step.pos)
        return value

    def _residual_steps(self, source: ast.Expr, steps: tuple[ast.Step, ...], local: Locals) -> Any:
        """A residual for `source` followed by `steps`, with index keys evaluated."""
        resolved: list[ast.Step] = []
        for step in steps:
            if isinstance(step, ast.Index):
                step = ast.Index(_lit(self.eval(step.key, local), step.pos), step.pos)
            resolved.append(step)
        if isinstance(source, ast.Traversal):
            return Residual(ast.Traversal(source.root, source.steps + tuple(resolved), source.pos))
        if not resolved:
            return Residual(source)
        return Residual(ast.RelativeTraversal(source, tuple(resolved), source.pos))

    def _SplatItem(self, expr: ast.SplatItem, local: Locals) -> Any:
        return local["\0splat"]

    def _Splat(self, expr: ast.Splat, local: Locals) -> Any:
        source = self.eval(expr.source, local)
        if is_residual(source):
            return Residual(ast.Splat(_lit(source, expr.pos), expr.each, expr.full, expr.pos))
        if source is None:
            return []
        items = source if isinstance(source, list) else [source]
        return [self.eval(expr.each, {**local, "\0splat": item}) for item in items]

    # --- operators ----------------------------------------------------------------------

    def _BinaryOp(self, expr: ast.BinaryOp, local: Locals) -> Any:
        left, right = self.eval(expr.left, local), self.eval(expr.right, local)
        if is_pending(left) or is_pending(right):
            return Residual(
                ast.BinaryOp(expr.op, _lit(left, expr.pos), _lit(right, expr.pos), expr.pos)
            )
        return binary(expr.op, left, right, expr.pos)

    def _UnaryOp(self, expr: ast.UnaryOp, local: Locals) -> Any:
        operand = self.eval(expr.operand, local)
        if is_pending(operand):
            return Residual(ast.UnaryOp(expr.op, _lit(operand, expr.pos), expr.pos))
        return unary(expr.op, operand, expr.pos)

    def _Conditional(self, expr: ast.Conditional, local: Locals) -> Any:
        cond = self.eval(expr.cond, local)
        if is_pending(cond):
            then, else_ = self.eval(expr.then, local), self.eval(expr.else_, local)
            branches = (_lit(cond, expr.pos), _lit(then, expr.pos), _lit(else_, expr.pos))
            return Residual(ast.Conditional(*branches, pos=expr.pos))
        chosen = expr.then if to_bool(cond, expr.cond.pos, "condition") else expr.else_
        return self.eval(chosen, local)

    def _FunctionCall(self, expr: ast.FunctionCall, local: Locals) -> Any:
        function = FUNCTIONS.get(expr.name)
        if function is None:
            raise ConfigError(
                f"unknown function '{expr.name}'",
                pos=expr.pos,
                allowed=FUNCTIONS,
                hint=did_you_mean(expr.name, FUNCTIONS),
            )
        args = [self.eval(arg, local) for arg in expr.args]
        if any(is_pending(arg) for arg in args):
            literal_args = tuple(_lit(arg, expr.pos) for arg in args)
            return Residual(ast.FunctionCall(expr.name, literal_args, expr.expand_final, expr.pos))
        if expr.expand_final and args:
            last = args.pop()
            if not isinstance(last, list):
                raise ConfigError(
                    f"'...' expands a list, not a {type_name(last)}", pos=expr.args[-1].pos
                )
            args.extend(last)
        return function(CallContext(expr.name, expr.pos, self.base_dir), *args)

    # --- templates ----------------------------------------------------------------------

    def _Template(self, expr: ast.Template, local: Locals) -> Any:
        only = expr.parts[0] if len(expr.parts) == 1 else None
        if only is not None and not isinstance(only, str | ast.TemplateIf | ast.TemplateFor):
            return self.eval(only, local)  # "${x}" is x itself, keeping its type
        parts = self._template_parts(expr.parts, local)
        if any(not isinstance(part, str) for part in parts):
            return Residual(ast.Template(tuple(parts), expr.pos))
        return "".join(part for part in parts if isinstance(part, str))

    def _template_parts(
        self, parts: tuple[str | ast.Expr, ...], local: Locals
    ) -> list[str | ast.Expr]:
        """Evaluated parts: static text merged, run-time parts kept as expressions."""
        out: list[str | ast.Expr] = []
        for part in parts:
            value: Any = part if isinstance(part, str) else self.eval(part, local)
            if is_residual(value):
                assert not isinstance(part, str)
                item: str | ast.Expr = _lit(value, part.pos)
                if isinstance(item, ast.Template):  # splice a run-time template into this one
                    out.extend(_merge_text(out, item.parts))
                    continue
            elif isinstance(value, str) and isinstance(part, ast.TemplateIf | ast.TemplateFor):
                item = value
            else:
                item = value if isinstance(part, str) else to_template_string(value, part.pos)
            if isinstance(item, str) and out and isinstance(out[-1], str):
                out[-1] += item
            else:
                out.append(item)
        return out

    def _TemplateIf(self, expr: ast.TemplateIf, local: Locals) -> Any:
        cond = self.eval(expr.cond, local)
        if is_pending(cond):
            then = ast.Template(tuple(self._template_parts(expr.then.parts, local)), expr.pos)
            else_ = None
            if expr.else_ is not None:
                parts = self._template_parts(expr.else_.parts, local)
                else_ = ast.Template(tuple(parts), expr.pos)
            return Residual(ast.TemplateIf(_lit(cond, expr.pos), then, else_, expr.pos))
        if to_bool(cond, expr.cond.pos, "condition"):
            return self._Template(ast.Template((*expr.then.parts, ""), expr.pos), local)
        if expr.else_ is None:
            return ""
        return self._Template(ast.Template((*expr.else_.parts, ""), expr.pos), local)

    def _TemplateFor(self, expr: ast.TemplateFor, local: Locals) -> Any:
        collection = self.eval(expr.collection, local)
        if is_pending(collection):
            return Residual(
                ast.TemplateFor(
                    expr.key_var, expr.value_var, _lit(collection, expr.pos), expr.body, expr.pos
                )
            )
        body = ast.Template((*expr.body.parts, ""), expr.pos)
        texts = []
        for key, value in _iterate(collection, expr.collection.pos):
            inner = self._bind(local, expr.key_var, key, expr.value_var, value)
            text = self._Template(body, inner)
            if is_residual(text):
                return Residual(ast.TemplateFor(*self._for_head(expr, collection), expr.pos))
            texts.append(text)
        return "".join(texts)

    @staticmethod
    def _for_head(
        expr: ast.TemplateFor, collection: Any
    ) -> tuple[str | None, str, ast.Expr, ast.Template]:
        return expr.key_var, expr.value_var, _lit(collection, expr.pos), expr.body

    # --- for expressions ----------------------------------------------------------------

    def _ForExpr(self, expr: ast.ForExpr, local: Locals) -> Any:
        collection = self.eval(expr.collection, local)
        if is_pending(collection):
            return self._residual_for(expr, collection)
        as_object = expr.key is not None
        out_list: list[Any] = []
        out_dict: dict[str, Any] = {}
        for key, value in _iterate(collection, expr.collection.pos):
            inner = self._bind(local, expr.key_var, key, expr.value_var, value)
            if expr.cond is not None:
                keep = self.eval(expr.cond, inner)
                if is_pending(keep):
                    return self._residual_for(expr, collection)
                if not to_bool(keep, expr.cond.pos, "for condition"):
                    continue
            item = self.eval(expr.value, inner)
            if not as_object:
                out_list.append(item)
                continue
            assert expr.key is not None
            name = self.eval(expr.key, inner)
            if is_pending(name):
                return self._residual_for(expr, collection)
            self._put(out_dict, _key_text(name, expr.key.pos), item, expr)
        return out_dict if as_object else out_list

    @staticmethod
    def _put(out: dict[str, Any], key: str, item: Any, expr: ast.ForExpr) -> None:
        if expr.group:
            out.setdefault(key, []).append(item)
        elif key in out:
            raise ConfigError(
                f"duplicate key '{key}' in for expression",
                pos=expr.pos,
                hint="use '...' after the value to group items by key",
            )
        else:
            out[key] = item

    def _residual_for(self, expr: ast.ForExpr, collection: Any) -> Residual:
        return Residual(
            ast.ForExpr(
                expr.key_var,
                expr.value_var,
                _lit(collection, expr.pos),
                expr.value,
                expr.key,
                expr.cond,
                expr.group,
                expr.pos,
            )
        )

    @staticmethod
    def _bind(local: Locals, key_var: str | None, key: Any, value_var: str, value: Any) -> Locals:
        inner = {**local, value_var: value}
        if key_var is not None:
            inner[key_var] = key
        return inner


def _merge_text(
    out: list[str | ast.Expr], parts: tuple[str | ast.Expr, ...]
) -> list[str | ast.Expr]:
    """`parts` to append to `out`, merging leading text into out's trailing text."""
    rest = list(parts)
    first, last = (rest[0] if rest else None), (out[-1] if out else None)
    if isinstance(first, str) and isinstance(last, str):
        out[-1] = last + first
        rest.pop(0)
    return rest


def _iterate(collection: Any, pos: SourcePos) -> list[tuple[Any, Any]]:
    """(key, value) pairs: list index / element, or object key / value in key order."""
    if isinstance(collection, list | tuple):
        return list(enumerate(collection))
    if isinstance(collection, dict):
        return sorted(collection.items())
    raise ConfigError(f"cannot iterate over a {type_name(collection)}", pos=pos)


def get_attr(value: Any, name: str, pos: SourcePos) -> Any:
    """`value.name` for dicts and Traversables, with a clear error otherwise."""
    if isinstance(value, dict):
        if name in value:
            return value[name]
        what = f"unknown {value.what}" if isinstance(value, NamedValues) else "no attribute"
        raise ConfigError(
            f"{what} '{name}'", pos=pos, allowed=value, hint=did_you_mean(name, value)
        )
    if isinstance(value, Traversable):
        return value.get_attr(name, pos)
    raise ConfigError(f"cannot read attribute '{name}' of a {type_name(value)}", pos=pos)


def get_index(value: Any, key: Any, pos: SourcePos) -> Any:
    """`value[key]` for lists, dicts and Traversables."""
    if isinstance(value, list | tuple):
        if isinstance(key, bool) or not isinstance(key, int | float) or key != int(key):
            raise ConfigError(f"a list index must be a whole number, not {key!r}", pos=pos)
        if not 0 <= key < len(value):
            raise ConfigError(
                f"index {int(key)} is out of range for a list of {len(value)} items", pos=pos
            )
        return value[int(key)]
    if isinstance(value, dict):
        return get_attr(value, _key_text(key, pos), pos)
    if isinstance(value, Traversable):
        return value.get_index(key, pos)
    raise ConfigError(f"cannot index a {type_name(value)}", pos=pos)


def _key_text(key: Any, pos: SourcePos) -> str:
    """An object key or index as a string: numbers are written as in templates (1 -> "1")."""
    if isinstance(key, str):
        return key
    if isinstance(key, int | float) and not isinstance(key, bool):
        return to_template_string(key, pos)
    raise ConfigError(f"an object key must be a string, not a {type_name(key)}", pos=pos)
