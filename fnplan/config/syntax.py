"""The syntax tree of one configuration file: bodies of attributes and blocks whose values
are fnplan.expr expressions. HCL and YAML loaders both produce it; evaluation consumes it."""

from __future__ import annotations

from dataclasses import dataclass, field

from fnplan.errors import SourcePos
from fnplan.expr.ast import Expr


@dataclass(slots=True)
class Attribute:
    """`name = expr`; `pos` is where the expression starts, `name_pos` where the name does."""

    name: str
    expr: Expr
    pos: SourcePos
    name_pos: SourcePos


@dataclass(slots=True)
class Block:
    """`type "label" ... { body }`."""

    type: str
    labels: list[str]
    body: Body
    pos: SourcePos
    label_pos: list[SourcePos] = field(default_factory=list)


@dataclass(slots=True)
class Body:
    """The contents of a file or a block: attributes by name (in order) and nested blocks."""

    attributes: dict[str, Attribute]
    blocks: list[Block]
    pos: SourcePos

    def blocks_of(self, block_type: str) -> list[Block]:
        """The nested blocks of one type, in source order."""
        return [block for block in self.blocks if block.type == block_type]
