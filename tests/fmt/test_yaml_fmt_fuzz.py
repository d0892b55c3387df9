"""Property: formatting any YAML document laid out in any indentation, flow or block style,
with trailing comments, is idempotent, keeps every comment and means the same to the loader."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.config.fmt_yaml import format_yaml

_keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_scalars = st.one_of(
    st.integers(-1000, 1000),
    st.booleans(),
    st.none(),
    st.from_regex(r"[a-z${}./ -]{0,12}", fullmatch=True),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(_keys, inner, min_size=1, max_size=4)
    ),
    max_leaves=12,
)


def _with_comments(text: str, every: int) -> str:
    """A trailing comment on every `every`-th line that ends in a plain scalar."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if index % every == 0 and line.rstrip()[-1:].isalnum():
            lines[index] = f"{line}   # note {index}"
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    data=st.dictionaries(_keys, _values, min_size=1, max_size=5),
    indent=st.integers(2, 6),
    flow=st.sampled_from([False, None]),
    every=st.integers(1, 4),
)
def test_format_is_idempotent_and_keeps_meaning_and_comments(
    data: dict[str, Any], indent: int, flow: bool | None, every: int
) -> None:
    text = _with_comments(
        yaml.safe_dump(data, indent=indent, default_flow_style=flow, sort_keys=False), every
    )
    once = format_yaml(text.encode(), "f.fnplan.yaml")
    assert format_yaml(once, "f.fnplan.yaml") == once
    assert yaml.safe_load(once) == yaml.safe_load(text) == data
    assert once.decode().count("# note") == text.count("# note")
