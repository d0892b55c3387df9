"""Masking of sensitive values in everything a run writes, as CI systems mask secrets (`***`).

The values come from the workflow document's `sensitive_values` (marked at compile time).
Each is also masked in its JSON-escaped forms, so a secret inside JSON text held in a string
(an http body, a line a handler printed) is hidden too. Longer values are masked first, so a
secret that contains another one is not left half visible.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from fnplan.run.records import ErrorInfo

MASK = "***"


class Masker:
    """Replaces every known sensitive value (and its JSON-escaped forms) with `***`."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.values = tuple(sorted({value for value in values if value}))
        forms = {form for value in self.values for form in _forms(value)}
        ordered = sorted(forms, key=lambda form: (-len(form), form))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def text(self, text: str) -> str:
        """`text` with every sensitive value masked."""
        if self._pattern is None:
            return text
        return self._pattern.sub(MASK, text)

    def value(self, value: Any) -> Any:
        """A JSON-like value with every string (and object key) masked."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(key): self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def error(self, error: ErrorInfo) -> ErrorInfo:
        """An error whose message and traceback are masked."""
        if self._pattern is None:
            return error
        traceback = None if error.traceback is None else self.text(error.traceback)
        return ErrorInfo(type=error.type, message=self.text(error.message), traceback=traceback)

    def data(self, data: bytes) -> bytes:
        """Captured output (any bytes; invalid UTF-8 is kept as it is) with values masked."""
        if self._pattern is None:
            return data
        return self.text(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")


def _forms(value: str) -> set[str]:
    """The value as written in text, in JSON strings, and in JSON nested in a JSON string."""
    escaped = json.dumps(value)[1:-1]
    return {
        value,
        escaped,
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(escaped)[1:-1],
    }
