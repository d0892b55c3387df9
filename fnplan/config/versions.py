"""Module version constraints (Terraform's syntax): `~> 2.0`, `>= 1.2, < 2`, `= 1.0.0`, `!= 1.3.0`.

`~> X.Y` allows X.Y and later within X (>= X.Y, < X+1); `~> X.Y.Z` allows later patches of
X.Y (>= X.Y.Z, < X.(Y+1)); `~> X` is `>= X, < X+1`. Only the rightmost written part may grow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from fnplan.errors import ConfigError, SourcePos

_OPERATORS = ("~>", ">=", "<=", "!=", "=", ">", "<")
_CLAUSE = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*([0-9][0-9A-Za-z.+-]*)\s*$")
_COMPARE: dict[str, Callable[[Version, Version], bool]] = {
    "=": lambda have, want: have == want,
    "!=": lambda have, want: have != want,
    ">": lambda have, want: have > want,
    ">=": lambda have, want: have >= want,
    "<": lambda have, want: have < want,
    "<=": lambda have, want: have <= want,
}


@dataclass(frozen=True, slots=True)
class _Clause:
    operator: str
    version: Version
    parts: int  # how many dot-separated numbers were written, for `~>`

    def allows(self, version: Version) -> bool:
        if self.operator != "~>":
            return _COMPARE[self.operator](version, self.version)
        return self.version <= version < _pessimistic_upper(self.version, self.parts)


def _pessimistic_upper(version: Version, parts: int) -> Version:
    """The exclusive upper bound of `~> version`: bump the second-to-last written part."""
    release = list(version.release) + [0] * max(0, parts - len(version.release))
    keep = max(1, parts - 1)
    bumped = [*release[: keep - 1], release[keep - 1] + 1]
    return Version(".".join(str(number) for number in bumped))


def parse_version(text: str, pos: SourcePos | None = None) -> Version:
    """A semantic version like "2.1.0"; a malformed one is a ConfigError at `pos`."""
    try:
        return Version(text)
    except InvalidVersion:
        raise ConfigError(
            f"invalid version {text!r}", pos=pos, hint='write a version like "2.1.0"'
        ) from None


def _parse_clause(text: str, pos: SourcePos | None) -> _Clause:
    match = _CLAUSE.match(text)
    if match is None:
        raise ConfigError(
            f"invalid version constraint {text.strip()!r}",
            pos=pos,
            allowed=[f"{operator} X.Y.Z" for operator in _OPERATORS],
            hint='combine clauses with commas, e.g. ">= 1.2, < 2"',
        )
    operator, number = match.group(1) or "=", match.group(2)
    version = parse_version(number, pos)
    return _Clause(operator, version, len(number.split("+")[0].split("-")[0].split(".")))


@dataclass(frozen=True, slots=True)
class VersionConstraint:
    """A parsed constraint: every comma-separated clause must allow the version."""

    text: str
    clauses: tuple[_Clause, ...]

    def allows(self, version: Version) -> bool:
        """Whether `version` satisfies every clause."""
        return all(clause.allows(version) for clause in self.clauses)


def parse_constraint(text: str, pos: SourcePos | None = None) -> VersionConstraint:
    """Parse a constraint string; a malformed one is a ConfigError at `pos`."""
    if not text.strip():
        raise ConfigError("empty version constraint", pos=pos, hint='e.g. "~> 2.0"')
    clauses = tuple(_parse_clause(part, pos) for part in text.split(","))
    return VersionConstraint(text, clauses)
