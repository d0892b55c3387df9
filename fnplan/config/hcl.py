"""Parse HCL files with tree-sitter into fnplan.config.syntax bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnplan.config.syntax import Attribute, Block, Body
from fnplan.errors import ConfigError, SourcePos
from fnplan.expr.cst import Converter
from fnplan.expr.treesitter import SourceMap, check_syntax, parse_tree

if TYPE_CHECKING:
    from tree_sitter import Node


def parse_hcl(source: bytes, filename: str) -> Body:
    """The syntax tree of one HCL file; a syntax error raises ConfigError at its position."""
    smap = SourceMap.of(filename, source)
    tree = parse_tree(source)
    check_syntax(tree, smap)
    converter = _BodyConverter(smap)
    root = tree.root_node
    body = next((child for child in root.children if child.type == "body"), None)
    start = SourcePos(filename, 1, 1)
    return converter.body(body, start) if body is not None else Body({}, [], start)


class _BodyConverter(Converter):
    def body(self, node: Node, pos: SourcePos) -> Body:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in node.children:
            kind = child.type
            if kind == "attribute":
                self._add_attribute(attributes, self._attribute(child))
            elif kind == "block":
                blocks.append(self._block(child))
        return Body(attributes, blocks, pos)

    def _attribute(self, node: Node) -> Attribute:
        children = node.children
        name, value = children[0], children[-1]
        return Attribute(
            self._name(name), self.expr(value), self.smap.pos(value), self.smap.pos(name)
        )

    @staticmethod
    def _add_attribute(attributes: dict[str, Attribute], attribute: Attribute) -> None:
        first = attributes.get(attribute.name)
        if first is not None:
            raise ConfigError(
                f"attribute '{attribute.name}' is set twice",
                pos=attribute.name_pos,
                notes=[f"first set at {first.name_pos}"],
                hint="remove one of them",
            )
        attributes[attribute.name] = attribute

    def _block(self, node: Node) -> Block:
        children = node.children
        labels: list[str] = []
        label_pos: list[SourcePos] = []
        body_node: Node | None = None
        start_pos = self.smap.pos(node)
        for child in children[1:]:
            kind = child.type
            if kind == "string_lit":
                label = self.expr(child)
                labels.append(str(getattr(label, "value", "")))
                label_pos.append(self.smap.pos(child))
            elif kind == "identifier":
                labels.append(self._name(child))
                label_pos.append(self.smap.pos(child))
            elif kind == "block_start":
                start_pos = self.smap.pos(child)
            elif kind == "body":
                body_node = child
        body = self.body(body_node, start_pos) if body_node is not None else Body({}, [], start_pos)
        return Block(self._name(children[0]), labels, body, self.smap.pos(node), label_pos)

    def _name(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")
