"""Module version constraints, with Terraform's `~>` semantics."""

from __future__ import annotations

import pytest
from packaging.version import Version

from fnplan.config.versions import parse_constraint
from fnplan.errors import ConfigError


@pytest.mark.parametrize(
    ("constraint", "allowed", "denied"),
    [
        ("~> 2.0", ["2.0", "2.1.0", "2.9.9"], ["1.9", "3.0.0"]),
        ("~> 2.1.0", ["2.1.0", "2.1.7"], ["2.0.9", "2.2.0", "3.0"]),
        ("~> 2", ["2.0", "2.5"], ["3.0", "1.0"]),
        (">= 1.2, < 2", ["1.2", "1.9.9"], ["1.1", "2.0"]),
        ("= 1.0.0", ["1.0.0", "1.0"], ["1.0.1"]),
        ("1.0.0", ["1.0.0"], ["1.0.1"]),
        ("!= 1.3.0", ["1.2.0", "1.4"], ["1.3.0"]),
        ("> 1, <= 1.5", ["1.5", "1.0.1"], ["1.0", "1.6"]),
    ],
)
def test_constraints(constraint: str, allowed: list[str], denied: list[str]) -> None:
    parsed = parse_constraint(constraint)
    assert all(parsed.allows(Version(v)) for v in allowed)
    assert not any(parsed.allows(Version(v)) for v in denied)


@pytest.mark.parametrize("text", ["~>", ">= banana", "=> 1.0", ""])
def test_malformed_constraint(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_constraint(text)
    assert "constraint" in caught.value.message or "version" in caught.value.message
