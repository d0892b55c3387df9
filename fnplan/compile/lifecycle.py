"""Lifecycle and `moved` blocks, compiled: each resource's lifecycle (a function's applies to
its dedicated copies too, since they are compiled from the same block) with its
ignore_changes paths checked against the resource's attributes, and the moves of every
module checked against each other."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from fnplan.compile.model import MoveSpec, ResourceLifecycle
from fnplan.config.lifecycle import Lifecycle, Moved
from fnplan.config.model import Config
from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.inputs import record_state
from fnplan.resources import Resource

if TYPE_CHECKING:
    from fnplan.compile.index import Entry
    from fnplan.config.model import Function
    from fnplan.state.model import State


def resource_lifecycles(
    config: Config, resources: Mapping[str, Resource]
) -> dict[str, ResourceLifecycle]:
    """Resource address -> its lifecycle, for every resource whose block has one."""
    by_block = {lifecycle.block_pos: lifecycle for lifecycle in _lifecycles(config)}
    found: dict[str, ResourceLifecycle] = {}
    for address, resource in resources.items():
        lifecycle = by_block.get(resource.pos or "")
        if lifecycle is None:
            continue
        _check_paths(lifecycle, resource)
        found[address] = ResourceLifecycle(
            ignore_all=lifecycle.ignore_all,
            ignore_changes=list(lifecycle.ignore_changes),
            prevent_destroy=lifecycle.prevent_destroy,
            create_before_destroy=lifecycle.create_before_destroy,
            pos=lifecycle.pos,
        )
    return found


def keep_ignored_attributes(
    config: Config,
    entries: Mapping[str, Entry[Function]],
    functions: dict[str, dict[str, Any]],
    state: State | None,
) -> None:
    """Function attributes whose ignore_changes paths hold the recorded values, before the
    version hash is computed from them: the version stays the deployed one, and so do the
    versions that workflows pin."""
    if state is None:
        return
    from fnplan.plan.lifecycle import keep_paths

    by_block = {lifecycle.block_pos: lifecycle for lifecycle in _lifecycles(config)}
    for address, entry in entries.items():
        lifecycle = by_block.get(entry.block.pos or "")
        record = state.resources.get(address)
        if lifecycle is None or record is None or lifecycle.ignore_all:
            continue
        # the desired cache re-checks only recorded versions: a state value it cannot look
        # up makes it compile afresh, as this compile depends on the recorded attributes
        record_state(f"{address}#ignore_changes", record.attributes)
        functions[address] = keep_paths(
            functions[address], record.attributes, lifecycle.ignore_changes
        )


def moves(config: Config, resources: Mapping[str, Resource]) -> list[MoveSpec]:
    """Every module's `moved` blocks; a chain, a fork, two moves onto one address, or a move
    from an address still declared are errors at the block."""
    found = list(_moves(config))
    sources: dict[str, Moved] = {}
    targets: dict[str, Moved] = {}
    for move in found:
        pos = SourcePos.parse(move.pos)
        if move.from_address in resources:
            raise ConfigError(
                f"moved block: {move.from_address} is still declared in the configuration",
                pos=pos,
                hint=f"remove or rename its block: the moved block makes it {move.to_address}",
            )
        for seen, address, what in (
            (sources, move.from_address, "moved away twice"),
            (targets, move.to_address, "the target of two moved blocks"),
        ):
            if address in seen:
                raise ConfigError(
                    f"moved block: {address} is {what} (first at {seen[address].pos})",
                    pos=pos,
                )
            seen[address] = move
    for move in found:
        onward = sources.get(move.to_address)
        if onward is not None:
            raise ConfigError(
                f"moved blocks form a chain: {move.from_address} -> {move.to_address} -> "
                f"{onward.to_address} (the next move is at {onward.pos})",
                pos=SourcePos.parse(move.pos),
                hint=f"write one moved block from {move.from_address} to {onward.to_address} "
                f"and keep the one from {onward.from_address}",
            )
    return [MoveSpec(source=m.from_address, target=m.to_address, pos=m.pos) for m in found]


def _lifecycles(config: Config) -> Iterator[Lifecycle]:
    yield from config.lifecycles
    for module in config.modules.values():
        yield from _lifecycles(module.config)


def _moves(config: Config) -> Iterator[Moved]:
    yield from config.moved
    for module in config.modules.values():
        yield from _moves(module.config)


def _check_paths(lifecycle: Lifecycle, resource: Resource) -> None:
    """Every ignore_changes path starts with an attribute of the resource."""
    from fnplan.errors import PlanError
    from fnplan.plan.lifecycle import parse_path

    allowed = sorted(resource.attributes)
    for path, pos in zip(lifecycle.ignore_changes, lifecycle.paths_pos, strict=True):
        try:
            parse_path(path)
        except PlanError as error:
            raise ConfigError(
                f"lifecycle ignore_changes: {error.message}", pos=SourcePos.parse(pos)
            ) from None
        name = re.split(r"[.\[]", path, maxsplit=1)[0]
        if name not in resource.attributes:
            raise ConfigError(
                f"lifecycle ignore_changes: {resource.type} has no attribute {name!r}",
                pos=SourcePos.parse(pos),
                allowed=allowed,
                hint=did_you_mean(name, allowed),
            )
