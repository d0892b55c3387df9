"""What a parsed HCL file means, for comparing a file before and after formatting."""

from __future__ import annotations

from typing import Any

from fnplan.config.hcl import parse_hcl
from fnplan.config.syntax import Body
from fnplan.errors import FnplanError
from fnplan.expr import evaluate, references, to_source


def meaning(source: bytes) -> Any:
    """Blocks, labels and every attribute's expression (printed) and static value."""
    return _body(parse_hcl(source, "t.hcl"))


def _body(body: Body) -> Any:
    attributes = {name: _value(attr.expr) for name, attr in body.attributes.items()}
    blocks = [(block.type, block.labels, _body(block.body)) for block in body.blocks]
    return attributes, blocks


def _value(expr: Any) -> Any:
    if references(expr):
        return to_source(expr), None
    try:
        return to_source(expr), evaluate(expr, {})
    except FnplanError as error:
        return to_source(expr), error.message
