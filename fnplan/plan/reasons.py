"""Why a resource changes, in words a reviewer understands ("code changed", "uses
function.resize at version 3333cccc4444 (was 1111aaaa2222)", "isolation shared→dedicated")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: function attributes that describe versioning rather than configuration
_FUNCTION_VERSIONING = frozenset(
    {"version", "source_hash", "source", "retain_versions", "keep_versions"}
)

Explain = Callable[[Mapping[str, Any], Mapping[str, Any], list[str]], list[str]]


def update_reasons(
    type_: str, before: Mapping[str, Any], after: Mapping[str, Any], changed: list[str]
) -> list[str]:
    """Reasons for an update of a resource of `type_` whose top-level attributes `changed`."""
    explain = _EXPLAINERS.get(type_, _generic)
    return explain(before, after, changed)


def short_version(value: Any) -> str:
    """The first 12 characters of a version hash, for display."""
    text = str(value)
    return text.split(":", 1)[-1][:12]


def _generic(before: Mapping[str, Any], after: Mapping[str, Any], changed: list[str]) -> list[str]:
    return [f"configuration changed: {', '.join(changed)}"] if changed else []


def _function(before: Mapping[str, Any], after: Mapping[str, Any], changed: list[str]) -> list[str]:
    reasons: list[str] = []
    if "source_hash" in changed:
        reasons.append("code changed")
    elif "source" in changed:
        reasons.append("source moved")
    if "runtime" in changed:
        runtime = after.get("runtime")
        name = runtime.get("address") if isinstance(runtime, dict) else None
        reasons.append(f"runtime {name} changed" if name else "runtime changed")
    config = [name for name in changed if name not in _FUNCTION_VERSIONING and name != "runtime"]
    if config:
        reasons.append(f"configuration changed: {', '.join(config)}")
    if "version" in changed:
        old, new = before.get("version"), after.get("version")
        shown = short_version(new) if isinstance(new, str) else "known after apply"
        detail = f" ({short_version(old)} → {shown})" if old and new else ""
        reasons.append(f"publishes a new version{detail}")
    if "version" in changed or "retain_versions" in changed or "keep_versions" in changed:
        reasons.append(_retention(after))
    return reasons


def _retention(after: Mapping[str, Any]) -> str:
    """Which older versions apply keeps, and why (pinned ones are never deleted)."""
    keep = after.get("keep_versions")
    pinned = [short_version(v) for v in after.get("retain_versions") or []]
    newest = f"keeps the newest {keep} versions" if keep else "keeps the newest versions"
    if not pinned:
        return newest
    return f"{newest} and {', '.join(pinned)} (pinned by a workflow's versions[N], never deleted)"


def _workflow(before: Mapping[str, Any], after: Mapping[str, Any], changed: list[str]) -> list[str]:
    reasons: list[str] = []
    if "isolation" in changed:
        reasons.append(f"isolation {before.get('isolation')}→{after.get('isolation')}")
    if "document" in changed:
        reasons.extend(_document_reasons(before.get("document") or {}, after.get("document") or {}))
    rest = [name for name in changed if name not in {"isolation", "document", "version"}]
    if rest:
        reasons.append(f"configuration changed: {', '.join(rest)}")
    return reasons


def _document_reasons(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    old_steps = {step.get("name"): step for step in before.get("steps") or []}
    new_steps = {step.get("name"): step for step in after.get("steps") or []}
    reasons = [
        f"uses {call['address']} at version {short_version(call['version'])}"
        f" (was {short_version(old_version)})"
        for name, step in new_steps.items()
        if name in old_steps
        for call, old_version in _calls(step, old_steps[name])
    ]
    added = sorted(str(name) for name in new_steps.keys() - old_steps.keys())
    removed = sorted(str(name) for name in old_steps.keys() - new_steps.keys())
    modified = sorted(
        str(name)
        for name in new_steps.keys() & old_steps.keys()
        if _without_versions(new_steps[name]) != _without_versions(old_steps[name])
    )
    parts = [
        f"{label} {', '.join(names)}"
        for label, names in (("added", added), ("removed", removed), ("modified", modified))
        if names
    ]
    if parts:
        reasons.append(f"steps changed: {'; '.join(parts)}")
    other = sorted(
        key
        for key in before.keys() | after.keys()
        if key != "steps" and before.get(key) != after.get(key)
    )
    if other:
        reasons.append(f"workflow definition changed: {', '.join(other)}")
    return reasons


def _calls(step: Mapping[str, Any], old: Mapping[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    """The function/workflow a step calls when it is the same target at a different version,
    with the version it called before (a new one, or an older one a pin moves back to)."""
    found = []
    for kind in ("function", "workflow"):
        call, old_call = step.get(kind), old.get(kind)
        if (
            isinstance(call, dict)
            and isinstance(old_call, dict)
            and call.get("address") == old_call.get("address")
            and call.get("version") != old_call.get("version")
        ):
            found.append((call, old_call.get("version")))
    return found


def _without_versions(step: Mapping[str, Any]) -> dict[str, Any]:
    """A step with the pinned versions of what it calls removed (those have their own reason)."""
    stripped = dict(step)
    for kind in ("function", "workflow"):
        call = stripped.get(kind)
        if isinstance(call, dict):
            stripped[kind] = {k: v for k, v in call.items() if k != "version"}
    return stripped


_EXPLAINERS: dict[str, Explain] = {"function": _function, "workflow": _workflow}
