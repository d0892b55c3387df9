"""Building the Config models of runtimes, functions, events, triggers, outputs, providers and
the backend from their evaluated blocks (workflows are in workflows.py, modules in modules.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fnplan.config.evaluate import Evaluator
from fnplan.config.model import (
    Backend,
    Event,
    Function,
    Output,
    ProviderConfig,
    Ref,
    Rollout,
    Runtime,
    Scaling,
    Trigger,
    TriggerSource,
)
from fnplan.config.schema import TOP_LEVEL
from fnplan.config.syntax import Block, Body
from fnplan.errors import ConfigError, SourcePos

M = TypeVar("M", bound=BaseModel)
_TRIGGER_KINDS = ("schedule", "source", "event", "on_completion")


def positions(body: Body) -> dict[str, str]:
    """Attribute (and nested block type) -> "file:line:column", for later error messages."""
    found = {name: str(attribute.expr.pos) for name, attribute in body.attributes.items()}
    for block in body.blocks:
        found.setdefault(block.type, str(block.pos))
    return found


def make(model: type[M], block: Block | Body, **fields: Any) -> M:
    """Construct a model; a pydantic ValidationError becomes a ConfigError at the attribute."""
    body = block.body if isinstance(block, Block) else block
    where = positions(body)
    try:
        return model(pos=str(block.pos), positions=where, **fields)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        attribute = body.attributes.get(field)
        pos: SourcePos = attribute.expr.pos if attribute is not None else block.pos
        raise ConfigError(f"{field or model.__name__}: {first['msg']}", pos=pos) from None


def nested(block: Block, kind: str) -> Block | None:
    """The one nested block of a type, if present (the schema already rejected repeats)."""
    return next((child for child in block.body.blocks if child.type == kind), None)


def build_runtimes(ev: Evaluator) -> dict[str, Runtime]:
    """Every runtime with `base` inheritance applied (scalars override, env merges,
    packages append)."""
    schema = TOP_LEVEL["runtime"].attributes
    blocks = ev.files.blocks_of("runtime")
    own = {name: ev.body(block.body, schema) for name, block in blocks.items()}
    done: dict[str, Runtime] = {}

    def resolve(name: str) -> Runtime:
        if name in done:
            return done[name]
        fields = dict(own[name])
        base: Ref | None = fields.get("base")
        if base is not None:
            parent = resolve(_local_runtime(ev, base, blocks[name]))
            fields = _inherit(parent, fields)
        done[name] = make(Runtime, blocks[name], name=name, **fields)
        return done[name]

    return {name: resolve(name) for name in blocks}


def _local_runtime(ev: Evaluator, base: Ref, block: Block) -> str:
    expected = f"{ev.prefix}runtime.{base.name}"
    if base.address != expected:
        raise ConfigError(
            f"a runtime's base must be a runtime of the same module, got {base.address}",
            pos=block.body.attributes["base"].expr.pos,
        )
    return base.name


def _inherit(parent: Runtime, own: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {
        key: getattr(parent, key) for key in ("language", "image", "memory", "timeout")
    }
    merged.update({key: value for key, value in own.items() if key not in ("env", "packages")})
    merged["env"] = {**parent.env, **own.get("env", {})}
    merged["packages"] = [*parent.packages, *own.get("packages", [])]
    return merged


def build_function(ev: Evaluator, name: str, block: Block) -> Function:
    """One function block, with its scaling and rollout blocks."""
    schema = TOP_LEVEL["function"]
    fields = ev.body(block.body, schema.attributes)
    for kind, model in (("scaling", Scaling), ("rollout", Rollout)):
        child = nested(block, kind)
        if child is not None:
            values = ev.body(child.body, schema.blocks[kind].attributes)
            fields[kind] = make(model, child, **values)
    return make(Function, block, name=name, **fields)


def build_event(ev: Evaluator, name: str, block: Block) -> Event:
    """One event block; `schema` becomes the absolute `schema_path`."""
    fields = ev.body(block.body, TOP_LEVEL["event"].attributes)
    if "schema" in fields:
        fields["schema_path"] = fields.pop("schema")
    return make(Event, block, name=name, **fields)


def build_trigger(ev: Evaluator, name: str, block: Block) -> Trigger:
    """One trigger block; at least one of schedule / source / event / on_completion fires it."""
    schema = TOP_LEVEL["trigger"]
    fields = ev.body(block.body, schema.attributes)
    source = nested(block, "source")
    if source is not None:
        fields["source"] = _trigger_source(ev, source)
    if not any(kind in fields for kind in _TRIGGER_KINDS):
        raise ConfigError(
            f'trigger "{name}" says nothing about what fires it',
            pos=block.pos,
            allowed=_TRIGGER_KINDS,
        )
    return make(Trigger, block, name=name, **fields)


def _trigger_source(ev: Evaluator, block: Block) -> TriggerSource:
    kinds = block.body.blocks
    if len(kinds) != 1:
        raise ConfigError(
            f"a trigger source holds exactly one of storage, queue or http, found {len(kinds)}",
            pos=block.pos,
            allowed=["storage", "queue", "http"],
        )
    kind = kinds[0]
    return make(TriggerSource, kind, kind=kind.type, config=ev.open_body(kind.body))


def build_output(ev: Evaluator, name: str, block: Block) -> Output:
    """One output block."""
    fields = ev.body(block.body, TOP_LEVEL["output"].attributes)
    ev.check_output(block, declared_sensitive=fields.get("sensitive") is True)
    return make(Output, block, name=name, **fields)


def build_providers(ev: Evaluator) -> dict[str, ProviderConfig]:
    """Provider configurations by address ("aws", "aws.west")."""
    found = {}
    for address, block in ev.files.providers.items():
        config = ev.open_body(block.body)
        alias = config.pop("alias", None)
        found[address] = make(
            ProviderConfig, block, name=block.labels[0], alias=alias, config=config
        )
    return found


def build_settings(ev: Evaluator) -> tuple[str | None, Backend]:
    """The module's declared `version` and backend from its `fnplan` block."""
    block = ev.files.fnplan
    if block is None:
        return None, Backend()
    fields = ev.body(block.body, TOP_LEVEL["fnplan"].attributes)
    backend_block = nested(block, "backend")
    backend = Backend()
    if backend_block is not None:
        config = ev.open_body(backend_block.body)
        backend = make(Backend, backend_block, type=backend_block.labels[0], config=config)
    return fields.get("version"), backend


def build_all(
    ev: Evaluator, kind: str, builder: Callable[[Evaluator, str, Block], M]
) -> dict[str, M]:
    """Build every named block of one kind with `builder(ev, name, block)`."""
    return {name: builder(ev, name, block) for name, block in ev.files.blocks_of(kind).items()}
