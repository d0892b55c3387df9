"""Evaluated configuration values written back as HCL expression source text, the form graph
operations carry attribute values in (`"function.notify"` a reference, `"\\"x\\""` a string)."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from fnplan.config.model import Ref

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
#: fields every configuration block carries that are not attributes written by the user
_BOOKKEEPING = {"pos", "positions", "name"}


def plain(value: Any) -> Any:
    """A comparable JSON form: references as {"$ref_block": address}, blocks as dicts of
    their attributes without positions."""
    if isinstance(value, Ref):
        return {"$block": reference(value)}
    if isinstance(value, BaseModel):
        return {
            key: plain(getattr(value, key))
            for key in type(value).model_fields
            if key not in _BOOKKEEPING
        }
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def reference(ref: Ref) -> str:
    """A reference as written: `function.x`, or `function.x.versions[N]`."""
    return ref.address if ref.version is None else f"{ref.address}.versions[{ref.version}]"


def hcl(value: Any) -> str:
    """HCL expression source for a value in `plain` form."""
    if isinstance(value, dict):
        if set(value) == {"$block"}:
            return str(value["$block"])
        if set(value) == {"$expr"}:
            return str(value["$expr"])
        if set(value) == {"$ref", "attr"}:
            return f"{value['$ref']}.{value['attr']}"
        if not value:
            return "{}"
        items = ", ".join(f"{_key(key)} = {hcl(item)}" for key, item in value.items())
        return f"{{ {items} }}"
    if isinstance(value, list):
        return "[" + ", ".join(hcl(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return _string(str(value))


def _key(key: str) -> str:
    """An object key: bare when it is an identifier, else quoted."""
    return key if _IDENTIFIER.match(key) else _string(key)


def _string(text: str) -> str:
    """An HCL string literal: JSON escapes, with template openers escaped."""
    return json.dumps(text).replace("${", "$${").replace("%{", "%%{")
