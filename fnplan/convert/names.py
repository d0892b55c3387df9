"""Names from other formats made into fnplan identifiers, remembering which ones changed so
that the generators can say so."""

from __future__ import annotations

import re

from fnplan.config.names import MAX_NAME, is_name

_INVALID = re.compile(r"[^A-Za-z0-9_-]+")


def identifier(name: str) -> str:
    """`name` as a block name: other characters become `_`, a leading digit gets a `_`."""
    if is_name(name):
        return name
    text = _INVALID.sub("_", name).strip("_") or "unnamed"
    if not (text[0].isalpha() or text[0] == "_"):
        text = f"_{text}"
    return text[:MAX_NAME]


class Names:
    """Unique identifiers per kind of block; every name that had to change is recorded."""

    def __init__(self) -> None:
        self._taken: dict[str, set[str]] = {}
        self.renamed: list[tuple[str, str, str]] = []  # (kind, original, identifier)

    def name(self, kind: str, original: str) -> str:
        """The identifier for `original` among the `kind` blocks already named."""
        taken = self._taken.setdefault(kind, set())
        base = identifier(original)
        chosen, counter = base, 2
        while chosen in taken:
            chosen, counter = f"{base[: MAX_NAME - 4]}_{counter}", counter + 1
        taken.add(chosen)
        if chosen != original:
            self.renamed.append((kind, original, chosen))
        return chosen

    def notes(self) -> list[str]:
        """One line per renamed element, for the conversion report."""
        return [f"{kind} {original!r} is named {new!r}" for kind, original, new in self.renamed]
