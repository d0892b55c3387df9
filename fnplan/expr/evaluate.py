"""Evaluate expressions, partially when some roots are known only at run time.

A traversal rooted in `runtime_roots` (by default `input` and `step`) stays symbolic: any
expression depending on one evaluates to a Residual {"$expr": source} in which every static
sub-expression has been replaced by its value, so the run-time executor needs only the
run-time roots. List and object constructors stay element-wise.

Sensitive values are `Marked` (fnplan.expr.marks): operators and functions unmark their
operands, compute and mark the result, and errors about marked values never show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.expr import ast
from fnplan.expr.functions import FILE_FUNCTIONS, FUNCTIONS, CallContext
from fnplan.expr.lazy import SPECIAL_FORMS, LazyCalls, StaticError, refuse_file_calls
from fnplan.expr.marks import has_marks, mark_if, redact_error, sensitive_texts, unmark
from fnplan.expr.marks import unmark_deep as _plain
from fnplan.expr.operators import binary, to_bool, to_template_string, unary
from fnplan.expr.values import (
    Marked,
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


class _hiding:
    """Errors raised inside never show the marked parts of `values` (a class, not a
    generator: it runs for every operator and call)."""

    __slots__ = ("values",)

    def __init__(self, *values: Any) -> None:
        self.values = values

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        if isinstance(error, ConfigError):
            redact_error(error, self.values)


class _Evaluator(LazyCalls):
    def __init__(self, scope: Mapping[str, Any], runtime_roots: frozenset[str]) -> None:
        self.scope = scope
        self.runtime_roots = runtime_roots
        base_dir = scope.get("__dir__")
        self.base_dir = base_dir if isinstance(base_dir, str) else None
        # a scope holding run-time roots but no module directory is a run-time evaluation
        self.run_time = self.base_dir is None and not RUNTIME_ROOTS.isdisjoint(scope)

    def eval(self, expr: ast.Expr, local: Locals) -> Any:
        method = getattr(self, "_" + type(expr).__name__)
        return method(expr, local)

    def residual(self, node: ast.Expr, *parts: Any) -> Any:
        """A Residual for `node`, marked when any value written into it (`parts`) is."""
        if not any(has_marks(part) for part in parts):
            return Residual(node)
        secrets: set[str] = set()
        for part in parts:
            secrets |= sensitive_texts(part)
        return Marked(Residual(node, frozenset(secrets)))

    def _Literal(self, expr: ast.Literal, local: Locals) -> Any:
        return expr.value

    def _ListExpr(self, expr: ast.ListExpr, local: Locals) -> Any:
        return [self.eval(item, local) for item in expr.items]

    def _ObjectExpr(self, expr: ast.ObjectExpr, local: Locals) -> Any:
        result: dict[str, Any] = {}
        marked = False
        for key_expr, value_expr in expr.items:
            key = self.eval(key_expr, local)
            if is_pending(key):
                keys = [self.eval(k, local) for k, _ in expr.items]
                refuse_file_calls(*(v for _, v in expr.items))
                items = tuple(
                    (_lit(k, e.pos), v) for k, (e, v) in zip(keys, expr.items, strict=True)
                )
                return self.residual(ast.ObjectExpr(items, expr.pos), *keys)
            key, key_marked = unmark(key)
            marked |= key_marked
            result[_key_text(key, key_expr.pos)] = self.eval(value_expr, local)
        return mark_if(result, marked)

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
        return StaticError(
            f"unknown reference '{expr.root}'",
            pos=expr.pos,
            allowed=known,
            hint=did_you_mean(expr.root, known),
        )

    def _RelativeTraversal(self, expr: ast.RelativeTraversal, local: Locals) -> Any:
        return self._apply_steps(self.eval(expr.source, local), expr.steps, local)

    def _apply_steps(self, value: Any, steps: tuple[ast.Step, ...], local: Locals) -> Any:
        marked = False
        for i, step in enumerate(steps):
            if is_residual(value):
                source = _lit(value, step.pos)
                return mark_if(self._residual_steps(source, steps[i:], local, value), marked)
            value, was_marked = unmark(value)
            marked |= was_marked
            if isinstance(step, ast.GetAttr):
                with _hiding(mark_if(value, True) if marked else None):
                    value = get_attr(value, step.name, step.pos)
                continue
            key = self.eval(step.key, local)
            if is_pending(key):
                source = _lit(value, step.pos)
                return mark_if(self._residual_steps(source, steps[i:], local, value), marked)
            key, key_marked = _plain(key)
            marked |= key_marked
            with _hiding(mark_if(value, True) if marked else None, mark_if(key, key_marked)):
                value = get_index(value, key, step.pos)
        return mark_if(value, marked)

    def _residual_steps(
        self, source: ast.Expr, steps: tuple[ast.Step, ...], local: Locals, *parts: Any
    ) -> Any:
        """A residual for `source` followed by `steps`, with index keys evaluated."""
        resolved: list[ast.Step] = []
        keys: list[Any] = []
        for step in steps:
            if isinstance(step, ast.Index):
                keys.append(self.eval(step.key, local))
                step = ast.Index(_lit(keys[-1], step.pos), step.pos)
            resolved.append(step)
        if isinstance(source, ast.Traversal):
            node: ast.Expr = ast.Traversal(source.root, source.steps + tuple(resolved), source.pos)
        elif not resolved:
            node = source
        else:
            node = ast.RelativeTraversal(source, tuple(resolved), source.pos)
        return self.residual(node, *parts, *keys)

    def _SplatItem(self, expr: ast.SplatItem, local: Locals) -> Any:
        return local["\0splat"]

    def _Splat(self, expr: ast.Splat, local: Locals) -> Any:
        source = self.eval(expr.source, local)
        if is_residual(source):
            node = ast.Splat(_lit(source, expr.pos), expr.each, expr.full, expr.pos)
            return self.residual(node, source)
        source, marked = unmark(source)
        if source is None:
            return mark_if([], marked)
        items = source if isinstance(source, list) else [source]
        each = [self.eval(expr.each, {**local, "\0splat": mark_if(i, marked)}) for i in items]
        return mark_if(each, marked)

    # --- operators ----------------------------------------------------------------------

    def _BinaryOp(self, expr: ast.BinaryOp, local: Locals) -> Any:
        left, right = self.eval(expr.left, local), self.eval(expr.right, local)
        if is_pending(left) or is_pending(right):
            node = ast.BinaryOp(expr.op, _lit(left, expr.pos), _lit(right, expr.pos), expr.pos)
            return self.residual(node, left, right)
        (plain_left, left_marked), (plain_right, right_marked) = _plain(left), _plain(right)
        with _hiding(left, right):
            result = binary(expr.op, plain_left, plain_right, expr.pos)
        return mark_if(result, left_marked or right_marked)

    def _UnaryOp(self, expr: ast.UnaryOp, local: Locals) -> Any:
        operand = self.eval(expr.operand, local)
        if is_pending(operand):
            return self.residual(ast.UnaryOp(expr.op, _lit(operand, expr.pos), expr.pos), operand)
        plain, marked = _plain(operand)
        with _hiding(operand):
            return mark_if(unary(expr.op, plain, expr.pos), marked)

    def _Conditional(self, expr: ast.Conditional, local: Locals) -> Any:
        cond = self.eval(expr.cond, local)
        if is_pending(cond):
            then, else_ = self.eval(expr.then, local), self.eval(expr.else_, local)
            branches = (_lit(cond, expr.pos), _lit(then, expr.pos), _lit(else_, expr.pos))
            return self.residual(ast.Conditional(*branches, pos=expr.pos), cond, then, else_)
        plain, marked = _plain(cond)
        with _hiding(cond):
            chosen = expr.then if to_bool(plain, expr.cond.pos, "condition") else expr.else_
        return mark_if(self.eval(chosen, local), marked)

    def _FunctionCall(self, expr: ast.FunctionCall, local: Locals) -> Any:
        special = self.special_form(expr.name)
        if special is not None:
            return special(expr, local)
        function = FUNCTIONS.get(expr.name)
        if function is None:
            known = FUNCTIONS.keys() | SPECIAL_FORMS
            raise StaticError(
                f"unknown function '{expr.name}'",
                pos=expr.pos,
                allowed=known,
                hint=did_you_mean(expr.name, known),
            )
        args = [self.eval(arg, local) for arg in expr.args]
        if expr.name in FILE_FUNCTIONS:
            self.check_file_call(expr, args)
        if any(is_pending(arg) for arg in args):
            literal_args = tuple(_lit(arg, expr.pos) for arg in args)
            node = ast.FunctionCall(expr.name, literal_args, expr.expand_final, expr.pos)
            return self.residual(node, *args)
        if expr.expand_final and args:
            last, last_marked = unmark(args.pop())
            if not isinstance(last, list):
                raise ConfigError(
                    f"'...' expands a list, not a {type_name(last)}", pos=expr.args[-1].pos
                )
            args.extend(mark_if(item, last_marked) for item in last)
        plain = [_plain(arg) for arg in args]
        with _hiding(*args):
            result = function(
                CallContext(expr.name, expr.pos, self.base_dir), *(p for p, _ in plain)
            )
        return mark_if(result, any(marked for _, marked in plain))

    # --- templates ----------------------------------------------------------------------

    def _Template(self, expr: ast.Template, local: Locals) -> Any:
        only = expr.parts[0] if len(expr.parts) == 1 else None
        if only is not None and not isinstance(only, str | ast.TemplateIf | ast.TemplateFor):
            return self.eval(only, local)  # "${x}" is x itself, keeping its type
        parts, values = self._template_parts(expr.parts, local)
        if any(not isinstance(part, str) for part in parts):
            return self.residual(ast.Template(tuple(parts), expr.pos), *values)
        text = "".join(part for part in parts if isinstance(part, str))
        return mark_if(text, any(has_marks(value) for value in values))

    def _template_parts(
        self, parts: tuple[str | ast.Expr, ...], local: Locals
    ) -> tuple[list[str | ast.Expr], list[Any]]:
        """Evaluated parts (static text merged, run-time parts kept as expressions) and the
        values of the interpolations, whose marks the template inherits."""
        out: list[str | ast.Expr] = []
        values: list[Any] = []
        for part in parts:
            if isinstance(part, str):
                item: str | ast.Expr = part
            else:
                value = self.eval(part, local)
                values.append(value)
                if is_residual(value):
                    item = _lit(value, part.pos)
                    if isinstance(item, ast.Template):  # splice a run-time template into this
                        out.extend(_merge_text(out, item.parts))
                        continue
                else:
                    plain = _plain(value)[0]
                    if isinstance(plain, str) and isinstance(
                        part, ast.TemplateIf | ast.TemplateFor
                    ):
                        item = plain
                    else:
                        item = to_template_string(plain, part.pos)
            if isinstance(item, str) and out and isinstance(out[-1], str):
                out[-1] += item
            else:
                out.append(item)
        return out, values

    def _TemplateIf(self, expr: ast.TemplateIf, local: Locals) -> Any:
        cond = self.eval(expr.cond, local)
        if is_pending(cond):
            then_parts, values = self._template_parts(expr.then.parts, local)
            then = ast.Template(tuple(then_parts), expr.pos)
            else_ = None
            if expr.else_ is not None:
                else_parts, else_values = self._template_parts(expr.else_.parts, local)
                else_ = ast.Template(tuple(else_parts), expr.pos)
                values += else_values
            node = ast.TemplateIf(_lit(cond, expr.pos), then, else_, expr.pos)
            return self.residual(node, cond, *values)
        plain, marked = _plain(cond)
        with _hiding(cond):
            chosen = expr.then if to_bool(plain, expr.cond.pos, "condition") else expr.else_
        if chosen is None:
            return mark_if("", marked)
        return mark_if(self._Template(ast.Template((*chosen.parts, ""), expr.pos), local), marked)

    def _TemplateFor(self, expr: ast.TemplateFor, local: Locals) -> Any:
        collection = self.eval(expr.collection, local)
        if is_pending(collection):
            refuse_file_calls(expr.body)
            return self.residual(
                ast.TemplateFor(*self._for_head(expr, collection), expr.pos), collection
            )
        body = ast.Template((*expr.body.parts, ""), expr.pos)
        texts = []
        plain, marked = unmark(collection)
        for key, value in _iterate(plain, expr.collection.pos):
            inner = self._bind(local, expr.key_var, key, expr.value_var, value, marked)
            text = self._Template(body, inner)
            if is_residual(text):
                refuse_file_calls(expr.body)
                node = ast.TemplateFor(*self._for_head(expr, collection), expr.pos)
                return self.residual(node, collection)
            texts.append(text)
        return mark_if("".join(_plain(text)[0] for text in texts), marked or has_marks(texts))

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
        plain, marked = unmark(collection)
        for key, value in _iterate(plain, expr.collection.pos):
            inner = self._bind(local, expr.key_var, key, expr.value_var, value, marked)
            if expr.cond is not None:
                keep = self.eval(expr.cond, inner)
                if is_pending(keep):
                    return self._residual_for(expr, collection)
                keep, keep_marked = _plain(keep)
                marked |= keep_marked
                with _hiding(mark_if(keep, keep_marked)):
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
            name, name_marked = _plain(name)
            marked |= name_marked
            with _hiding(mark_if(name, name_marked)):
                self._put(out_dict, _key_text(name, expr.key.pos), item, expr)
        return mark_if(out_dict if as_object else out_list, marked)

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

    def _residual_for(self, expr: ast.ForExpr, collection: Any) -> Any:
        refuse_file_calls(expr.value, *(e for e in (expr.key, expr.cond) if e is not None))
        node = ast.ForExpr(
            expr.key_var,
            expr.value_var,
            _lit(collection, expr.pos),
            expr.value,
            expr.key,
            expr.cond,
            expr.group,
            expr.pos,
        )
        return self.residual(node, collection)

    @staticmethod
    def _bind(
        local: Locals, key_var: str | None, key: Any, value_var: str, value: Any, marked: bool
    ) -> Locals:
        """Scope of one iteration; the items of a marked collection are marked."""
        inner = {**local, value_var: mark_if(value, marked)}
        if key_var is not None:
            inner[key_var] = mark_if(key, marked)
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
        if isinstance(value, NamedValues):
            error: type[ConfigError] = StaticError
            what = f"unknown {value.what}"
        else:
            error, what = ConfigError, "no attribute"
        raise error(f"{what} '{name}'", pos=pos, allowed=value, hint=did_you_mean(name, value))
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
