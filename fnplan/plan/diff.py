"""Attribute diffs between two JSON documents, as AttrChange paths a reviewer can read.

deepdiff does the comparison; it is imported here only, and only called for resources whose
attribute dicts already differ (a plain == decides the common no-change case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from fnplan.plan.model import AttrChange

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_CHANGE_KINDS = (
    "values_changed",
    "type_changes",
    "dictionary_item_added",
    "dictionary_item_removed",
    "iterable_item_added",
    "iterable_item_removed",
)


def format_path(parts: Iterable[str | int]) -> str:
    """Render a key/index path as "env.LOG_FORMAT" or "document.steps[2].input.width"."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text


def attr_changes(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    only: Iterable[str] | None = None,
    forcing: frozenset[str] = frozenset(),
) -> list[AttrChange]:
    """The changed leaves between `before` and `after`, sorted by path.

    `only` restricts the comparison to those top-level keys (a provider's observation may
    omit attributes it cannot read back; those are not compared); changes under a top-level
    key in `forcing` are marked as forcing replacement.
    """
    if only is not None:
        keys = set(only)
        before = {k: v for k, v in before.items() if k in keys}
        after = {k: v for k, v in after.items() if k in keys}
    if before == after:
        return []
    from deepdiff import DeepDiff
    from deepdiff.helper import notpresent

    tree = DeepDiff(dict(before), dict(after), view="tree")
    changes: list[AttrChange] = []
    for kind in _CHANGE_KINDS:
        for level in tree.get(kind, ()):
            parts = level.path(output_format="list")
            changes.append(
                AttrChange(
                    path=format_path(parts),
                    before=None if level.t1 is notpresent else level.t1,
                    after=None if level.t2 is notpresent else level.t2,
                    forces_replacement=bool(parts) and parts[0] in forcing,
                )
            )
    changes.sort(key=lambda change: change.path)
    return changes


def changed_top_level(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Top-level keys whose values differ (added or removed keys included), sorted."""
    keys = before.keys() | after.keys()
    return sorted(k for k in keys if k not in before or k not in after or before[k] != after[k])
