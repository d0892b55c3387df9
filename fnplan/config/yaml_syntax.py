"""YAML configuration files (`*.fnplan.yaml`) mapped onto the same Body/Block/Attribute
structure as HCL, guided by the block schemas: keys the schema calls blocks become blocks,
every other key is an attribute; string values are templates ("${function.fetch}")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.config.schema import ROOT, BlockSchema
from fnplan.config.syntax import Attribute, Block, Body
from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.expr import ast, parse_template
from fnplan.expr.cst import MAX_DEPTH

if TYPE_CHECKING:
    import yaml

_STR = "tag:yaml.org,2002:str"
#: values that aliases may add to a file by expansion (each walk of an aliased node again)
MAX_ALIAS_VALUES = 100_000
_QUOTED = frozenset({"'", '"'})


def parse_yaml(source: bytes, filename: str) -> Body:
    """The Body of one YAML file; syntax errors and duplicate keys are ConfigErrors."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(source)
    try:
        node = loader.get_single_node()
        return _Mapper(filename, loader).root(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        pos = SourcePos(filename, mark.line + 1, mark.column + 1) if mark else None
        raise ConfigError(f"invalid YAML: {error.problem or error.context}", pos=pos) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"invalid YAML: {error}", pos=SourcePos(filename, 1, 1)) from None
    finally:
        loader.dispose()


class _Mapper:
    """Walks composed YAML nodes, keeping their positions. An alias is the very node its anchor
    made, so walking it again is expansion: that is counted and capped (a "billion laughs" file
    is a few lines of aliases of aliases)."""

    def __init__(self, filename: str, loader: Any) -> None:
        self.filename = filename
        self.loader = loader
        self.walked: set[int] = set()  # ids of the nodes walked so far
        self.expanded = 0  # nodes walked again, through an alias
        self.depth = 0  # collections around the value being mapped

    def visit(self, node: yaml.Node) -> None:
        """Count a node about to be mapped; refuse runaway alias expansion."""
        if id(node) not in self.walked:
            self.walked.add(id(node))
            return
        self.expanded += 1
        if self.expanded > MAX_ALIAS_VALUES:
            raise ConfigError(
                f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values",
                pos=self.pos(node),
                hint="aliases of aliases multiply; write the values out or use fewer aliases",
            )

    def pos(self, node: yaml.Node) -> SourcePos:
        mark = node.start_mark
        return SourcePos(self.filename, mark.line + 1, mark.column + 1)

    def root(self, node: yaml.Node | None) -> Body:
        if node is None:
            return Body({}, [], SourcePos(self.filename, 1, 1))
        for key, _ in self.pairs(node, "the top level of a configuration file"):
            if key.value not in ROOT.blocks:
                raise ConfigError(
                    f"unknown block type {key.value!r}",
                    pos=self.pos(key),
                    allowed=list(ROOT.blocks),
                    hint=did_you_mean(key.value, ROOT.blocks),
                )
        return self.body(node, ROOT)

    def pairs(self, node: yaml.Node, where: str) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
        """The key/value node pairs of a mapping, rejecting non-mappings and duplicate keys."""
        import yaml

        if not isinstance(node, yaml.MappingNode):
            raise ConfigError(f"expected a mapping at {where}", pos=self.pos(node))
        seen: dict[str, SourcePos] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
                raise ConfigError("mapping keys must be strings", pos=self.pos(key))
            if key.value in seen:
                raise ConfigError(
                    f"duplicate key {key.value!r} (first at {seen[key.value]})", pos=self.pos(key)
                )
            seen[key.value] = self.pos(key)
        return list(node.value)

    def body(self, node: yaml.Node | None, schema: BlockSchema) -> Body:
        """A block body: keys the schema names as blocks become blocks, others attributes."""
        import yaml

        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            pos = self.pos(node) if node is not None else SourcePos(self.filename, 1, 1)
            return Body({}, [], pos)
        self.visit(node)
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for key, value in self.pairs(node, "a block body"):
            nested = None if schema.open else schema.blocks.get(key.value)
            if nested is not None:
                blocks.extend(self.blocks(key, value, nested))
            else:
                pos = self.pos(key)
                attributes[key.value] = Attribute(key.value, self.expr(value), pos, pos)
        return Body(attributes, blocks, self.pos(node))

    def blocks(self, key: yaml.ScalarNode, node: yaml.Node, schema: BlockSchema) -> list[Block]:
        """`type: {...}`, `type: [{...}, ...]` (repeatable) or `type: {LABEL: {...}, ...}`."""
        import yaml

        if schema.labels:
            return self.labelled(key, node, schema, [], [])
        if isinstance(node, yaml.SequenceNode):
            if not schema.repeatable:
                raise ConfigError(
                    f"{key.value!r} may appear once; write a mapping", pos=self.pos(node)
                )
            items = node.value
        else:
            items = [node]
        return [Block(key.value, [], self.body(item, schema), self.pos(key), []) for item in items]

    def labelled(
        self,
        key: yaml.ScalarNode,
        node: yaml.Node,
        schema: BlockSchema,
        labels: list[str],
        positions: list[SourcePos],
    ) -> list[Block]:
        """`type: {LABEL: {...}}`, one mapping level per label (`data: {TYPE: {NAME: {...}}}`)."""
        found: list[Block] = []
        for label, value in self.pairs(node, f"{key.value!r} (a mapping of names)"):
            named, at = [*labels, label.value], [*positions, self.pos(label)]
            if len(named) < len(schema.labels):
                found.extend(self.labelled(key, value, schema, named, at))
            else:
                found.append(Block(key.value, named, self.body(value, schema), at[0], at))
        return found

    def expr(self, node: yaml.Node) -> ast.Expr:
        """An attribute value: strings are templates, other scalars literals, collections
        list/object constructors."""
        import yaml

        self.visit(node)
        pos = self.pos(node)
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            return self.collection(node)
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            column = pos.column + (1 if node.style in _QUOTED else 0)
            line = pos.line + (1 if node.style in ("|", ">") else 0)
            return parse_template(node.value, file=self.filename, line=line, column=column)
        value = self.loader.construct_object(node)
        if not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)  # dates and the like are plain text in configuration
        return ast.Literal(value, pos)

    def collection(self, node: yaml.SequenceNode | yaml.MappingNode) -> ast.Expr:
        """A list or object constructor, at most MAX_DEPTH levels deep as in HCL."""
        import yaml

        pos = self.pos(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConfigError(
                f"expression nested too deeply: more than {MAX_DEPTH} levels", pos=pos
            )
        result: ast.Expr
        if isinstance(node, yaml.SequenceNode):
            result = ast.ListExpr(tuple(self.expr(item) for item in node.value), pos)
        else:
            items = tuple(
                (ast.Literal(key.value, self.pos(key)), self.expr(value))
                for key, value in self.pairs(node, "an object value")
            )
            result = ast.ObjectExpr(items, pos)
        self.depth -= 1  # not restored on errors: they abandon the whole file
        return result
