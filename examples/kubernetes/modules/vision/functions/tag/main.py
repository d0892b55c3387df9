"""tag: turn detected labels into prefixed tags and a one-line summary."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Return {"tags": ["PREFIX:label", ...], "summary": "name: label, label"}."""
    prefix = str(event.get("prefix") or "vision")
    labels = [str(label) for label in event.get("labels") or []]
    name = PurePath(str(event.get("image", "?"))).name
    return {
        "tags": [f"{prefix}:{label}" for label in labels],
        "summary": f"{name}: {', '.join(labels) if labels else 'no labels'}",
    }
