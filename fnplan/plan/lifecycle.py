"""What `lifecycle` blocks do to a plan: ignored attributes keep their recorded values (so
neither a configuration edit nor a console edit of them shows up), prevent_destroy refuses
plans that would delete or replace the resource, and create_before_destroy overrides the
planner's own choice of replacement order."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fnplan.errors import PlanError, SourcePos

if TYPE_CHECKING:
    from fnplan.compile.model import Desired, ResourceLifecycle
    from fnplan.plan.model import AttrChange, ResourceChange
    from fnplan.provider import Provider
    from fnplan.state.model import State

Path = list[str | int]
_TOKEN = re.compile(r"""\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[(['"])(.*?)\3\]""")


def parse_path(text: str) -> Path:
    """An AttrChange path as parts: "env.LOG_LEVEL" -> ["env", "LOG_LEVEL"], "steps[2]" ->
    ["steps", 2]."""
    parts: Path = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise PlanError(f"cannot read the attribute path {text!r} at {text[position:]!r}")
        name, index, _, key = match.groups()
        parts.append(name if name is not None else int(index) if index is not None else key)
        position = match.end()
    return parts


def with_ignored_changes(desired: Desired, state: State) -> Desired:
    """`desired` where every ignore_changes path of a recorded resource holds the recorded
    value (everything, for ignore_changes = all)."""
    if not desired.lifecycle:
        return desired
    resources = dict(desired.resources)
    for address, lifecycle in desired.lifecycle.items():
        record = state.resources.get(address)
        resource = resources.get(address)
        if record is None or resource is None:
            continue
        attributes = _kept(resource.attributes, record.attributes, lifecycle)
        if attributes != resource.attributes:
            resources[address] = resource.model_copy(update={"attributes": attributes})
    return desired.model_copy(update={"resources": resources})


def _kept(
    desired: dict[str, Any], recorded: dict[str, Any], lifecycle: ResourceLifecycle
) -> dict[str, Any]:
    if lifecycle.ignore_all:
        return dict(recorded)
    if not lifecycle.ignore_changes:
        return desired
    kept = keep_paths(desired, recorded, lifecycle.ignore_changes)
    if "version" in kept and _without_version(kept) == _without_version(recorded):
        kept["version"] = recorded.get("version")  # a hash of the rest, which is unchanged
    return kept


def keep_paths(
    desired: dict[str, Any], recorded: dict[str, Any], paths: list[str]
) -> dict[str, Any]:
    """A copy of `desired` with the recorded value at each of `paths`."""
    kept = copy.deepcopy(desired)
    for path in paths:
        _copy_path(recorded, kept, parse_path(path))
    return kept


def _without_version(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in attributes.items() if key != "version"}


def _copy_path(source: Any, target: Any, path: Path) -> None:
    """target[path] = source[path]; removed from target when source has nothing there."""
    *parents, last = path
    for part in parents:
        source, target = _child(source, part), _child(target, part)
        if target is _MISSING:
            return
    value = _child(source, last)
    if isinstance(target, dict):
        if value is _MISSING:
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(value)
    elif (
        isinstance(target, list) and value is not _MISSING and _child(target, last) is not _MISSING
    ):
        target[int(last)] = copy.deepcopy(value)


_MISSING = object()


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(part, _MISSING)
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return _MISSING


def without_ignored_drift(
    drift: Mapping[str, list[AttrChange]], desired: Desired
) -> dict[str, list[AttrChange]]:
    """Drift minus what lies under an ignored path: an edit made outside on purpose is not
    reported (nor reverted)."""
    kept: dict[str, list[AttrChange]] = {}
    for address, changes in drift.items():
        lifecycle = desired.lifecycle.get(address)
        if lifecycle is not None and lifecycle.ignore_all:
            changes = [change for change in changes if change.path == "*"]
        elif lifecycle is not None:
            ignored = [parse_path(path) for path in lifecycle.ignore_changes]
            changes = [c for c in changes if not _under_any(parse_path_lenient(c.path), ignored)]
        if changes:
            kept[address] = changes
    return kept


def parse_path_lenient(text: str) -> Path:
    """An AttrChange path as parts; one that cannot be read is one opaque part."""
    try:
        return parse_path(text)
    except PlanError:
        return [text]


def _under_any(path: Path, prefixes: list[Path]) -> bool:
    return any(path[: len(prefix)] == prefix for prefix in prefixes)


def apply_lifecycle(
    changes: list[ResourceChange],
    desired: Desired,
    state: State,
    providers: Mapping[str, Provider],
) -> None:
    """Lifecycle settings on the planned changes: create_before_destroy, where set, decides
    the replacement order; prevent_destroy is recorded, and refuses deletes (PlanError).
    A provider that stores objects under their address replaces destroy-first: the new
    object cannot exist beside the old one."""
    check_prevent_destroy(changes, desired, state)
    for change in changes:
        lifecycle = desired.lifecycle.get(change.address)
        if lifecycle is not None and change.deposed is None:
            change.prevent_destroy = lifecycle.prevent_destroy
            if change.action == "replace" and lifecycle.create_before_destroy is not None:
                change.create_before_destroy = lifecycle.create_before_destroy
        if change.create_before_destroy and _keyed(providers.get(change.provider)):
            if lifecycle is not None and lifecycle.create_before_destroy:
                raise PlanError(
                    f"{change.address} cannot be replaced create-before-destroy: the "
                    f"{change.provider} provider stores it under its address, where the new "
                    "object cannot exist beside the old one",
                    pos=SourcePos.parse(lifecycle.pos),
                    hint="remove create_before_destroy = true",
                )
            change.create_before_destroy = False


def _keyed(provider: Provider | None) -> bool:
    return bool(getattr(provider, "keyed_by_address", False))


_PROTECTED_HINT = {
    "destroy": "if it really must go, set prevent_destroy = false and apply first",
    "replace": "undo the change that forces replacement, or set prevent_destroy = false "
    "and apply first if it really must be replaced",
}


def check_prevent_destroy(changes: list[ResourceChange], desired: Desired, state: State) -> None:
    """PlanError for the first delete or replacement of a resource whose lifecycle (in the
    configuration, or as recorded at its last apply) has prevent_destroy."""
    for change in changes:
        if change.action not in ("delete", "replace") or change.deposed is not None:
            continue
        lifecycle = desired.lifecycle.get(change.address)
        record = state.resources.get(change.address)
        if lifecycle is not None and lifecycle.prevent_destroy:
            verb = "replace" if change.action == "replace" else "destroy"
            raise PlanError(
                f"{change.address} has lifecycle.prevent_destroy set, but the plan would {verb} "
                f"it ({'; '.join(change.reasons)})",
                pos=SourcePos.parse(lifecycle.pos),
                hint=_PROTECTED_HINT[verb],
            )
        removed = change.address not in desired.resources  # the block went, and its lifecycle
        if removed and record is not None and record.prevent_destroy:
            raise PlanError(
                f"{change.address} has lifecycle.prevent_destroy set (as recorded at its last "
                f"apply), but the plan would destroy it ({'; '.join(change.reasons)})",
                hint="put its block back with prevent_destroy = false and apply, then remove "
                f"it; or forget it without deleting it: fnplan state rm {change.address}",
            )
