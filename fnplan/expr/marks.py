"""Sensitivity as a mark, after Terraform: a `Marked` value wraps the plain value of a sensitive
variable (or anything computed from one). The evaluator unmarks operands, computes, and marks
the result, so derived values (`upper(var.key)`, templates, `jsonencode`) stay sensitive.

Marks live only while expressions are evaluated; where a value leaves the evaluator it is
unmarked and its `sensitive_texts` are recorded, so plans, documents and logs can hide them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fnplan.errors import FnplanError

#: marked texts shorter than this are hidden in error messages only where quoted
_BARE = 4
#: how plan text, listings and errors show a marked value
HIDDEN = "(sensitive value)"


class Marked:
    """A sensitive value: `value` is the plain value (never itself Marked)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value: Any = value.value if isinstance(value, Marked) else value

    def __repr__(self) -> str:
        return HIDDEN

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Marked) and bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash(("marked", repr(self.value)))


def mark(value: Any) -> Marked:
    """`value` marked sensitive (marking twice is marking once)."""
    return value if isinstance(value, Marked) else Marked(value)


def mark_if(value: Any, marked: bool) -> Any:
    """`value`, marked when `marked`."""
    return mark(value) if marked else value


def unmark(value: Any) -> tuple[Any, bool]:
    """The plain value at the top level and whether it was marked (marks inside stay)."""
    if isinstance(value, Marked):
        return value.value, True
    return value, False


def has_marks(value: Any) -> bool:
    """Whether `value` is marked or holds a marked value anywhere inside."""
    if isinstance(value, str | int | float) or value is None:
        return False
    if isinstance(value, Marked):
        return True
    if isinstance(value, dict):
        return any(has_marks(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(has_marks(item) for item in value)
    return False


def unmark_deep(value: Any) -> tuple[Any, bool]:
    """`value` with every mark removed, and whether there was any."""
    if not has_marks(value):
        return value, False
    return _strip(value), True


def _strip(value: Any) -> Any:
    if isinstance(value, Marked):
        return _strip(value.value)
    if isinstance(value, dict):
        if getattr(value, "secrets", None) is not None:  # a Residual: keep its expression
            return value
        return {key: _strip(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_strip(item) for item in value]
    return value


def sensitive_texts(value: Any, inside: bool = False) -> set[str]:
    """The texts a marked value (or marked parts of `value`) would show: string leaves, the
    source of marked run-time expressions and the marked literals embedded in them."""
    found: set[str] = set()
    if isinstance(value, Marked):
        return sensitive_texts(value.value, True)
    secrets = getattr(value, "secrets", None)
    if isinstance(secrets, frozenset):  # a Residual
        found |= secrets
        if inside:
            found.add(value["$expr"])
        return found
    if isinstance(value, dict):
        for item in value.values():
            found |= sensitive_texts(item, inside)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= sensitive_texts(item, inside)
    elif inside and isinstance(value, str) and value:
        found.add(value)
    elif inside and isinstance(value, int | float) and not isinstance(value, bool):
        found.add(str(value))
    return found


def redact_error(error: FnplanError, values: Iterable[Any]) -> FnplanError:
    """`error` with no trace of the marked parts of `values`: their texts (and reprs) in the
    message, hint and notes become HIDDEN and the list of allowed names is dropped."""
    texts: set[str] = set()
    for value in values:
        texts |= sensitive_texts(value)
        if isinstance(value, Marked) and isinstance(value.value, dict):
            texts |= {key for key in value.value if key}
    if not texts:
        return error
    # quoted forms always; bare text only when long enough not to garble the message's words
    shown = {repr(text) for text in texts} | {text for text in texts if len(text) >= _BARE}
    ordered = sorted(shown, key=len, reverse=True)

    def hide(text: str) -> str:
        for secret in ordered:
            text = text.replace(secret, HIDDEN)
        return text

    error.message = hide(error.message)
    error.hint = hide(error.hint) if error.hint else error.hint
    error.notes = [hide(note) for note in error.notes]
    error.allowed = None
    return error
