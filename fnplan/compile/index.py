"""The flattened view of a configuration tree: every block by absolute address.

A child module's blocks get the module's prefix ("module.vision.function.detect"); a Ref
written inside a module is relative to that module unless it already carries the prefix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fnplan.config.model import Config, Event, Function, Ref, Runtime, Trigger, Workflow
from fnplan.errors import ConfigError, SourcePos, did_you_mean

T = TypeVar("T")


def to_pos(text: str | None) -> SourcePos | None:
    """Parse "file:line:column" (as kept in Config) into a SourcePos; a malformed one is kept
    whole as the file so that the error still says where it came from."""
    if not text:
        return None
    return SourcePos.parse(text) or SourcePos(text, 0, 0)


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """One block with the module configuration it was declared in."""

    address: str
    block: T
    config: Config


@dataclass(slots=True)
class Index:
    """Every runtime, function, workflow, event and trigger of the tree, by absolute address."""

    root: Config
    runtimes: dict[str, Entry[Runtime]] = field(default_factory=dict)
    functions: dict[str, Entry[Function]] = field(default_factory=dict)
    workflows: dict[str, Entry[Workflow]] = field(default_factory=dict)
    events: dict[str, Entry[Event]] = field(default_factory=dict)
    triggers: dict[str, Entry[Trigger]] = field(default_factory=dict)

    def resolve(self, config: Config, ref: Ref, kinds: tuple[str, ...], what: str) -> str:
        """The absolute address `ref` names, checked to exist among `kinds` (e.g. ("function",))."""
        address = absolute(config, ref.address)
        if ref.kind in kinds and address in self._table(ref.kind):
            return address
        known = [a for kind in kinds for a in self._table(kind) if a.startswith(config.prefix)]
        relative = [a[len(config.prefix) :] for a in known]
        raise ConfigError(
            f"{what} refers to {ref.address!r}, which is not a declared {' or '.join(kinds)}",
            pos=to_pos(ref.pos),
            allowed=relative,
            hint=did_you_mean(ref.address, relative),
        )

    def _table(self, kind: str) -> Mapping[str, Entry[Any]]:
        tables: dict[str, Mapping[str, Entry[Any]]] = {
            "runtime": self.runtimes,
            "function": self.functions,
            "workflow": self.workflows,
            "event": self.events,
            "trigger": self.triggers,
        }
        return tables.get(kind, {})


def absolute(config: Config, address: str) -> str:
    """A Ref address made absolute for the module `config` it was written in."""
    prefix = config.prefix
    if not prefix or address.startswith(prefix):
        return address
    return prefix + address


def build_index(root: Config) -> Index:
    """Walk the module tree and register every block under its absolute address."""
    index = Index(root)
    for config in iter_configs(root):
        prefix = config.prefix
        for name, runtime in config.runtimes.items():
            index.runtimes[f"{prefix}runtime.{name}"] = Entry(
                f"{prefix}runtime.{name}", runtime, config
            )
        for name, function in config.functions.items():
            address = f"{prefix}function.{name}"
            index.functions[address] = Entry(address, function, config)
        for name, workflow in config.workflows.items():
            address = f"{prefix}workflow.{name}"
            index.workflows[address] = Entry(address, workflow, config)
        for name, event in config.events.items():
            index.events[f"{prefix}event.{name}"] = Entry(f"{prefix}event.{name}", event, config)
        for name, trigger in config.triggers.items():
            address = f"{prefix}trigger.{name}"
            index.triggers[address] = Entry(address, trigger, config)
    return index


def iter_configs(config: Config) -> Iterator[Config]:
    """The configuration and all its descendants' (depth first, in name order)."""
    yield config
    for name in sorted(config.modules):
        yield from iter_configs(config.modules[name].config)
