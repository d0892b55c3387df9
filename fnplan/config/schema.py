"""Block schemas of the fnplan language: which attributes and nested blocks each block allows,
their value types and required-ness. Both HCL and YAML bodies are checked against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fnplan.config.names import check_name
from fnplan.config.syntax import Block, Body
from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.expr.values import type_name as expr_type_name

#: value kinds an attribute may declare (see check_value)
Kind = Literal[
    "string", "number", "int", "bool", "any", "path", "ref", "refs", "strings", "ints",
    "string_map", "map", "enum", "type",
]  # fmt: skip
#: how an attribute is evaluated: statically, with run-time roots kept symbolic, with the
#: workflow's step names as references, with a trigger's `input` and `event` kept symbolic,
#: or "raw" by its own rules (variables.py)
Scope = Literal["static", "runtime", "steps", "trigger", "raw"]


@dataclass(frozen=True, slots=True)
class Attr:
    """One attribute: its value kind, whether it must be set, and how it is evaluated."""

    kind: Kind = "any"
    required: bool = False
    choices: tuple[str, ...] = ()  # for "enum"
    refs: tuple[str, ...] = ()  # block kinds a "ref"/"refs" value may point at
    scope: Scope = "static"


@dataclass(frozen=True, slots=True)
class BlockSchema:
    """A block type: label count, attributes, nested blocks; `open` allows any attribute.
    A label described as "... name" must be a name (fnplan.config.names)."""

    labels: tuple[str, ...] = ()
    attributes: Mapping[str, Attr] = field(default_factory=dict)
    blocks: Mapping[str, BlockSchema] = field(default_factory=dict)
    open: bool = False
    repeatable: bool = False


_STR = Attr("string")
_INT = Attr("int")
_NUM = Attr("number")
_BOOL = Attr("bool")
_RUN = Attr("any", scope="runtime")
_PATH = Attr("path")

_STEP = BlockSchema(
    labels=("step name",),
    attributes={
        "function": Attr("ref", refs=("function",)),
        "workflow": Attr("ref", refs=("workflow",)),
        "nesting": Attr("enum", choices=("inline", "call")),
        "sql": _STR,
        "connection": _RUN,
        "params": Attr("map", scope="runtime"),
        "input": _RUN,
        "when": _RUN,
        "depends_on": Attr("refs", refs=("step",), scope="steps"),
    },
    blocks={
        "shell": BlockSchema(
            attributes={
                "script": Attr("string", required=True),
                "image": _STR,
                "env": Attr("map", scope="runtime"),
            }
        ),
        "http": BlockSchema(
            attributes={
                "url": Attr("any", required=True, scope="runtime"),
                "method": _STR,
                "headers": Attr("map", scope="runtime"),
                "body": _RUN,
                "timeout": _NUM,
            }
        ),
        "retry": BlockSchema(
            attributes={
                "max_attempts": _INT,
                "backoff": Attr("enum", choices=("fixed", "linear", "exponential")),
                "interval": _NUM,
                "max_interval": _NUM,
                "errors": Attr("strings"),
            }
        ),
        "catch": BlockSchema(
            attributes={
                "errors": Attr("strings"),
                "next": Attr("ref", required=True, refs=("step",), scope="steps"),
            },
            repeatable=True,
        ),
        "resources": BlockSchema(attributes={"memory": _INT, "cpu": _NUM, "timeout": _NUM}),
    },
)

_TRIGGER_SOURCE = BlockSchema(open=True)

#: `lifecycle { ... }` in every resource block (read from the expressions: fnplan.config.lifecycle)
_LIFECYCLE = BlockSchema(
    attributes={
        "ignore_changes": Attr("any", scope="raw"),
        "prevent_destroy": Attr("bool", scope="raw"),
        "create_before_destroy": Attr("bool", scope="raw"),
    }
)

#: the top-level block types of a configuration file
TOP_LEVEL: Mapping[str, BlockSchema] = {
    "fnplan": BlockSchema(
        attributes={"version": _STR},
        blocks={"backend": BlockSchema(labels=("backend type",), open=True)},
    ),
    "variable": BlockSchema(
        labels=("variable name",),
        attributes={
            "type": Attr("type", scope="raw"),
            "default": Attr("any", scope="raw"),
            "description": _STR,
            "sensitive": _BOOL,
        },
        blocks={
            "validation": BlockSchema(
                attributes={
                    "condition": Attr("bool", required=True, scope="raw"),
                    "error_message": Attr("string", required=True, scope="raw"),
                },
                repeatable=True,
            )
        },
    ),
    "locals": BlockSchema(open=True, repeatable=True),
    "output": BlockSchema(
        labels=("output name",),
        attributes={"value": Attr("any", required=True), "description": _STR, "sensitive": _BOOL},
    ),
    "provider": BlockSchema(labels=("provider type",), attributes={"alias": _STR}, open=True),
    "runtime": BlockSchema(
        labels=("runtime name",),
        attributes={
            "base": Attr("ref", refs=("runtime",)),
            "language": _STR,
            "image": _STR,
            "memory": _INT,
            "timeout": _NUM,
            "env": Attr("string_map"),
            "packages": Attr("strings"),
        },
        blocks={"lifecycle": _LIFECYCLE},
    ),
    "function": BlockSchema(
        labels=("function name",),
        attributes={
            "runtime": Attr("ref", required=True, refs=("runtime",)),
            "source": Attr("path", required=True),
            "handler": _STR,
            "description": _STR,
            "input_schema": _PATH,
            "output_schema": _PATH,
            "memory": _INT,
            "timeout": _NUM,
            "env": Attr("string_map"),
            "keep_versions": _INT,
        },
        blocks={
            "scaling": BlockSchema(attributes={"min": _INT, "max": _INT, "concurrency": _INT}),
            "rollout": BlockSchema(
                attributes={
                    "strategy": Attr("enum", choices=("all_at_once", "canary", "linear")),
                    "steps": Attr("ints"),
                    "interval": _STR,
                }
            ),
            "lifecycle": _LIFECYCLE,
        },
    ),
    "workflow": BlockSchema(
        labels=("workflow name",),
        attributes={
            "description": _STR,
            "isolation": Attr("enum", choices=("shared", "dedicated")),
            "target": Attr("ref", refs=("provider",)),
            "targets": Attr("refs", refs=("provider",)),
            "output_schema": _PATH,
            "output": _RUN,
        },
        blocks={
            "input": BlockSchema(attributes={"schema": _PATH}),
            "step": _STEP,
            "lifecycle": _LIFECYCLE,
        },
    ),
    "module": BlockSchema(
        labels=("module name",),
        attributes={"source": Attr("string", required=True), "version": _STR},
        open=True,
    ),
    "event": BlockSchema(
        labels=("event name",),
        attributes={"type": Attr("string", required=True), "schema": _PATH, "source": _STR},
        blocks={"lifecycle": _LIFECYCLE},
    ),
    "trigger": BlockSchema(
        labels=("trigger name",),
        attributes={
            "schedule": _STR,
            "event": Attr("ref", refs=("event",)),
            "on_completion": Attr("ref", refs=("workflow", "function")),
            "target": Attr("ref", required=True, refs=("workflow", "function")),
            "input": Attr("any", scope="trigger"),
        },
        blocks={
            "source": BlockSchema(
                blocks={
                    "storage": _TRIGGER_SOURCE,
                    "queue": _TRIGGER_SOURCE,
                    "http": _TRIGGER_SOURCE,
                }
            ),
            "lifecycle": _LIFECYCLE,
        },
    ),
    "moved": BlockSchema(
        attributes={
            "from": Attr("ref", required=True, scope="raw"),
            "to": Attr("ref", required=True, scope="raw"),
        },
        repeatable=True,
    ),
    "import": BlockSchema(
        attributes={
            "to": Attr(
                "ref", required=True, refs=("runtime", "function", "workflow", "event", "trigger")
            ),
            "id": Attr("string", required=True),
        },
        repeatable=True,
    ),
    #: arguments are the provider's (fnplan.config.data checks them against its data_sources)
    "data": BlockSchema(
        labels=("data source type", "data block name"),
        attributes={"provider": Attr("ref", refs=("provider",))},
        open=True,
    ),
}

ROOT = BlockSchema(blocks=TOP_LEVEL, repeatable=True)


def check_body(body: Body, schema: BlockSchema, where: str) -> None:
    """Raise ConfigError for the first unknown attribute / nested block, wrong label count,
    missing required attribute or repeated non-repeatable block anywhere in `body`."""
    if not schema.open:
        for name, attribute in body.attributes.items():
            if name not in schema.attributes:
                _unknown("attribute", name, attribute.name_pos, where, schema.attributes)
    seen: dict[str, SourcePos] = {}
    for block in body.blocks:
        nested = schema.blocks.get(block.type)
        if nested is None:
            _unknown("block", block.type, block.pos, where, schema.blocks)
            continue
        if not nested.labels and not nested.repeatable and block.type in seen:
            raise ConfigError(
                f"duplicate {block.type!r} block in {where}; it may appear once "
                f"(first at {seen[block.type]})",
                pos=block.pos,
            )
        seen.setdefault(block.type, block.pos)
        check_block(block, nested)


def check_block(block: Block, schema: BlockSchema) -> None:
    """Check one block's labels, required attributes and body against its schema."""
    where = _describe(block)
    if len(block.labels) != len(schema.labels):
        wanted = " ".join(f'"{label.upper().replace(" ", "_")}"' for label in schema.labels)
        raise ConfigError(
            f"{block.type!r} block takes {len(schema.labels)} label(s), got {len(block.labels)}",
            pos=block.pos,
            hint=f"write it as: {block.type} {wanted} {{ ... }}".replace("  ", " "),
        )
    for index, (label, kind) in enumerate(zip(block.labels, schema.labels, strict=True)):
        if kind.endswith(" name"):
            pos = block.label_pos[index] if index < len(block.label_pos) else block.pos
            check_name(kind, label, pos)
    missing = [
        name
        for name, attr in schema.attributes.items()
        if attr.required and name not in block.body.attributes
    ]
    if missing:
        raise ConfigError(
            f"{where} is missing the required attribute(s) {', '.join(map(repr, missing))}",
            pos=block.pos,
        )
    check_body(block.body, schema, where)


def _describe(block: Block) -> str:
    labels = "".join(f' "{label}"' for label in block.labels)
    return f"{block.type}{labels} block"


def _unknown(
    what: str, name: str, pos: SourcePos, where: str, allowed: Mapping[str, object]
) -> None:
    raise ConfigError(
        f"unknown {what} {name!r} in {where}",
        pos=pos,
        allowed=list(allowed),
        hint=did_you_mean(name, allowed),
    )


def type_name(value: Any) -> str:
    """The language's name for a configuration value's type, used in 'expected X, got Y'
    messages; adds the values only a Config holds (after-apply values, references)."""
    if isinstance(value, dict) and "$expr" in value:
        return "run-time expression"
    if isinstance(value, dict) and "$ref" in value:
        return "after-apply value"
    if hasattr(value, "address"):
        return "reference"
    return expr_type_name(value)
