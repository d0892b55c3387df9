"""Convert tree-sitter-hcl expression nodes into the fnplan.expr AST.

The grammar keeps operands inline (`binary_operation` children are `x . a + ( b )`), so
expressions are built from child sequences; template text is taken from the source between
interpolations because the grammar drops whitespace from `template_literal` nodes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import ast
from fnplan.expr.templates import TemplateToken, build_template
from fnplan.expr.treesitter import SourceMap
from fnplan.expr.values import is_finite

if TYPE_CHECKING:
    from tree_sitter import Node

_Span = tuple[int, tuple[int, int], int]
_BINARY_OPS = frozenset({"*", "/", "%", "+", "-", "==", "!=", "<", "<=", ">", ">=", "&&", "||"})
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_PASSTHROUGH = frozenset({"expression", "literal_value", "collection_value", "operation"})
_PASSTHROUGH |= frozenset({"template_expr", "for_expr", "template_directive"})
_LEAVES = frozenset({"numeric_lit", "bool_lit", "null_lit", "string_lit", "variable_expr"})
#: how deeply brackets, calls, operators and interpolations may nest in one expression: far
#: beyond hand-written configuration, well within what every later stage can recurse through
MAX_DEPTH = 64


class Converter:
    """Builds AST nodes from CST nodes of one parsed source."""

    def __init__(self, smap: SourceMap) -> None:
        self.smap = smap
        self.source = smap.source
        self.depth = 0  # levels of nesting around the node being converted

    def expr(self, node: Node) -> ast.Expr:
        """The AST of one expression-valued CST node."""
        kind = node.type
        if kind in _PASSTHROUGH:
            return self.seq(_kids(node))
        method = _DISPATCH.get(kind)
        if method is None:
            raise ConfigError(f"unsupported syntax {kind!r}", pos=self.smap.pos(node))
        if kind in _LEAVES:
            leaf: ast.Expr = method(self, node)
            return leaf
        self._enter(node)
        result: ast.Expr = method(self, node)
        self.depth -= 1  # not restored on errors: they abandon the whole conversion
        return result

    def seq(self, children: list[Node]) -> ast.Expr:
        """An expression written as a run of sibling nodes: a primary, then postfix steps."""
        if len(children) == 1:
            return self.expr(children[0])
        self._enter(children[0])
        if any(child.type == "?" for child in children):
            result = self._conditional_parts(children)
        elif self._binary_split(children) is not None:
            result = self._binary_parts(children)
        elif children[0].type in ("-", "!"):
            result = self._unary_parts(children)
        else:
            result = self._postfix(children)
        self.depth -= 1
        return result

    def _enter(self, node: Node) -> None:
        """One level deeper; beyond MAX_DEPTH is an error, not a RecursionError later on."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConfigError(
                f"expression nested too deeply: more than {MAX_DEPTH} levels",
                pos=self.smap.pos(node),
                hint="compute parts of it in locals",
            )

    @staticmethod
    def _binary_split(children: list[Node]) -> int | None:
        """Index of the top-level binary operator among `children`, if any."""
        depth, previous_is_operand = 0, False
        for i, child in enumerate(children):
            kind = child.type
            if kind == "(":
                depth += 1
            elif kind == ")":
                depth -= 1
            elif depth == 0 and not child.is_named and kind in _BINARY_OPS:
                if previous_is_operand:
                    return i
                previous_is_operand = False
                continue
            previous_is_operand = True
        return None

    def _postfix(self, children: list[Node]) -> ast.Expr:
        first = children[0]
        if first.type == "(":
            close = self._matching_paren(children)
            primary = self.seq(children[1:close])
            rest = children[close + 1 :]
        else:
            primary, rest = self.expr(first), children[1:]
        steps: list[ast.Step] = []
        for child in rest:
            if child.type == "splat":
                source = _attach(primary, tuple(steps), self.smap.pos(first))
                primary, steps = self._splat(source, _kids(child)[0]), []
            else:
                steps.append(self._step(child))
        return _attach(primary, tuple(steps), self.smap.pos(first))

    @staticmethod
    def _matching_paren(children: list[Node]) -> int:
        depth = 0
        for i, child in enumerate(children):
            depth += (child.type == "(") - (child.type == ")")
            if depth == 0:
                return i
        return len(children) - 1

    def _step(self, node: Node) -> ast.Step:
        pos = self.smap.pos(node)
        if node.type == "get_attr":
            return ast.GetAttr(self._text(_kids(node)[1]), pos)
        inner = _kids(node)[0]
        if inner.type == "legacy_index":
            digits = self.source[inner.start_byte + 1 : inner.end_byte].decode().strip()
            return ast.Index(ast.Literal(int(digits), pos), pos)
        return ast.Index(self.expr(_kids(inner)[1]), pos)

    def _splat(self, source: ast.Expr, node: Node) -> ast.Splat:
        pos = self.smap.pos(node)
        steps = tuple(self._step(child) for child in _kids(node)[1:])
        item = ast.SplatItem(pos)
        each: ast.Expr = ast.RelativeTraversal(item, steps, pos) if steps else item
        return ast.Splat(source, each, node.type == "full_splat", pos)

    def _unary_parts(self, children: list[Node]) -> ast.Expr:
        operand = self.seq(children[1:])
        pos = self.smap.pos(children[0])
        if children[0].type == "-" and _is_number(operand) and children[1].type != "(":
            assert isinstance(operand, ast.Literal) and isinstance(operand.value, int | float)
            return ast.Literal(-operand.value, pos)
        return ast.UnaryOp(children[0].type, operand, pos)

    def _binary_parts(self, children: list[Node]) -> ast.Expr:
        i = self._binary_split(children)
        if i is None:
            return self.seq(children)
        left, right = self.seq(children[:i]), self.seq(children[i + 1 :])
        return ast.BinaryOp(children[i].type, left, right, self.smap.pos(children[0]))

    def _conditional_parts(self, children: list[Node]) -> ast.Expr:
        marks = [i for i, child in enumerate(children) if child.type in ("?", ":")]
        q, c = marks[0], marks[-1]
        return ast.Conditional(
            self.seq(children[:q]),
            self.seq(children[q + 1 : c]),
            self.seq(children[c + 1 :]),
            self.smap.pos(children[0]),
        )

    def _conditional(self, node: Node) -> ast.Expr:
        return self._conditional_parts(_kids(node))

    def _unary_operation(self, node: Node) -> ast.Expr:
        return self._unary_parts(_kids(node))

    def _binary_operation(self, node: Node) -> ast.Expr:
        return self._binary_parts(_kids(node))

    def _variable_expr(self, node: Node) -> ast.Expr:
        return ast.Traversal(self._text(node), (), self.smap.pos(node))

    def _numeric_lit(self, node: Node) -> ast.Expr:
        text = self._text(node)
        value = parse_number(text)
        if not is_finite(value):
            raise ConfigError(f"the number {text} is too large", pos=self.smap.pos(node))
        return ast.Literal(value, self.smap.pos(node))

    def _bool_lit(self, node: Node) -> ast.Expr:
        return ast.Literal(self._text(node) == "true", self.smap.pos(node))

    def _null_lit(self, node: Node) -> ast.Expr:
        return ast.Literal(None, self.smap.pos(node))

    def _string_lit(self, node: Node) -> ast.Expr:
        children = node.children
        raw = self.source[children[0].end_byte : children[-1].start_byte]
        return ast.Literal(self.unescape(raw, self.smap.pos(node)), self.smap.pos(node))

    def _function_call(self, node: Node) -> ast.Expr:
        children = node.children
        args: list[ast.Expr] = []
        expand = False
        for child in children:
            if child.type == "function_arguments":
                for arg in child.children:
                    if arg.type == "ellipsis":
                        expand = True
                    elif arg.is_named and arg.type != "comment":
                        args.append(self.expr(arg))
        return ast.FunctionCall(self._text(children[0]), tuple(args), expand, self.smap.pos(node))

    def _tuple(self, node: Node) -> ast.Expr:
        items = tuple(self.expr(c) for c in node.children if c.type == "expression")
        return ast.ListExpr(items, self.smap.pos(node))

    def _object(self, node: Node) -> ast.Expr:
        items = []
        seen: dict[str, SourcePos] = {}
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            key_node, value_node = elem.child_by_field_name("key"), elem.child_by_field_name("val")
            assert key_node is not None and value_node is not None
            key = self._object_key(key_node)
            _check_unique(key, seen)
            items.append((key, self.expr(value_node)))
        return ast.ObjectExpr(tuple(items), self.smap.pos(node))

    def _object_key(self, node: Node) -> ast.Expr:
        children = _kids(node)
        if len(children) == 1 and children[0].type == "variable_expr":
            return ast.Literal(self._text(children[0]), self.smap.pos(node))
        return self.expr(node)

    def _for_tuple_expr(self, node: Node) -> ast.Expr:
        return self._for(node, is_object=False)

    def _for_object_expr(self, node: Node) -> ast.Expr:
        return self._for(node, is_object=True)

    def _for(self, node: Node, *, is_object: bool) -> ast.Expr:
        intro, *rest = _kids(node)[1:-1]
        names = [self._text(c) for c in intro.children if c.type == "identifier"]
        collection = self.expr(next(c for c in intro.children if c.type == "expression"))
        exprs = [self.expr(c) for c in rest if c.type == "expression"]
        cond_node = next((c for c in rest if c.type == "for_cond"), None)
        cond = self.expr(_kids(cond_node)[1]) if cond_node is not None else None
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return ast.ForExpr(
            key_var,
            value_var,
            collection,
            value=exprs[-1],
            key=exprs[0] if is_object else None,
            cond=cond,
            group=any(c.type == "ellipsis" for c in rest),
            pos=self.smap.pos(node),
        )

    def _quoted_template(self, node: Node) -> ast.Expr:
        children = node.children
        start = children[0]
        span = (start.end_byte, start.end_point, children[-1].start_byte)
        tokens = self._template_tokens(children[1:-1], span, quoted=True, indent=0)
        return build_template(tokens, self.smap.pos(node))

    def _heredoc_template(self, node: Node) -> ast.Expr:
        children = node.children
        opening, closing = children[1], children[-1]
        lo = self.source.index(b"\n", opening.end_byte) + 1
        hi = closing.start_byte - closing.start_point[1]
        indent = (
            self._heredoc_indent(lo, hi)
            if children[0].type == "heredoc_start" and (self._text(children[0]) == "<<-")
            else 0
        )
        span = (lo, (opening.end_point[0] + 1, 0), hi)
        tokens = self._template_tokens(children[2:-1], span, quoted=False, indent=indent)
        return build_template(tokens, self.smap.pos(node))

    def _heredoc_indent(self, lo: int, hi: int) -> int:
        lines = [line for line in self.source[lo:hi].split(b"\n") if line.strip()]
        return min((len(line) - len(line.lstrip(b" \t")) for line in lines), default=0)

    def _template_tokens(
        self, nodes: list[Node], span: _Span, *, quoted: bool, indent: int
    ) -> list[TemplateToken]:
        """Flatten a template's parts into text / interpolation / directive-tag tokens.

        `span` is (start byte, start point, end byte) of the template's content.
        """
        tokens: list[TemplateToken] = []
        cursor, point, hi = span
        for node in nodes:
            kind = node.type
            if kind == "template_literal" or kind == "comment":
                continue
            self._add_text(tokens, cursor, point, node.start_byte, quoted, indent)
            if kind == "template_interpolation":
                tokens.append(self._interpolation(node))
            elif kind == "template_directive":
                inner_span = (node.start_byte, node.start_point, node.end_byte)
                inner = node.children[0].children
                tokens.extend(
                    self._template_tokens(inner, inner_span, quoted=quoted, indent=indent)
                )
            else:
                tokens.append(self._directive_tag(node))
            cursor, point = node.end_byte, node.end_point
        self._add_text(tokens, cursor, point, hi, quoted, indent)
        return tokens

    def _add_text(
        self,
        tokens: list[TemplateToken],
        start: int,
        point: tuple[int, int],
        end: int,
        quoted: bool,
        indent: int,
    ) -> None:
        if start >= end:
            return
        raw = self.source[start:end]
        pos = self.smap.point(point[0], point[1], start)
        if quoted:
            text = self.unescape(raw, pos)
        else:
            if indent:
                raw = _dedent(raw, indent, at_line_start=self.source[start - 1] == 10)
            text = raw.decode("utf-8", "replace").replace("$${", "${").replace("%%{", "%{")
        tokens.append(TemplateToken("text", pos, text=text))

    def _interpolation(self, node: Node) -> TemplateToken:
        children = _kids(node)
        expr_node = next(c for c in children if c.type == "expression")
        return TemplateToken(
            "interp",
            self.smap.pos(node),
            expr=self.expr(expr_node),
            strip_left=children[1].type == "strip_marker",
            strip_right=children[-2].type == "strip_marker",
        )

    def _directive_tag(self, node: Node) -> TemplateToken:
        children = _kids(node)
        keyword = next(c.type for c in children if not c.is_named and c.type.isalpha())
        names = [self._text(c) for c in children if c.type == "identifier"]
        expr_node = next((c for c in children if c.type == "expression"), None)
        return TemplateToken(
            keyword,
            self.smap.pos(node),
            expr=self.expr(expr_node) if expr_node is not None else None,
            names=tuple(names),
            strip_left=children[1].type == "strip_marker",
            strip_right=children[-2].type == "strip_marker",
        )

    def unescape(self, raw: bytes, pos: SourcePos) -> str:
        """Decode a quoted-string segment, applying HCL escapes (\\n, \\uXXXX, $${, %%{)."""
        text = raw.decode("utf-8", "replace")
        if "\\" not in text and "$${" not in text and "%%{" not in text:
            return text
        return _ESCAPE.sub(lambda m: _escape_value(m, pos), text)

    def _text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")


_DISPATCH = {
    name[1:]: function
    for name, function in vars(Converter).items()
    if name.startswith("_") and not name.startswith("__") and callable(function)
}


def _escape_value(match: re.Match[str], pos: SourcePos) -> str:
    whole = match.group(0)
    if whole in ("$${", "%%{"):
        return whole[1:]
    body = match.group(1)
    if body[0] in "uU" and len(body) > 1:
        return chr(int(body[1:], 16))
    if body in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[body]
    raise ConfigError(
        f"invalid escape sequence '\\{body}' in string",
        pos=pos,
        allowed=["\\n", "\\r", "\\t", '\\"', "\\\\", "\\uNNNN", "\\UNNNNNNNN"],
    )


def _dedent(raw: bytes, indent: int, *, at_line_start: bool) -> bytes:
    lines = raw.split(b"\n")
    out = []
    for i, line in enumerate(lines):
        if i > 0 or at_line_start:
            cut = min(indent, len(line) - len(line.lstrip(b" \t")))
            line = line[cut:]
        out.append(line)
    return b"\n".join(out)


def _check_unique(key: ast.Expr, seen: dict[str, SourcePos]) -> None:
    """A literal key written twice in one object constructor is an error naming both places
    (the second would silently win); computed keys are known only when evaluated."""
    if not isinstance(key, ast.Literal) or key.value is None:
        return
    name = str(key.value)
    if name in seen:
        first = seen[name]
        raise ConfigError(
            f"duplicate key {name!r} in an object (first at line {first.line}, "
            f"column {first.column})",
            pos=key.pos,
            hint="remove one of them",
        )
    seen[name] = key.pos


def _kids(node: Node) -> list[Node]:
    """A node's children without comments, which the grammar allows between any two tokens."""
    return [child for child in node.children if child.type != "comment"]


def _attach(primary: ast.Expr, steps: tuple[ast.Step, ...], pos: SourcePos) -> ast.Expr:
    if not steps:
        return primary
    if isinstance(primary, ast.Traversal):
        return ast.Traversal(primary.root, primary.steps + steps, primary.pos)
    return ast.RelativeTraversal(primary, steps, pos)


def _is_number(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Literal) and type(expr.value) in (int, float)


def parse_number(text: str) -> int | float:
    """An HCL number literal as int when integral, else float."""
    if text.isdigit():
        return int(text)
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
