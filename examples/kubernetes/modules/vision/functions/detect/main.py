"""detect: guess labels for a file from its name and content, with confidence scores."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"%PDF": "pdf",
    b"PK\x03\x04": "zip",
}
_EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".txt": "text"}


def _scores(name: str, data: bytes) -> dict[str, float]:
    scores: dict[str, float] = {}
    for magic, label in _SIGNATURES.items():
        if data.startswith(magic):
            scores[label] = 0.99
            scores["image" if label in ("png", "jpeg", "gif") else "document"] = 0.9
    extension = _EXTENSIONS.get(Path(name).suffix.lower())
    if extension:
        scores[extension] = max(scores.get(extension, 0.0), 0.6)
    if data:
        printable = sum(32 <= byte < 127 or byte in (9, 10, 13) for byte in data[:4096])
        ratio = printable / min(len(data), 4096)
        scores["text" if ratio > 0.95 else "binary"] = round(max(ratio, 1 - ratio), 3)
    scores["large" if len(data) > 1_000_000 else "small"] = 0.8
    return scores


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Read event["image"] and return {"labels": [...], "scores": {...}, "bytes": N, "path": ...}."""
    path = str(event["image"])
    data = Path(path).read_bytes()
    minimum = float(event.get("min_confidence", os.environ.get("MIN_CONFIDENCE", 0.5)))
    limit = int(event.get("max_labels", 5))
    scores = {label: s for label, s in _scores(path, data).items() if s >= minimum}
    labels = sorted(scores, key=lambda label: (-scores[label], label))[:limit]
    return {
        "labels": labels,
        "scores": {label: scores[label] for label in labels},
        "bytes": len(data),
        "path": path,
    }
