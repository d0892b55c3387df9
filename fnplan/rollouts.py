"""A function's `rollout` block as every provider reads it (public for providers): the traffic
percents a new version goes through and the wait between them, so that AWS alias weights and
Knative traffic splits walk the same steps (docs/language.md, `rollout`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fnplan.errors import FnplanError

__all__ = ["is_gradual", "rollout_interval", "traffic_steps"]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def is_gradual(rollout: Mapping[str, Any] | None) -> bool:
    """Whether a new version takes its traffic in steps (canary or linear with a step < 100)."""
    return traffic_steps(rollout) != [100]


def traffic_steps(rollout: Mapping[str, Any] | None) -> list[int]:
    """The percents of traffic on the new version at each step, ending with 100 (all at once:
    just [100]); the steps are sorted and each is taken once."""
    rollout = rollout or {}
    if rollout.get("strategy", "all_at_once") == "all_at_once":
        return [100]
    steps = sorted({int(s) for s in rollout.get("steps") or [] if 0 < int(s) < 100})
    return [*steps, 100]


def rollout_interval(rollout: Mapping[str, Any] | None) -> float:
    """Seconds to wait between steps: `interval` as "90", "45s", "10m", "1h30m" or "500ms"."""
    text = str((rollout or {}).get("interval") or "0").strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if not re.fullmatch(f"(?:{_DURATION.pattern})+", text):
        raise FnplanError(
            f"rollout interval {text!r} is not a duration",
            hint='use seconds or units, e.g. "90", "45s", "10m", "1h30m"',
        )
    return sum(float(n) * _UNIT[u] for n, u in _DURATION.findall(text))
