"""Print an expression AST as canonical HCL source that parses back to the same AST."""

from __future__ import annotations

import json
import re

from fnplan.expr import ast

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_KEYWORDS = frozenset({"null", "true", "false", "for", "in", "if", "endif", "endfor", "else"})
_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_UNARY, _POSTFIX = 7, 8
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def to_source(expr: ast.Expr) -> str:
    """Canonical HCL source of an expression (round-trips through parse_expression)."""
    return _Printer().expr(expr)


def quote_string(text: str) -> str:
    """An HCL quoted string literal for `text`, escaping quotes, controls and `${` / `%{`."""
    return '"' + _escape_text(text) + '"'


def _escape_text(text: str) -> str:
    out = []
    for ch in text:
        if ch in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out).replace("${", "$${").replace("%{", "%%{")


def _precedence(expr: ast.Expr) -> int:
    if isinstance(expr, ast.Conditional):
        return 0
    if isinstance(expr, ast.BinaryOp):
        return _PRECEDENCE[expr.op]
    if isinstance(expr, ast.UnaryOp):
        return _UNARY
    if isinstance(expr, ast.Literal) and isinstance(expr.value, int | float) and expr.value < 0:
        return _UNARY
    return _POSTFIX


class _Printer:
    def expr(self, expr: ast.Expr) -> str:
        method = getattr(self, "_" + type(expr).__name__)
        result: str = method(expr)
        return result

    def _wrap(self, expr: ast.Expr, minimum: int) -> str:
        text = self.expr(expr)
        return f"({text})" if _precedence(expr) < minimum else text

    def _Literal(self, expr: ast.Literal) -> str:
        value = expr.value
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return quote_string(value)
        return json.dumps(value) if isinstance(value, float) else str(value)

    def _Template(self, expr: ast.Template) -> str:
        return '"' + self._parts(expr.parts) + '"'

    def _parts(self, parts: tuple[str | ast.Expr, ...]) -> str:
        out = []
        for i, part in enumerate(parts):
            if isinstance(part, str):
                text = _escape_text(part)
                if i + 1 < len(parts) and text.endswith(("$", "%")):
                    # "a$" before "${x}" would read as the escape "$${"; interpolate the sign
                    text = text[:-1] + '${"' + text[-1] + '"}'
                out.append(text)
            elif isinstance(part, ast.TemplateIf | ast.TemplateFor):
                out.append(self.expr(part))
            else:
                out.append("${" + self.expr(part) + "}")
        return "".join(out)

    def _TemplateIf(self, expr: ast.TemplateIf) -> str:
        text = "%{ if " + self.expr(expr.cond) + " }" + self._parts(expr.then.parts)
        if expr.else_ is not None:
            text += "%{ else }" + self._parts(expr.else_.parts)
        return text + "%{ endif }"

    def _TemplateFor(self, expr: ast.TemplateFor) -> str:
        names = f"{expr.key_var}, {expr.value_var}" if expr.key_var else expr.value_var
        head = "%{ for " + names + " in " + self.expr(expr.collection) + " }"
        return head + self._parts(expr.body.parts) + "%{ endfor }"

    def _steps(self, steps: tuple[ast.Step, ...]) -> str:
        out = []
        for step in steps:
            if isinstance(step, ast.GetAttr):
                named = _IDENT.match(step.name) and step.name not in _KEYWORDS
                out.append(f".{step.name}" if named else f"[{quote_string(step.name)}]")
            else:
                out.append(f"[{self.expr(step.key)}]")
        return "".join(out)

    def _Traversal(self, expr: ast.Traversal) -> str:
        return expr.root + self._steps(expr.steps)

    def _RelativeTraversal(self, expr: ast.RelativeTraversal) -> str:
        return self._postfix_source(expr.source) + self._steps(expr.steps)

    def _postfix_source(self, source: ast.Expr) -> str:
        text = self.expr(source)
        bare = isinstance(
            source, ast.Traversal | ast.FunctionCall | ast.ListExpr | ast.ObjectExpr | ast.Splat
        )
        return text if bare else f"({text})"

    def _SplatItem(self, expr: ast.SplatItem) -> str:
        return ""

    def _Splat(self, expr: ast.Splat) -> str:
        each = expr.each
        steps = each.steps if isinstance(each, ast.RelativeTraversal) else ()
        marker = "[*]" if expr.full else ".*"
        return self._postfix_source(expr.source) + marker + self._steps(steps)

    def _FunctionCall(self, expr: ast.FunctionCall) -> str:
        args = ", ".join(self.expr(arg) for arg in expr.args)
        return f"{expr.name}({args}{'...' if expr.expand_final else ''})"

    def _BinaryOp(self, expr: ast.BinaryOp) -> str:
        prec = _PRECEDENCE[expr.op]
        return f"{self._wrap(expr.left, prec)} {expr.op} {self._wrap(expr.right, prec + 1)}"

    def _UnaryOp(self, expr: ast.UnaryOp) -> str:
        return expr.op + self._wrap(expr.operand, _POSTFIX)

    def _Conditional(self, expr: ast.Conditional) -> str:
        cond = self._wrap(expr.cond, 1)
        return f"{cond} ? {self._wrap(expr.then, 1)} : {self._wrap(expr.else_, 1)}"

    def _ListExpr(self, expr: ast.ListExpr) -> str:
        return "[" + ", ".join(self.expr(item) for item in expr.items) + "]"

    def _ObjectExpr(self, expr: ast.ObjectExpr) -> str:
        if not expr.items:
            return "{}"
        items = ", ".join(f"{self._key(k)} = {self.expr(v)}" for k, v in expr.items)
        return "{ " + items + " }"

    def _key(self, key: ast.Expr) -> str:
        if isinstance(key, ast.Literal) and isinstance(key.value, str):
            named = _IDENT.match(key.value) and key.value not in _KEYWORDS
            return key.value if named else quote_string(key.value)
        if isinstance(key, ast.Template):
            return self.expr(key)
        return f"({self.expr(key)})"

    def _ForExpr(self, expr: ast.ForExpr) -> str:
        names = f"{expr.key_var}, {expr.value_var}" if expr.key_var else expr.value_var
        head = f"for {names} in {self.expr(expr.collection)} : "
        cond = f" if {self.expr(expr.cond)}" if expr.cond is not None else ""
        if expr.key is None:
            return f"[{head}{self.expr(expr.value)}{cond}]"
        group = "..." if expr.group else ""
        return f"{{{head}{self.expr(expr.key)} => {self.expr(expr.value)}{group}{cond}}}"
