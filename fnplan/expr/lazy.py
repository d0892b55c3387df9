"""Calls whose arguments are evaluated lazily or checked before they are evaluated: `try()` and
`can()` (Terraform's semantics), and the file functions, which read files at plan time only."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from fnplan.errors import ConfigError
from fnplan.expr import ast
from fnplan.expr.functions import FILE_FUNCTIONS
from fnplan.expr.marks import has_marks, mark_if
from fnplan.expr.values import is_pending
from fnplan.expr.values import value_to_expr as _lit

Locals = dict[str, Any]
#: functions whose arguments the evaluator does not evaluate first
SPECIAL_FORMS = frozenset({"try", "can"})


class StaticError(ConfigError):
    """A mistake in the configuration itself (an unknown reference, variable or function):
    try() and can() do not catch it, as in Terraform."""


class LazyCalls:
    """The special forms of the evaluator; the evaluator provides `eval`, `residual` and
    `run_time` (whether values of the run-time roots are known, i.e. a run is executing)."""

    run_time: bool

    def eval(self, expr: ast.Expr, local: Locals) -> Any:
        raise NotImplementedError

    def residual(self, node: ast.Expr, *parts: Any) -> Any:
        raise NotImplementedError

    def special_form(self, name: str) -> Callable[[ast.FunctionCall, Locals], Any] | None:
        """The implementation of a call whose arguments must not all be evaluated first."""
        return {"try": self._try, "can": self._can}.get(name)

    def _try(self, expr: ast.FunctionCall, local: Locals) -> Any:
        """The first argument that evaluates without an error; run-time arguments make the
        rest a run-time try() (arguments that failed before it are dropped)."""
        if not expr.args:
            raise ConfigError("try(): needs at least one argument", pos=expr.pos)
        last: ConfigError | None = None
        for i, arg in enumerate(expr.args):
            try:
                value = self.eval(arg, local)
            except StaticError:
                raise
            except ConfigError as error:
                last = error
                continue
            if is_pending(value):
                return self._residual_try(expr, i, value, local)
            return value
        assert last is not None
        raise ConfigError(
            "try(): no argument could be evaluated without an error",
            pos=expr.pos,
            notes=[f"last error: {last.message}"],
        )

    def _residual_try(self, expr: ast.FunctionCall, start: int, first: Any, local: Locals) -> Any:
        values = [first]
        for arg in expr.args[start + 1 :]:
            try:
                values.append(self.eval(arg, local))
            except StaticError:
                raise
            except ConfigError:
                continue  # it fails at run time too: drop it
        args = tuple(_lit(value, expr.pos) for value in values)
        return self.residual(ast.FunctionCall("try", args, False, expr.pos), *values)

    def _can(self, expr: ast.FunctionCall, local: Locals) -> Any:
        """Whether the one argument evaluates without an error."""
        if len(expr.args) != 1:
            raise ConfigError(
                f"can(): wrong number of arguments ({len(expr.args)})",
                pos=expr.pos,
                hint="usage: can(expression)",
            )
        try:
            value = self.eval(expr.args[0], local)
        except StaticError:
            raise
        except ConfigError:
            return False
        if is_pending(value):
            node = ast.FunctionCall("can", (_lit(value, expr.pos),), False, expr.pos)
            return self.residual(node, value)
        return mark_if(True, has_marks(value))

    def check_file_call(self, expr: ast.FunctionCall, args: list[Any]) -> None:
        """File functions read the configuration's files while planning, never a path that a
        run's input or a step chooses (that would read any file on the machine at run time)."""
        if self.run_time:
            raise _file_error(expr, expr)
        for arg_expr, value in zip(expr.args, args, strict=False):
            if is_pending(value):
                raise _file_error(expr, arg_expr)


def refuse_file_calls(*exprs: ast.Expr | None) -> None:
    """Refuse file function calls inside expressions kept for run time (a for-expression's body
    over a run-time collection)."""
    for expr in exprs:
        for call in _calls(expr):
            if call.name in FILE_FUNCTIONS:
                raise _file_error(call, call)


def _calls(node: Any) -> list[ast.FunctionCall]:
    """Every function call in an expression tree."""
    found: list[ast.FunctionCall] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            if isinstance(item, ast.FunctionCall):
                found.append(item)
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
    return found


def _file_error(call: ast.FunctionCall, at: ast.Expr) -> ConfigError:
    return ConfigError(
        f"{call.name}() reads files at plan time only: its path cannot depend on run-time "
        "values (input.*, step.*)",
        pos=at.pos,
        hint="pass the file's content in the run's input, or name a file of the configuration",
    )
