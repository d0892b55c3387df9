"""`data "TYPE" "NAME" { provider = ..., ARGUMENTS }` blocks: existing objects a provider
knows, read while the configuration is evaluated, so that `data.TYPE.NAME.ATTR` is a plain
value wherever it is used (resource attributes, outputs, locals).

The provider is `provider` when given, else the one named by the type's prefix
(`local_file` -> local). Its `data_sources` declare each type's arguments and attributes;
anything else is an error at its position. A configuration with data blocks is never
served from the desired cache: what the provider reads may change at any time.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnplan.config.external import DataRead
from fnplan.config.scope import unknown_name
from fnplan.config.syntax import Block
from fnplan.errors import ConfigError, FnplanError, SourcePos, did_you_mean
from fnplan.inputs import record_volatile

if TYPE_CHECKING:
    from fnplan.config.evaluate import Evaluator
    from fnplan.provider_schema import DataSourceSchema


class DataSources:
    """The `data` namespace of one module: `data.TYPE` -> its blocks, each read on first use."""

    __slots__ = ("blocks", "ev", "read")
    type_name = "data namespace"

    def __init__(self, ev: Evaluator, blocks: dict[str, Block]) -> None:
        self.ev = ev
        self.blocks = blocks  # "TYPE.NAME" -> block
        self.read: dict[str, DataRead] = {}

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        types = sorted({key.split(".")[0] for key in self.blocks})
        if name not in types:
            unknown_name("data source type", name, types, pos, " (no data block of that type)")
        return _DataType(self, name)

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError("write data.TYPE.NAME.ATTRIBUTE, not data[...]", pos=pos)

    def value(self, key: str) -> DataRead:
        """The data block `TYPE.NAME` read (once) through its provider."""
        if key not in self.read:
            self.read[key] = read_block(self.ev, self.blocks[key])
        return self.read[key]

    def read_all(self) -> dict[str, DataRead]:
        """Every data block of the module read, by address."""
        return {self.value(key).address: self.value(key) for key in sorted(self.blocks)}


class _DataType:
    """`data.TYPE`: its blocks by name."""

    __slots__ = ("owner", "type")
    type_name = "data source type"

    def __init__(self, owner: DataSources, type_: str) -> None:
        self.owner = owner
        self.type = type_

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        key = f"{self.type}.{name}"
        if key not in self.owner.blocks:
            names = [k.split(".", 1)[1] for k in self.owner.blocks if k.startswith(f"{self.type}.")]
            unknown_name(f"data {self.type!r} block", name, names, pos)
        return _DataValues(self.owner.value(key))

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError(f"write data.{self.type}.NAME, not data.{self.type}[...]", pos=pos)


class _DataValues:
    """`data.TYPE.NAME`: the attributes its provider read."""

    __slots__ = ("read",)
    type_name = "data block"

    def __init__(self, read: DataRead) -> None:
        self.read = read

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        values = self.read.values
        if name not in values:
            raise ConfigError(
                f"{self.read.address} has no attribute {name!r}",
                pos=pos,
                allowed=sorted(values),
                hint=did_you_mean(name, values),
            )
        return values[name]

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError(f"write {self.read.address}.ATTRIBUTE", pos=pos)


def read_block(ev: Evaluator, block: Block) -> DataRead:
    """Evaluate a data block's arguments, check them against its provider's declaration and
    read it; provider errors become errors at the block."""
    type_, name = block.labels
    address = f"{ev.prefix}data.{type_}.{name}"
    provider_address = _provider_address(ev, block)
    arguments = ev.open_body(block.body)
    arguments.pop("provider", None)
    provider = _open(ev, provider_address, block)
    try:
        check_arguments(provider.data_sources, block, provider_address)
        record_volatile()
        values = provider.read_data(type_, arguments)
    except ConfigError:
        raise
    except FnplanError as error:
        raise ConfigError(
            f"{address}: {error.message}", pos=block.pos, hint=error.hint, notes=error.notes
        ) from None
    finally:
        provider.close()
    return DataRead(address=address, provider=provider_address, values=values, pos=str(block.pos))


def check_arguments(
    sources: Mapping[str, DataSourceSchema], block: Block, provider_address: str
) -> None:
    """The type must be one the provider declares, each argument one of the type's, every
    required argument given."""
    type_ = block.labels[0]
    schema = sources.get(type_)
    if schema is None:
        raise ConfigError(
            f"provider {provider_address} has no data source {type_!r}",
            pos=block.label_pos[0] if block.label_pos else block.pos,
            allowed=sorted(sources),
            hint=did_you_mean(type_, sources),
        )
    allowed = sorted(schema.arguments | {"provider"})
    for argument, attribute in block.body.attributes.items():
        if argument not in allowed:
            raise ConfigError(
                f"unknown argument {argument!r} in data {type_!r} block",
                pos=attribute.name_pos,
                allowed=allowed,
                hint=did_you_mean(argument, allowed),
            )
    missing = sorted(schema.required - block.body.attributes.keys())
    if missing:
        raise ConfigError(
            f"data {type_!r} block is missing the required argument(s) "
            f"{', '.join(map(repr, missing))}",
            pos=block.pos,
            allowed=allowed,
        )


def _provider_address(ev: Evaluator, block: Block) -> str:
    """`provider = provider.TYPE[.ALIAS]`, else the type's prefix before the first `_`."""
    attribute = block.body.attributes.get("provider")
    if attribute is None:
        return block.labels[0].split("_", 1)[0]
    value = ev.raw(attribute)
    address = getattr(value, "address", None)
    if getattr(value, "kind", None) != "provider" or not isinstance(address, str):
        raise ConfigError(
            "a data block's provider must be a provider reference, e.g. provider.local",
            pos=attribute.expr.pos,
        )
    return address.removeprefix("provider.")


def _open(ev: Evaluator, provider_address: str, block: Block) -> Any:
    """An instance of the provider configured by this module's block for that address."""
    from fnplan.provider import ProviderContext, provider_class
    from fnplan.workspace import workspace_data_dir

    name, _, alias = provider_address.partition(".")
    provider_block = ev.files.providers.get(provider_address)
    config = ev.open_body(provider_block.body) if provider_block is not None else {}
    config.pop("alias", None)
    try:
        cls = provider_class(name)
    except FnplanError as error:
        raise ConfigError(error.message, pos=block.pos, allowed=error.allowed) from None
    root = ev.scope["path"]["root"]
    context = ProviderContext(
        project_dir=Path(root),
        data_dir=workspace_data_dir(Path(root)),
        config=config,
        alias=alias or None,
    )
    return cls(context)
