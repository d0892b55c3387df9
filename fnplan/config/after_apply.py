"""The placeholder of a value known only after apply, e.g. `workflow.thumbnail.endpoint`.

Kept import-light: cached compiled configurations hold these placeholders, and a warm plan
unpickles them without loading the configuration machinery.
"""

from __future__ import annotations

from typing import Any


class AfterApply(dict[str, Any]):
    """{"$ref": ADDRESS, "attr": NAME}: compares, hashes and serialises as that plain dict;
    `pos` ("file:line:column" of the attribute name) stays beside it, so that validate can
    point at a reference to an output the block's provider does not produce."""

    __slots__ = ("pos",)

    def __init__(self, address: str, attr: str, pos: str | None = None) -> None:
        super().__init__({"$ref": address, "attr": attr})
        self.pos = pos

    def __reduce__(self) -> tuple[Any, ...]:
        return (AfterApply, (self["$ref"], self["attr"], self.pos))
