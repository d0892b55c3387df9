"""Where a live object differs from the manifest fnplan applied: the paths refresh reports
as drift (`spec.templates[1].http.url`)."""

from __future__ import annotations

from typing import Any


def differences(expected: Any, live: Any, path: str, *, extra: bool = True) -> list[str]:
    """The paths where `live` is not `expected`; with `extra=False`, fields only `live` has
    (what a controller or webhook defaults) are not differences."""
    if isinstance(expected, dict) and isinstance(live, dict):
        keys = set(expected) | set(live) if extra else set(expected)
        return [
            found
            for key in sorted(keys, key=str)
            for found in differences(expected.get(key), live.get(key), f"{path}.{key}", extra=extra)
        ]
    if isinstance(expected, list) and isinstance(live, list) and len(expected) == len(live):
        return [
            found
            for index, (want, have) in enumerate(zip(expected, live, strict=True))
            for found in differences(want, have, f"{path}[{index}]", extra=extra)
        ]
    return [] if expected == live else [path]


def drift_note(changed: list[str]) -> str:
    """How an observed attribute shows drift: the first three paths and how many more."""
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if changed[3:] else "")
    return f"(changed outside fnplan): {shown}"
