"""The `import` and `data` blocks of the whole module tree, for the planner: which addresses
adopt an existing object, and which data blocks were read to compile the configuration."""

from __future__ import annotations

from collections.abc import Iterator

from fnplan.compile.model import Desired, ImportSpec
from fnplan.config.model import Config
from fnplan.errors import ConfigError, SourcePos


def add_external_blocks(config: Config, desired: Desired) -> None:
    """Fill `desired.imports` and `desired.reads` from every module's blocks."""
    for module in _modules(config):
        for block in module.imports:
            if block.to not in desired.resources:
                raise ConfigError(
                    f"import: {block.to} is not a resource of the configuration",
                    pos=SourcePos.parse(block.pos),
                )
            desired.imports[block.to] = ImportSpec(id=block.id, pos=block.pos)
        desired.reads.extend(module.data)
    desired.reads.sort()


def _modules(config: Config) -> Iterator[Config]:
    yield config
    for module in config.modules.values():
        yield from _modules(module.config)
