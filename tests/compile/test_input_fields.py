"""Which `input.NAME` reads of a step's run-time value count as unguarded (validate warns)."""

from __future__ import annotations

import pytest

from fnplan.compile.input_fields import unguarded_fields


@pytest.mark.parametrize(
    ("source", "fields"),
    [
        ("input.url", ["url"]),
        ('input["url"]', ["url"]),
        ("input", []),
        ('"${input.name}-${input.size}"', ["name", "size"]),
        ('try(input.name, "")', []),
        ("can(input.size) ? input.size : 0", []),
        ("can(input.size) ? input.name : 0", ["name"]),
        ("input.flag ? input.a : input.b", ["flag", "a", "b"]),
        ("[for input in step.x.output : input.name]", []),
        ("[for item in input.items : item.name]", ["items"]),
        ("step.fetch.output[input.key]", ["key"]),
        ("upper(input.name)", ["name"]),
    ],
)
def test_unguarded_fields(source: str, fields: list[str]) -> None:
    assert list(unguarded_fields({"$expr": source})) == fields


def test_plain_values_read_nothing() -> None:
    assert list(unguarded_fields({"a": 1, "b": ["input.url"]})) == []
