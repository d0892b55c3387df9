"""How a plan shows what it adopts and reads: `import` blocks ("will be imported") and the
`data` blocks read to make it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

    from fnplan.plan.model import ResourceChange

#: symbol and style of an import with nothing else to change
IMPORT_SYMBOL, IMPORT_STYLE = "<=", "cyan"


def import_headline(change: ResourceChange, headline: str) -> str:
    """The headline of a change that imports: "will be imported" (and what follows)."""
    if change.action == "noop":
        return "will be imported"
    return f"will be imported, then {headline.removeprefix('will be ')}"


def reads_text(reads: list[str]) -> Text:
    """One line per data block read: its values are in the attributes shown below."""
    from rich.text import Text

    text = Text()
    for address in reads:
        text.append(f"  {IMPORT_SYMBOL:>3} ", style=IMPORT_STYLE)
        text.append(f"reading {address}\n")
    return text
