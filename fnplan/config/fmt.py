"""Canonical formatting of HCL files (`fnplan fmt`), in the style of `terraform fmt`; YAML
files go to fnplan.config.fmt_yaml (`format_config` picks by the file name).

It works on the tree-sitter CST: the file becomes a list of tokens (string literals, heredocs
and comments are single tokens kept verbatim) and only the whitespace between tokens is
rewritten, so no token or comment can be lost and line breaks stay where the author put them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from fnplan.config.discovery import PATTERNS
from fnplan.errors import FnplanError
from fnplan.expr.treesitter import SourceMap, check_syntax, parse_tree

if TYPE_CHECKING:
    from tree_sitter import Node

_INDENT = "  "
_VERBATIM = frozenset({"string_lit", "quoted_template", "heredoc_template", "comment"})
_OPENERS = frozenset({"{", "[", "("})
_CLOSERS = frozenset({"}", "]", ")"})
_ATTACHED_AFTER = frozenset({",", "ellipsis", ".", ".*", "legacy_index", "[*]"})
_ASSIGN_OWNERS = frozenset({"attribute", "object_elem"})


_YAML_SUFFIXES = (".yaml", ".yml")


def config_files(paths: Iterable[Path]) -> list[Path]:
    """The files `fmt` works on: configuration files under each directory (recursively, not
    in .fnplan/), and each file named, which must be HCL or YAML."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted({p for pattern in PATTERNS for p in path.rglob(pattern)}))
        elif path.suffix in (".hcl", *_YAML_SUFFIXES):
            found.append(path)
        else:
            raise FnplanError(
                f"{path}: fmt formats HCL and YAML configuration files only",
                allowed=[f"*{suffix}" for suffix in (".hcl", *_YAML_SUFFIXES)],
            )
    return [p for p in found if ".fnplan" not in p.parts and p.is_file()]


def format_config(source: bytes, filename: str) -> bytes:
    """The canonical form of a configuration file, HCL or YAML by its name."""
    if filename.endswith(_YAML_SUFFIXES):
        from fnplan.config.fmt_yaml import format_yaml

        return format_yaml(source, filename)
    return format_hcl(source, filename)


def format_hcl(source: bytes, filename: str = "<input>") -> bytes:
    """The canonical form of an HCL file; a syntax error raises ConfigError (nothing is rewritten).

    Canonical means: 2-space indentation per bracket level, `=` aligned across runs of
    single-line attributes, canonical spacing between tokens, at most one blank line, LF line
    endings and exactly one final newline. Formatting is idempotent.
    """
    source = source.replace(b"\r\n", b"\n")
    tree = parse_tree(source)
    check_syntax(tree, SourceMap.of(filename, source))
    tokens: list[_Token] = []
    _collect(tree.root_node, source, tokens)
    if not tokens:
        return b""
    lines = _split_lines(tokens, source)
    _indent(lines)
    _drop_blank_lines(lines)
    _align_assignments(lines)
    _align_comments(lines)
    text = "\n".join(_render(line) for line in lines)
    return (text + "\n").encode("utf-8", "surrogateescape")


@dataclass(slots=True)
class _Token:
    """One token: `kind` is its tree-sitter node type, `parent` its parent's type."""

    text: str
    kind: str
    parent: str
    owner_start: int  # start byte of the parent node: whose `=` this is
    start: int
    end: int

    @property
    def multiline(self) -> bool:
        return "\n" in self.text


@dataclass(slots=True)
class _Line:
    """The tokens of one output line and the layout decided for it."""

    tokens: list[_Token]
    blank_before: bool
    depth: int = 0
    code: str = ""  # the line without indentation and trailing comment
    key_width: int = -1  # width of the text before `=` when the line is an alignable assignment
    comment: str = ""  # a trailing single-line comment
    comment_col: int = 0  # column of the trailing comment when aligned, else 0

    @property
    def multiline(self) -> bool:
        return any(token.multiline for token in self.tokens)

    @property
    def opens(self) -> bool:
        """Whether the line leaves a bracket open (the next line is one level deeper)."""
        net = 0
        for token in self.tokens:
            net += (token.kind in _OPENERS) - (token.kind in _CLOSERS)
        return net > 0 or _last_code(self.tokens).kind in _OPENERS

    @property
    def starts_closed(self) -> bool:
        return self.tokens[0].kind in _CLOSERS


def _collect(node: Node, source: bytes, out: list[_Token]) -> None:
    """Append the tokens of `node` in source order; verbatim nodes stay whole."""
    if node.type in _VERBATIM or node.child_count == 0 or not _covered(node, source):
        if source[node.start_byte : node.end_byte].strip():
            out.append(_token(node, source))
        return
    for child in node.children:
        _collect(child, source, out)


def _covered(node: Node, source: bytes) -> bool:
    """Whether the children of `node` hold all of its text (some tokens are hidden in the CST)."""
    offset = node.start_byte
    for child in node.children:
        if source[offset : child.start_byte].strip():
            return False
        offset = max(offset, child.end_byte)
    return not source[offset : node.end_byte].strip()


def _token(node: Node, source: bytes) -> _Token:
    text = source[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")
    if node.type == "comment":
        text = "\n".join(part.rstrip() for part in text.split("\n"))
    parent = node.parent
    return _Token(
        text,
        node.type,
        parent.type if parent is not None else "",
        parent.start_byte if parent is not None else -1,
        node.start_byte,
        node.end_byte,
    )


def _split_lines(tokens: list[_Token], source: bytes) -> list[_Line]:
    """Group tokens into lines where the source breaks lines; note blank lines before each."""
    lines: list[_Line] = []
    previous_end = 0
    for token in tokens:
        newlines = source.count(b"\n", previous_end, token.start)
        if newlines or not lines:
            lines.append(_Line([token], newlines > 1))
        else:
            lines[-1].tokens.append(token)
        previous_end = token.end
    return lines


def _indent(lines: list[_Line]) -> None:
    """Set each line's depth: one level per line that leaves brackets open; a line starting
    with a closing bracket sits at the depth of the line that opened it."""
    open_depths: list[int] = []  # for each open bracket, the depth of the line it opened on
    for line in lines:
        first = line.tokens[0]
        if first.kind in _CLOSERS and open_depths:
            line.depth = open_depths[-1]
        else:
            line.depth = open_depths[-1] + 1 if open_depths else 0
        for token in line.tokens:
            if token.kind in _OPENERS:
                open_depths.append(line.depth)
            elif token.kind in _CLOSERS and open_depths:
                open_depths.pop()


def _drop_blank_lines(lines: list[_Line]) -> None:
    """Keep at most one blank line, and none at the start or just inside brackets."""
    lines[0].blank_before = False
    for previous, line in pairwise(lines):
        if line.starts_closed or previous.opens:
            line.blank_before = False


def _layout(line: _Line) -> None:
    """Render the line's code with canonical spacing; split off a trailing comment and note
    the width before `=` when the line is a single-line assignment."""
    tokens = line.tokens
    last = tokens[-1]
    if len(tokens) > 1 and last.kind == "comment" and not last.multiline:
        line.comment = last.text
        tokens = tokens[:-1]
    parts = [tokens[0].text]
    for before, after in pairwise(tokens):
        if _spaced(before, after):
            parts.append(" ")
        if after.kind == "=" and line.key_width < 0 and _is_key_end(tokens, after):
            line.key_width = len("".join(parts).rstrip(" "))
        parts.append(after.text)
    line.code = "".join(parts)


def _is_key_end(tokens: list[_Token], equals: _Token) -> bool:
    """Whether `equals` assigns an attribute or object element that starts the line, on a line
    that closes every bracket it opens (so the value ends on this line)."""
    if equals.parent not in _ASSIGN_OWNERS or equals.owner_start != tokens[0].start:
        return False
    net = 0
    for token in tokens:
        net += (token.kind in _OPENERS) - (token.kind in _CLOSERS)
    return net == 0


def _spaced(before: _Token, after: _Token) -> bool:
    """Whether one space separates two tokens on the same line."""
    if after.kind in _ATTACHED_AFTER or before.kind == ".":
        return False
    if after.kind in ("[", "(") and after.parent in ("new_index", "function_call"):
        return False
    if before.kind == "{" or after.kind == "}":
        return not (before.kind == "{" and after.kind == "}")
    if before.kind in _OPENERS or after.kind in _CLOSERS:
        return False
    if before.parent == "unary_operation":
        return False
    return not (after.kind == ":" and after.parent == "object_elem")


def _last_code(tokens: list[_Token]) -> _Token:
    for token in reversed(tokens):
        if token.kind != "comment":
            return token
    return tokens[-1]


def _align_assignments(lines: list[_Line]) -> None:
    """Pad keys so `=` lines up within runs of consecutive single-line assignments at one
    depth; a blank line, any other line, or a heredoc ends a run."""
    for line in lines:
        _layout(line)
    run: list[_Line] = []
    for line in lines:
        joins = (
            run
            and line.key_width >= 0
            and not line.blank_before
            and line.depth == run[-1].depth
            and not run[-1].multiline
        )
        if not joins:
            _pad_keys(run)
            run = [line] if line.key_width >= 0 else []
        else:
            run.append(line)
    _pad_keys(run)


def _pad_keys(run: list[_Line]) -> None:
    width = max((line.key_width for line in run), default=0)
    for line in run:
        key, rest = line.code[: line.key_width], line.code[line.key_width :].lstrip(" ")
        line.code = f"{key.ljust(width)} {rest}"


def _align_comments(lines: list[_Line]) -> None:
    """Line up trailing comments of consecutive single-line code lines."""
    run: list[_Line] = []
    for line in lines:
        has_comment = bool(line.comment) and not line.multiline
        if has_comment and run and not line.blank_before:
            run.append(line)
            continue
        _comment_column(run)
        run = [line] if has_comment else []
    _comment_column(run)


def _comment_column(run: list[_Line]) -> None:
    column = max((len(_INDENT) * line.depth + len(line.code) + 1 for line in run), default=0)
    for line in run:
        line.comment_col = column


def _render(line: _Line) -> str:
    text = _INDENT * line.depth + line.code
    if line.comment:
        text = text.ljust(line.comment_col - 1) + " " + line.comment
    return ("\n" if line.blank_before else "") + text
