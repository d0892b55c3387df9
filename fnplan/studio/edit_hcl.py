"""Graph operations applied to HCL source by splicing tree-sitter byte ranges, so only the
lines an operation is about change and comments and formatting elsewhere stay byte-identical."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnplan.errors import FnplanError, SourcePos
from fnplan.expr.treesitter import parse_tree
from fnplan.studio import ops as o

if TYPE_CHECKING:
    from tree_sitter import Node

_INDENT = "  "


def declares(source: bytes, workflow: str) -> bool:
    """Whether this file holds `workflow "NAME"` (NAME from the address `workflow.NAME`)."""
    return _find_block(_body(parse_tree(source).root_node), "workflow", _name(workflow)) is not None


def apply(source: bytes, op: o.Operation, file: str) -> bytes:
    """The source with one operation applied; raises FnplanError when it cannot be."""
    edit = _Editor(source, file)
    if isinstance(op, o.AddStep):
        return edit.add_step(op)
    if isinstance(op, o.RemoveStep):
        return edit.remove_block(edit.step(op.workflow, op.step))
    if isinstance(op, o.RenameStep):
        return edit.rename_step(op)
    if isinstance(op, o.SetAttribute):
        return edit.set_attribute(edit.step(op.workflow, op.step), op.attribute, op.value)
    if isinstance(op, o.UnsetAttribute):
        return edit.unset_attribute(edit.step(op.workflow, op.step), op.attribute)
    if isinstance(op, o.SetIsolation):
        return edit.set_attribute(edit.workflow(op.workflow), "isolation", f'"{op.isolation}"')
    if isinstance(op, o.AddEdge):
        return edit.add_edge(op)
    if isinstance(op, o.RemoveEdge):
        return edit.remove_edge(op)
    if isinstance(op, o.MoveStep):
        return edit.move_step(op)
    raise FnplanError(f"{op.op} is not supported for HCL files yet", pos=SourcePos(file, 1, 1))


class _Editor:
    """One parse of one file and the splices made on it."""

    def __init__(self, source: bytes, file: str) -> None:
        self.source = source
        self.file = file
        self.root = _body(parse_tree(source).root_node)

    def workflow(self, address: str) -> Node:
        block = _find_block(self.root, "workflow", _name(address))
        if block is None:
            raise FnplanError(f"{address} is not declared in {self.file}")
        return block

    def step(self, workflow: str, name: str) -> Node:
        block = self.workflow(workflow)
        step = _find_block(_body(block), "step", name)
        if step is None:
            raise FnplanError(
                f"{workflow} has no step {name!r}",
                pos=self._pos(block),
                allowed=[_label(s) for s in _blocks(_body(block), "step")],
            )
        return step

    def add_step(self, op: o.AddStep) -> bytes:
        block = self.workflow(op.workflow)
        if _find_block(_body(block), "step", op.step) is not None:
            raise FnplanError(f"{op.workflow} already has a step {op.step!r}", pos=self._pos(block))
        steps = _blocks(_body(block), "step")
        indent = self._indent(steps[-1]) if steps else self._indent(block) + _INDENT
        lines = [f'{indent}step "{op.step}" {{']
        lines += [f"{indent}{_INDENT}{key} = {value}" for key, value in op.attributes.items()]
        lines.append(f"{indent}}}")
        at = _line_after(self.source, steps[-1].end_byte) if steps else self._body_end(block)
        return self._splice(at, at, "\n" + "\n".join(lines) + "\n")

    def remove_block(self, block: Node) -> bytes:
        start = _line_start(self.source, block.start_byte)
        end = _line_after(self.source, block.end_byte)
        if start >= 1 and self.source[start - 1 : start] == b"\n":
            before = _line_start(self.source, start - 1)
            if self.source[before : start - 1].strip() == b"":
                start = before
        return self._splice(start, end, "")

    def move_step(self, op: o.MoveStep) -> bytes:
        """Cut the step's block (with the comment lines right above it) and append it to the
        steps of `into`, declared in the same file."""
        step = self.step(op.workflow, op.step)
        target = self.workflow(op.into)
        if op.into == op.workflow or _find_block(_body(target), "step", op.step) is not None:
            raise FnplanError(f"{op.into} already has a step {op.step!r}", pos=self._pos(target))
        start = _comments_above(self.source, _line_start(self.source, step.start_byte))
        end = _line_after(self.source, step.end_byte)
        moved = self.source[start:end].decode()
        cut = start
        if cut >= 1 and self.source[_line_start(self.source, cut - 1) : cut].strip() == b"":
            cut = _line_start(self.source, cut - 1)
        steps = _blocks(_body(target), "step")
        at = _line_after(self.source, steps[-1].end_byte) if steps else self._body_end(target)
        if at <= cut:
            return (
                self.source[:at] + b"\n" + moved.encode() + self.source[at:cut] + self.source[end:]
            )
        return self.source[:cut] + self.source[end:at] + b"\n" + moved.encode() + self.source[at:]

    def rename_step(self, op: o.RenameStep) -> bytes:
        block = self.workflow(op.workflow)
        step = self.step(op.workflow, op.step)
        if _find_block(_body(block), "step", op.to) is not None:
            raise FnplanError(f"{op.workflow} already has a step {op.to!r}", pos=self._pos(block))
        label = next(c for c in step.children if c.type == "string_lit")
        spans = [(label.start_byte, label.end_byte, f'"{op.to}"')]
        spans += [(n.start_byte, n.end_byte, op.to) for n in _step_refs(block, op.step)]
        result = self.source
        for start, end, text in sorted(spans, reverse=True):
            result = result[:start] + text.encode() + result[end:]
        return result

    def set_attribute(self, block: Node, name: str, value: str) -> bytes:
        attribute = _find_attribute(block, name)
        if attribute is not None:
            expression = attribute.children[-1]
            return self._splice(expression.start_byte, expression.end_byte, value)
        attributes = [c for c in _body_children(block) if c.type == "attribute"]
        if attributes:
            indent = self._indent(attributes[-1])
            at = _line_after(self.source, attributes[-1].end_byte)
        else:
            indent = self._indent(block) + _INDENT
            at = self._body_start(block)
        return self._splice(at, at, f"{indent}{name} = {value}\n")

    def unset_attribute(self, block: Node, name: str) -> bytes:
        attribute = _find_attribute(block, name)
        if attribute is None:
            raise FnplanError(f"{name!r} is not set here", pos=self._pos(block))
        start = _line_start(self.source, attribute.start_byte)
        return self._splice(start, _line_after(self.source, attribute.end_byte), "")

    def add_edge(self, op: o.AddEdge) -> bytes:
        source, target = _name(op.source), _name(op.target)
        self.step(op.workflow, source)
        if op.kind == "error":
            holder = self.step(op.workflow, source)
            errors = ", ".join(f'"{e}"' for e in op.errors or ["any"])
            indent = self._indent(holder) + _INDENT
            text = (
                f"{indent}catch {{\n{indent}{_INDENT}errors = [{errors}]\n"
                f"{indent}{_INDENT}next   = step.{target}\n{indent}}}\n"
            )
            at = self._body_end(holder)
            return self._splice(at, at, text)
        holder = self.step(op.workflow, target)
        tuple_ = self._depends_on(holder)
        if tuple_ is None:
            return self.set_attribute(holder, "depends_on", f"[step.{source}]")
        items = [c for c in tuple_.children if c.type == "expression"]
        if any(_text(i) == f"step.{source}" for i in items):
            raise FnplanError(f"step.{target} already depends on step.{source}")
        if items:
            return self._splice(items[-1].end_byte, items[-1].end_byte, f", step.{source}")
        return self._splice(tuple_.start_byte + 1, tuple_.start_byte + 1, f"step.{source}")

    def remove_edge(self, op: o.RemoveEdge) -> bytes:
        source, target = _name(op.source), _name(op.target)
        if op.kind == "error":
            holder = self.step(op.workflow, source)
            for catch in _blocks(_body(holder), "catch"):
                next_ = _find_attribute(catch, "next")
                if next_ is not None and _text(next_.children[-1]) == op.target:
                    return self.remove_block(catch)
            raise FnplanError(f"step.{source} has no catch going to {op.target}")
        holder = self.step(op.workflow, target)
        tuple_ = self._depends_on(holder)
        items = [c for c in tuple_.children if c.type == "expression"] if tuple_ else []
        index = next((i for i, n in enumerate(items) if _text(n) == op.source), None)
        if index is None:
            raise FnplanError(
                f"step.{target} does not depend on {op.source}", pos=self._pos(holder)
            )
        if len(items) == 1:
            return self.unset_attribute(holder, "depends_on")
        if index == 0:
            return self._splice(items[0].start_byte, items[1].start_byte, "")
        return self._splice(items[index - 1].end_byte, items[index].end_byte, "")

    def _depends_on(self, step: Node) -> Node | None:
        attribute = _find_attribute(step, "depends_on")
        if attribute is None:
            return None
        node = attribute.children[-1]
        while node.type != "tuple":
            if not node.children or node.type not in {"expression", "collection_value"}:
                raise FnplanError("depends_on is not a list", pos=self._pos(attribute))
            node = node.children[0]
        return node

    def _body_start(self, block: Node) -> int:
        opener = next(c for c in block.children if c.type == "block_start")
        return _line_after(self.source, opener.end_byte)

    def _body_end(self, block: Node) -> int:
        closer = next(c for c in block.children if c.type == "block_end")
        start = _line_start(self.source, closer.start_byte)
        if self.source[start : closer.start_byte].strip():
            raise FnplanError(
                "cannot edit a block closed on a line of its own content", pos=self._pos(block)
            )
        return start

    def _indent(self, node: Node) -> str:
        start = _line_start(self.source, node.start_byte)
        return self.source[start : node.start_byte].decode()

    def _splice(self, start: int, end: int, text: str) -> bytes:
        return self.source[:start] + text.encode() + self.source[end:]

    def _pos(self, node: Node) -> SourcePos:
        row, column = node.start_point
        return SourcePos(self.file, row + 1, column + 1)


def _name(address: str) -> str:
    return address.split(".", 1)[1]


def _body(node: Node) -> Node:
    """The body of a block or config file (an empty node list when it has none)."""
    return next((c for c in node.children if c.type == "body"), node)


def _body_children(block: Node) -> list[Node]:
    body = _body(block)
    return list(body.children) if body is not block else []


def _blocks(body: Node, kind: str) -> list[Node]:
    return [c for c in body.children if c.type == "block" and c.children[0].text == kind.encode()]


def _label(block: Node) -> str:
    label = next((c for c in block.children if c.type == "string_lit"), None)
    return _text(label).strip('"') if label is not None else ""


def _find_block(body: Node, kind: str, name: str) -> Node | None:
    return next((b for b in _blocks(body, kind) if _label(b) == name), None)


def _find_attribute(block: Node, name: str) -> Node | None:
    return next(
        (
            c
            for c in _body_children(block)
            if c.type == "attribute" and c.children[0].text == name.encode()
        ),
        None,
    )


def _step_refs(node: Node, name: str) -> list[Node]:
    """The identifier nodes naming `name` in `step.NAME` references under `node`."""
    found: list[Node] = []
    children = list(node.children)
    for index, child in enumerate(children):
        if (
            child.type == "variable_expr"
            and child.text == b"step"
            and index + 1 < len(children)
            and children[index + 1].type == "get_attr"
            and children[index + 1].children[-1].text == name.encode()
        ):
            found.append(children[index + 1].children[-1])
        found += _step_refs(child, name)
    return found


def _text(node: Node) -> str:
    return (node.text or b"").decode()


def _comments_above(source: bytes, line: int) -> int:
    """The start of the comment lines directly above the line starting at `line`."""
    while line > 0:
        above = _line_start(source, line - 1)
        if not source[above:line].strip().startswith(b"#"):
            break
        line = above
    return line


def _line_start(source: bytes, at: int) -> int:
    return source.rfind(b"\n", 0, at) + 1


def _line_after(source: bytes, at: int) -> int:
    end = source.find(b"\n", at)
    return len(source) if end < 0 else end + 1
