"""Canonical JSON and hashes: the identity of versions, documents and the whole configuration.

Integral floats are written as ints so that `timeout = 30` (HCL) and `timeout: 30.0` (YAML)
hash the same.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def plain(value: Any) -> Any:
    """`value` with integral floats turned into ints (recursively), ready to hash or store;
    a {"$ref"} placeholder keeps only its address and attribute (where it was written is for
    messages, kept beside them by fnplan.config.after_apply: moving a line changes no version)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            if value.keys() <= {"$ref", "attr"}:
                return value
            return {key: value[key] for key in ("$ref", "attr") if key in value}
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def canonical_json(value: Any) -> str:
    """Sorted-keys, compact JSON: equal data always gives equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str | bytes) -> str:
    """Hex sha256 of text (UTF-8) or bytes."""
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def hash_json(value: Any) -> str:
    """Hex sha256 of the canonical JSON of `value`."""
    return sha256_hex(canonical_json(value))
