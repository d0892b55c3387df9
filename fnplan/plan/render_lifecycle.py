"""How a plan shows moves and deposed objects: "function.old has moved to function.new",
and "function.x (deposed object abc123) will be deleted"."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnplan.plan.model import ResourceChange

#: symbol and style of a move with nothing else to change
MOVE_SYMBOL, MOVE_STYLE = "->", "cyan"


def shown(change: ResourceChange) -> bool:
    """Whether the plan lists the change although its action may be a no-op (a move)."""
    return change.moved_from is not None


def moved_text(change: ResourceChange) -> str | None:
    """ "function.old has moved to function.new", for a moved resource."""
    if change.moved_from is None:
        return None
    return f"{change.moved_from} has moved to {change.address}"


def lifecycle_label(change: ResourceChange, headline: str) -> tuple[str, str]:
    """The address as shown and the headline: a deposed object is named by its key."""
    if change.deposed is not None:
        return f"{change.address} (deposed object {change.deposed})", "will be deleted"
    return change.address, headline
