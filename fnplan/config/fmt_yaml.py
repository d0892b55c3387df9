"""Canonical formatting of YAML configuration files (`fnplan fmt`), by a ruamel.yaml round trip.

The round trip keeps every comment, key order, quoting style, flow or block style and
anchor; only the layout is rewritten: two spaces per mapping level, sequences indented
under their key (`key:` then `  - item`), no trailing whitespace, LF line endings and one
final newline. Long lines are never re-wrapped.
"""

from __future__ import annotations

import io
import re
from typing import Any

from fnplan.errors import ConfigError, SourcePos

_WIDTH = 1 << 16  # never fold a long scalar onto several lines
_EXPLICIT_START = re.compile(r"(?:[ \t]*(?:#.*)?\n)*---[ \t]*(?=\n|$)")  # after comments only
_BLOCK_SCALAR = re.compile(r"(?:^|[:-])\s+[|>][-+0-9]*\s*(?:#.*)?$")


def format_yaml(source: bytes, filename: str = "<input>") -> bytes:
    """The canonical form of a YAML file; a syntax error raises ConfigError (nothing changes).

    Formatting is idempotent: a second pass changes nothing."""
    text = source.decode("utf-8", "surrogateescape").replace("\r\n", "\n")
    return _dump(_load(text, filename), text).encode("utf-8", "surrogateescape")


class _Null:
    """A null list item, written `null`: ruamel writes it empty, and then a comment after it
    moves to the next line on every pass (a list item cannot be empty before a comment)."""


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = _WIDTH
    yaml.representer.add_representer(
        _Null, lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _explicit_null_items(node: Any, seen: set[int]) -> None:
    """Replace each None list item by _Null, through every (possibly shared) collection."""
    if id(node) in seen or not isinstance(node, list | dict):
        return
    seen.add(id(node))
    if isinstance(node, list):
        for index, item in enumerate(node):
            if item is None:
                node[index] = _Null()
    for child in node.values() if isinstance(node, dict) else node:
        _explicit_null_items(child, seen)


def _load(text: str, filename: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return list(_yaml().load_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = SourcePos(filename, mark.line + 1, mark.column + 1) if mark is not None else None
        raise ConfigError(f"invalid YAML: {exc.problem or exc.context}", pos=pos) from None
    except YAMLError as exc:  # a character YAML does not allow: its offset in the text
        offset = getattr(exc, "position", None)
        pos = None
        if isinstance(offset, int):
            line_start = text.rfind("\n", 0, offset) + 1
            pos = SourcePos(filename, text.count("\n", 0, offset) + 1, offset - line_start + 1)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise ConfigError(f"invalid YAML: {reason}", pos=pos) from None


def _dump(documents: list[Any], text: str) -> str:
    if all(document is None for document in documents):  # empty, or comments only
        return _strip_trailing(text.split("\n"))
    stream = io.StringIO()
    _explicit_null_items(documents, set())
    _yaml().dump_all(documents, stream)
    start = _EXPLICIT_START.match(text)  # the round trip drops it and the comments above it
    return _strip_trailing(
        [*(start.group(0).split("\n") if start else ()), *stream.getvalue().split("\n")]
    )


def _strip_trailing(lines: list[str]) -> str:
    """Lines without trailing whitespace (comments keep theirs through the round trip),
    except inside block scalars, where it is content; no blank lines at either end."""
    kept: list[str] = []
    scalar_indent: int | None = None  # indentation of the line that opened a block scalar
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if scalar_indent is not None and (not line.strip() or indent > scalar_indent):
            kept.append(line)
            continue
        scalar_indent = indent if _BLOCK_SCALAR.search(line) else None
        kept.append(line.rstrip())
    text = "\n".join(kept).strip("\n")
    return text + "\n" if text else ""
