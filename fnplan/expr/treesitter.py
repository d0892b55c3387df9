"""Tree-sitter plumbing shared by the expression and HCL parsers: one parser per thread,
position mapping back to the user's file, and turning ERROR / MISSING nodes into ConfigErrors."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnplan.errors import ConfigError, SourcePos

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

_local = threading.local()
#: strings with `${` interpolations inside each other that tree-sitter-hcl's scanner can keep
#: track of (its state is serialized into a fixed buffer); documented in docs/language.md
MAX_TEMPLATE_NESTING = 63

_TOKEN = re.compile(
    rb'"[^"\n]{0,30}"?|[A-Za-z_][\w-]*|\d[\w.]*|<<-?|\$\{|%\{|==|!=|<=|>=|&&|\|\||=>|\S'
)

_EXPONENT = re.compile(rb"(?<![\w.])(\d+)([eE][-+]?\d+)(?![\w.])")
_BAD_ESCAPE = re.compile(rb'(?<!\\)(?:\\\\)*(\\[^nrt"\\uU])')
_MISSING_NAMES = {
    "identifier": "an expression",
    "<<": "an expression",
    "heredoc_identifier": "an expression",
    "quoted_template_end": "a closing '\"'",
    "template_interpolation_end": "'}' to close '${'",
    "template_directive_end": "'}' to close '%{'",
}


def _parser() -> Parser:
    parser: Parser | None = getattr(_local, "parser", None)
    if parser is None:
        import tree_sitter
        import tree_sitter_hcl

        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
        _local.parser = parser
    return parser


def parse_tree(source: bytes) -> Tree:
    """Parse HCL source bytes into a tree-sitter tree (errors are left in the tree)."""
    return _parser().parse(source)


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Maps tree-sitter (row, byte column) points to 1-based positions in the user's file.

    `line`/`column` are where row 0 / byte `skip` of the parsed source sit in that file, so a
    wrapped snippet (`x=<text>`) reports positions in the text it came from.
    """

    file: str
    source: bytes
    line: int = 1
    column: int = 1
    skip: int = 0  # bytes of the first row that are wrapper, not user text
    row_skip: int = 0  # wrapper rows before the user's text
    ascii: bool = True
    plain: bool = False  # points map 1:1 (a whole ASCII file): the fast path

    @classmethod
    def of(
        cls,
        file: str,
        source: bytes,
        *,
        line: int = 1,
        column: int = 1,
        skip: int = 0,
        rows: int = 0,
    ) -> SourceMap:
        """A map for `source`, noting whether column conversion to characters is needed."""
        ascii = source.isascii()
        plain = ascii and line == 1 and column == 1 and not (skip or rows)
        return cls(file, source, line, column, skip, rows, ascii, plain)

    def point(self, row: int, byte_col: int, byte_offset: int) -> SourcePos:
        """The position of a point; `byte_offset` is its absolute offset in the source."""
        chars = byte_col
        if not self.ascii and byte_col:
            start = byte_offset - byte_col
            chars = len(self.source[start:byte_offset].decode("utf-8", "replace"))
        row -= self.row_skip
        if row <= 0:
            return SourcePos(self.file, self.line, self.column + max(chars - self.skip, 0))
        return SourcePos(self.file, self.line + row, chars + 1)

    def pos(self, node: Node) -> SourcePos:
        """Start position of a node."""
        row, col = node.start_point
        if self.plain:
            return SourcePos(self.file, row + 1, col + 1)
        return self.point(row, col, node.start_byte)


def check_syntax(tree: Tree, smap: SourceMap) -> None:
    """Raise a ConfigError at the first ERROR or MISSING node, saying what was found there."""
    root = tree.root_node
    if not root.has_error:
        return
    node = _first_problem(root)
    if node is None:  # has_error without a visible node: report the start
        raise ConfigError("syntax error", pos=smap.pos(root))
    if node.is_missing:
        _raise_missing(node, smap)
    _raise_error_node(node, smap)


def _first_problem(node: Node) -> Node | None:
    if node.is_missing or node.type == "ERROR":
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            found = _first_problem(child)
            if found is not None:
                return found
    return None


def _found(source: bytes, offset: int) -> tuple[str, int]:
    """The token at `offset` (after whitespace) for messages, and where it starts."""
    rest = source[offset:]
    stripped = rest.lstrip()
    start = offset + len(rest) - len(stripped)
    if not stripped:
        return "end of file", start
    match = _TOKEN.match(stripped)
    token = match.group(0) if match else stripped[:1]
    text = token.decode("utf-8", "replace")
    if text.startswith('"') and (len(text) == 1 or not text.endswith('"')):
        return "unterminated string", start
    return f"'{text}'", start


def _point_of(smap: SourceMap, offset: int) -> SourcePos:
    source = smap.source
    row = source.count(b"\n", 0, offset)
    line_start = source.rfind(b"\n", 0, offset) + 1
    return smap.point(row, offset - line_start, offset)


def _raise_missing(node: Node, smap: SourceMap) -> None:
    expected = _MISSING_NAMES.get(node.type, f"'{node.type}'")
    found, at = _found(smap.source, node.start_byte)
    if found == "unterminated string" or node.type == "quoted_template_end":
        opening = _string_start(node)
        pos = smap.pos(opening) if opening is not None else _point_of(smap, at)
        raise ConfigError(
            "unterminated string", pos=pos, hint="close it with '\"' on the same line"
        )
    notes = []
    if node.type == "}":
        opened = node.parent
        while opened is not None and opened.type not in ("block", "object", "for_object_expr"):
            opened = opened.parent
        if opened is not None:
            notes.append(
                f"the {opened.type.split('_')[0]} opened at {smap.pos(opened)} is not closed"
            )
    raise ConfigError(
        f"syntax error: expected {expected}, found {found}",
        pos=_point_of(smap, at),
        notes=notes,
    )


def _string_start(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in ("quoted_template", "string_lit"):
        parent = parent.parent
    return parent


def _raise_error_node(node: Node, smap: SourceMap) -> None:
    """An ERROR node either wraps skipped tokens (error at its start) or, when the parser
    never recovered, everything up to the end (error at the first gap between its children)."""
    _check_template_nesting(node, smap)
    source = smap.source
    line_start = source.rfind(b"\n", 0, node.start_byte) + 1
    bad_escape = _BAD_ESCAPE.search(source, line_start, node.end_byte + 1)
    if bad_escape is not None:
        raise ConfigError(
            f"invalid escape sequence '{bad_escape.group(1).decode(errors='replace')}' in string",
            pos=_point_of(smap, bad_escape.start(1)),
            allowed=["\\n", "\\r", "\\t", '\\"', "\\\\", "\\uNNNN", "\\UNNNNNNNN"],
        )
    _check_exponent(source, line_start, node.end_byte, smap)
    if node.child_count <= 1 or node.end_byte < len(source.rstrip()):
        found, at = _found(source, node.start_byte)
        raise ConfigError(f"syntax error: unexpected {found}", pos=_point_of(smap, at))
    offset = node.start_byte
    for child in node.children:
        if child.end_byte == child.start_byte:
            continue
        gap = source[offset : child.start_byte]
        if gap.strip() and not gap.lstrip().startswith((b"#", b"//", b"/*")):
            break
        offset = child.end_byte
    found, at = _found(source, offset)
    raise ConfigError(f"syntax error: unexpected {found}", pos=_point_of(smap, at))


def _check_template_nesting(node: Node, smap: SourceMap) -> None:
    """The grammar's scanner keeps at most MAX_TEMPLATE_NESTING strings with interpolations
    open; deeper, the parse fails with the unclosed `${` left in the error node."""
    opened = [child for child in node.children if child.type == "template_interpolation_start"]
    closed = sum(child.type == "template_interpolation_end" for child in node.children)
    if len(opened) - closed > MAX_TEMPLATE_NESTING:
        raise ConfigError(
            "expression nested too deeply: more than "
            f"{MAX_TEMPLATE_NESTING} strings with interpolations inside each other",
            pos=smap.pos(opened[MAX_TEMPLATE_NESTING]),
            hint="compute parts of it in locals",
        )


def _check_exponent(source: bytes, line_start: int, end: int, smap: SourceMap) -> None:
    """The parser reads numbers with an exponent only after a fraction (`1.0e3`, not `1e3`):
    name that as the cause when such a number sits on the error's line or the one before."""
    start = source.rfind(b"\n", 0, max(line_start - 1, 0)) + 1
    line_end = source.find(b"\n", end)
    number = _EXPONENT.search(source, start, len(source) if line_end < 0 else line_end)
    if number is not None:
        whole, exponent = (part.decode() for part in number.groups())
        raise ConfigError(
            f"syntax error: cannot read the number {whole}{exponent}",
            pos=_point_of(smap, number.start()),
            hint=f"write it with a fraction: {whole}.0{exponent}",
        )
