"""Mutated corpus files either parse or fail with a positioned ConfigError, never a crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.config.hcl import parse_hcl
from fnplan.errors import ConfigError

SOURCES = [p.read_bytes() for p in sorted((Path(__file__).parent / "corpus").glob("*.hcl"))]
TOKENS = [b"{", b"}", b"[", b"]", b"(", b")", b'"', b"=", b"${", b"%{", b",", b"\\", b"<<EOT\n"]
TOKENS += [b"\n", b" ", b"?", b":", b"...", b"=>", b"#", b"/*", b"\xc3\xa9", b"for", b"if", b"."]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 12))]
    return bytes(data)


@settings(max_examples=200, deadline=None)
@given(mutated())
def test_mutations_never_crash(source: bytes) -> None:
    try:
        parse_hcl(source, "fuzz.hcl")
    except ConfigError as error:
        assert error.pos is not None
        assert error.pos.file == "fuzz.hcl"
        assert error.pos.line >= 1 and error.pos.column >= 1
