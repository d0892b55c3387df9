"""The JSON Schema of the YAML form (`*.fnplan.yaml`), generated from the block schemas, so
editors can complete and check configuration files (schemas/config.schema.json).

It describes structure (blocks, labels, attribute names, required ones, value types) and
accepts a "${...}" expression string wherever a value may be computed; the semantic checks
(references, cycles, contracts) stay with `fnplan validate`.
"""

from __future__ import annotations

from typing import Any

from fnplan.config.names import MAX_NAME, NAME_PATTERN
from fnplan.config.schema import TOP_LEVEL, Attr, BlockSchema

_EXPRESSION = {"type": "string", "pattern": r"\$\{", "description": "an fnplan expression"}
_KINDS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "path": {"type": "string"},
    "type": {"type": "string"},
    "number": {"type": "number"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "strings": {"type": "array", "items": {"type": "string"}},
    "ints": {"type": "array", "items": {"type": "integer"}},
    "string_map": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
    "map": {"type": "object"},
    "ref": {"type": "string"},
    "refs": {"type": "array", "items": {"type": "string"}},
}


def config_schema() -> dict[str, Any]:
    """The schema of one `*.fnplan.yaml` document: a mapping of top-level block types."""
    return {
        "title": "fnplan configuration (YAML form)",
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _block(schema) for name, schema in sorted(TOP_LEVEL.items())},
    }


def _block(schema: BlockSchema) -> dict[str, Any]:
    """A block under its type key: nested by label (`function: {NAME: {...}}`), or a body,
    or (repeatable) a body or a list of bodies."""
    shape = _body(schema)
    if schema.repeatable:
        shape = {"anyOf": [shape, {"type": "array", "items": shape}]}
    for label in reversed(schema.labels):
        shape = {"type": "object", "description": f"by {label}", "additionalProperties": shape}
        if label.endswith(" name"):
            shape["propertyNames"] = {"pattern": NAME_PATTERN, "maxLength": MAX_NAME}
    return shape


def _body(schema: BlockSchema) -> dict[str, Any]:
    properties = {name: _value(attr) for name, attr in sorted(schema.attributes.items())}
    properties.update({name: _block(nested) for name, nested in sorted(schema.blocks.items())})
    body: dict[str, Any] = {"type": "object", "properties": properties}
    required = sorted(name for name, attr in schema.attributes.items() if attr.required)
    if required:
        body["required"] = required
    if not schema.open:
        body["additionalProperties"] = False
    return body


def _value(attr: Attr) -> dict[str, Any]:
    if attr.kind == "enum":
        return {"anyOf": [{"enum": list(attr.choices)}, _EXPRESSION]}
    plain = _KINDS.get(attr.kind)
    return {"anyOf": [plain, _EXPRESSION]} if plain is not None else {}
