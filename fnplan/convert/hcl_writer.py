"""fnplan HCL written from data, for the generators (`fnplan scan`, `fnplan convert`).

Values are rendered by the studio's expression writer (`{"$expr": "step.a.output"}` is an
expression, anything else a literal); the result goes through `fnplan fmt`'s formatter so
generated files are already canonical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fnplan.config.fmt import format_hcl
from fnplan.studio.hcl_text import hcl

_INDENT = "  "
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def expr(source: str) -> dict[str, str]:
    """An HCL expression written as is (a reference, a call), not as a string literal."""
    return {"$expr": source}


@dataclass
class Block:
    """One HCL block: `type "label" ... { attributes; nested blocks }`."""

    type: str
    labels: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def render(blocks: list[Block], header: list[str] | None = None) -> str:
    """A whole file: an optional comment header, then the blocks separated by blank lines."""
    parts = ["".join(f"# {line}\n" for line in header)] if header else []
    parts.extend(_block(block, 0) for block in blocks)
    text = "\n".join(parts)
    return format_hcl(text.encode(), "<generated>").decode()


def _block(block: Block, depth: int) -> str:
    pad = _INDENT * depth
    labels = "".join(f" {hcl(label)}" for label in block.labels)
    lines = [f"{pad}# {comment}" for comment in block.comments]
    if not block.attributes and not block.blocks:
        return "\n".join([*lines, f"{pad}{block.type}{labels} {{}}"]) + "\n"
    lines.append(f"{pad}{block.type}{labels} {{")
    for name, value in block.attributes.items():
        lines.append(f"{pad}{_INDENT}{name} = {_value(value, depth + 1)}")
    lines.extend(_block(child, depth + 1).rstrip("\n") for child in block.blocks)
    lines.append(f"{pad}}}")
    return "\n".join(lines) + "\n"


def _value(value: Any, depth: int) -> str:
    """Non-empty maps of literal keys go on one line per key, as people write them."""
    if isinstance(value, dict) and value and set(value) != {"$expr"}:
        pad = _INDENT * depth
        items = [f"{pad}{_INDENT}{_key(k)} = {_value(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    return hcl(value)


def _key(key: str) -> str:
    """A map key: bare when it is an identifier, else a string literal."""
    return key if _IDENTIFIER.fullmatch(key) else hcl(key)
