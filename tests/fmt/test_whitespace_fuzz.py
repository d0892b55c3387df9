"""Whitespace that carries no meaning does not change the formatter's output: for corpus files
with spaces, tabs, blank lines and indentation randomly changed between tokens, `format_hcl`
gives the same text as for the original."""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.config.fmt import format_hcl
from fnplan.expr.treesitter import parse_tree
from tests.fmt.corpus import HCL_FILES, MESSY
from tests.fmt.shapes import meaning

if TYPE_CHECKING:
    from tree_sitter import Node

_WHOLE = frozenset({"string_lit", "quoted_template", "heredoc_template", "comment", "legacy_index"})
# Tokens next to which removing a space can never merge two tokens into one.
_SEPARATORS = frozenset({b",", b"(", b")", b"[", b"]", b"{", b"}", b"=", b":", b"?", b"=>"})
_CLOSERS = frozenset({b"}", b"]", b")"})
_COMMENTS = (b"#", b"//", b"/*")

SOURCES = [path.read_bytes() for path in HCL_FILES] + [MESSY]


def _spans(node: Node, out: list[tuple[int, int, bytes]], source: bytes) -> None:
    if node.type in _WHOLE or node.child_count == 0:
        if source[node.start_byte : node.end_byte].strip():
            out.append((node.start_byte, node.end_byte, source[node.start_byte : node.end_byte]))
        return
    for child in node.children:
        _spans(child, out, source)


def _tokens(source: bytes) -> list[tuple[int, int, bytes]]:
    found: list[tuple[int, int, bytes]] = []
    _spans(parse_tree(source).root_node, found, source)
    return found


def perturb(source: bytes, rng: Random) -> bytes:
    """`source` with the whitespace between its tokens changed where that means nothing."""
    tokens = _tokens(source)
    out = [_blank_lines(rng, 0, 3)]
    for index, (start, end, text) in enumerate(tokens):
        if index:
            previous_end, previous_text = tokens[index - 1][1:]
            out.append(_gap(rng, source[previous_end:start], previous_text, text))
        out.append(source[start:end])
    out.append(_blank_lines(rng, 0, 3))
    return b"".join(out)


def _blanks(rng: Random, least: int, most: int) -> bytes:
    return b"".join(rng.choice([b" ", b"\t"]) for _ in range(rng.randint(least, most)))


def _blank_lines(rng: Random, least: int, most: int) -> bytes:
    return b"".join(_blanks(rng, 0, 2) + b"\n" for _ in range(rng.randint(least, most)))


def _gap(rng: Random, gap: bytes, before: bytes, after: bytes) -> bytes:
    newlines = gap.count(b"\n")
    if newlines == 0:
        comment = before.startswith(_COMMENTS) or after.startswith(_COMMENTS)
        can_vanish = not comment and (before in _SEPARATORS or after in _SEPARATORS)
        return _blanks(rng, 0 if can_vanish else 1, 4)
    if newlines > 1:
        newlines = rng.randint(2, 4)
    elif after in _CLOSERS:
        newlines = rng.randint(1, 3)
    return _blank_lines(rng, newlines, newlines) + _blanks(rng, 0, 8)


@settings(max_examples=100, deadline=None)
@given(source=st.sampled_from(SOURCES), rng=st.randoms(use_true_random=False))
def test_insignificant_whitespace_does_not_change_the_output(source: bytes, rng: Random) -> None:
    assert format_hcl(perturb(source, rng)) == format_hcl(source)


@settings(max_examples=25, deadline=None)
@given(source=st.sampled_from(SOURCES), rng=st.randoms(use_true_random=False))
def test_formatting_a_perturbed_file_keeps_its_meaning(source: bytes, rng: Random) -> None:
    assert meaning(format_hcl(perturb(source, rng))) == meaning(source)
