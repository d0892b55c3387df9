"""What a provider declares about its resource types and data sources (protocol v2).

The engine reads these declarations instead of hard-coding names: which attributes a type
accepts, which outputs create/update return (and so which `TYPE.NAME.attr` references are
valid), and which attribute paths force replacement. Import-light: no provider is loaded here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

#: when an output becomes known: "create" = once the object exists, and an in-place update
#: keeps it (an endpoint named after the address, an ARN); "apply" = it may change on every
#: create or update (a version number)
OutputKnown = Literal["create", "apply"]


@dataclass(frozen=True)
class ResourceSchema:
    """One resource type of a provider.

    attributes     top-level attributes the provider accepts for the type
    outputs        what create/update return and state records, with when each is known;
                   exactly the attributes a reference `TYPE.NAME.attr` may name
    replace_paths  attribute paths whose change forces replacement, in AttrChange.path form:
                   "runtime.image" matches itself and anything under it; `*` stands for any
                   one key or index ("steps[*].type", "env.*")
    """

    attributes: frozenset[str]
    outputs: Mapping[str, OutputKnown] = field(default_factory=dict)
    replace_paths: tuple[str, ...] = ()

    def forces_replacement(self, path: str) -> bool:
        """Whether a change at `path` (e.g. "runtime.image", "steps[2].type") replaces."""
        return any(_matches(pattern, path) for pattern in self.replace_paths)

    def stable_outputs(self) -> frozenset[str]:
        """The outputs an in-place update keeps (known "create")."""
        return frozenset(name for name, known in self.outputs.items() if known == "create")


@dataclass(frozen=True)
class DataSourceSchema:
    """One data source type: what a `data "TYPE" "NAME" {}` block passes and gets back."""

    arguments: frozenset[str]
    required: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Diagnostic:
    """A problem a provider's validation hook found; the engine reports it at the block's
    file:line:column (an error fails validate, a warning is printed)."""

    message: str
    path: str | None = None
    severity: Literal["error", "warning"] = "error"


@dataclass
class PlannedChange:
    """One planned change as the provider's plan hook sees it; the hook may return it with
    more replace paths (forcing replacement), predicted output values, or notes the plan shows
    under the change (the ordered steps of a rollout)."""

    address: str
    type: str
    action: str
    prior: ResourceState | None
    resource: Resource | None
    replace_paths_changed: list[str] = field(default_factory=list)
    predicted_outputs: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


_SEGMENT = re.compile(r"\[[^\]]*\]|[^.\[]+")


@lru_cache(maxsize=256)
def _segments(path: str) -> tuple[str, ...]:
    """E.g. "steps[2].type" -> ("steps", "[2]", "type"); a key that is not an identifier is
    written ['key'] by AttrChange.path and stays one segment."""
    return tuple(_SEGMENT.findall(path))


def _matches(pattern: str, path: str) -> bool:
    """Whether `path` is `pattern` or lies under it; `*` / `[*]` match any one segment."""
    want, have = _segments(pattern), _segments(path)
    if len(have) < len(want):
        return False
    return all(w in ("*", "[*]") or w == h for w, h in zip(want, have, strict=False))
