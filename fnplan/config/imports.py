"""`import { to = ADDRESS  id = "ID" }` blocks: adopt an existing object into the state at
the next apply (fnplan.plan.imports plans them), as `fnplan import ADDRESS ID` does at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnplan.config.external import ImportBlock
from fnplan.config.schema import TOP_LEVEL
from fnplan.errors import ConfigError

if TYPE_CHECKING:
    from fnplan.config.evaluate import Evaluator
    from fnplan.config.files import ModuleFiles


def module_imports(ev: Evaluator, files: ModuleFiles) -> list[ImportBlock]:
    """The module's import blocks with `to` resolved to a declared resource block (an unknown
    one is an error at the reference) and each address imported once."""
    schema = TOP_LEVEL["import"].attributes
    found: dict[str, ImportBlock] = {}
    for block in files.imports:
        fields = ev.body(block.body, schema)
        to = fields["to"].address
        if to in found:
            raise ConfigError(
                f"{to} is imported twice: at {found[to].pos} and at {block.pos}",
                pos=block.pos,
                hint="one existing object per address",
            )
        found[to] = ImportBlock(to=to, id=fields["id"], pos=str(block.pos))
    return list(found.values())
