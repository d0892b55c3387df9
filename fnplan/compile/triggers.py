"""Event and trigger resources (docs/resource-attributes.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from fnplan.addresses import without_targets
from fnplan.compile.canonical import plain
from fnplan.compile.index import Entry, Index, to_pos
from fnplan.compile.schemas import SchemaFiles
from fnplan.config.model import Event, Trigger
from fnplan.errors import ConfigError
from fnplan.resources import SERVE_PATHS, Resource, http_route

_FIRED_BY = ("schedule", "source", "event", "on_completion")


def event_resource(entry: Entry[Event], schemas: SchemaFiles, provider: str) -> Resource:
    """The `event.NAME` resource: a CloudEvents type with an optional payload schema."""
    event = entry.block
    return Resource(
        address=entry.address,
        type="event",
        provider=provider,
        attributes={
            "name": event.name,
            "type": event.type,
            "schema": schemas.load(event.schema_path, event.pos_of("schema")),
            "source": event.source,
        },
        group=entry.address,
        pos=event.pos,
    )


#: (trigger, target, completion source) addresses -> those of the trigger's copy on a provider
Locate = Callable[[str, str, str | None], tuple[str, str, str | None]]


def trigger_resource(
    entry: Entry[Trigger], index: Index, provider: str, locate: Locate | None = None
) -> Resource:
    """The `trigger.NAME` resource (or its copy on `provider`, named by `locate`); it depends
    on its target, event and completion source."""
    trigger = entry.block
    kind = trigger_kind(entry)
    target = index.resolve(
        entry.config, trigger.target, ("workflow", "function"), f"{entry.address}.target"
    )
    event = (
        index.events[
            index.resolve(entry.config, trigger.event, ("event",), f"{entry.address}.event")
        ]
        if trigger.event
        else None
    )
    completion = None
    if trigger.on_completion is not None:
        completion = index.resolve(
            entry.config,
            trigger.on_completion,
            ("workflow", "function"),
            f"{entry.address}.on_completion",
        )
    address = entry.address
    if locate is not None:
        address, target, completion = locate(address, target, completion)
    source = trigger.source
    depends = {target, *([event.address] if event else []), *([completion] if completion else [])}
    return Resource(
        address=address,
        type="trigger",
        provider=provider,
        attributes={
            "name": trigger.name,
            "kind": kind,
            "schedule": trigger.schedule,
            "event_type": event.block.type if event else None,
            "source": {"kind": source.kind, "config": plain(source.config)} if source else None,
            "on_completion": completion,
            "target": target,
            "target_type": trigger.target.kind,
            "input": plain(trigger.input),
        },
        depends_on=sorted(depends),
        group=address,
        pos=trigger.pos,
    )


def trigger_kind(entry: Entry[Trigger]) -> str:
    """schedule, storage/queue/http (a source), event or completion; a source may name an event."""
    trigger = entry.block
    fired_by = [name for name in _FIRED_BY if getattr(trigger, name) is not None]
    if trigger.source is not None and fired_by == ["source", "event"]:
        return trigger.source.kind
    if len(fired_by) != 1:
        found = " and ".join(fired_by) if fired_by else "none of them"
        raise ConfigError(
            f"{entry.address} must be fired by exactly one of schedule, source, event or "
            f"on_completion (a source may also name the event it emits); it has {found}",
            pos=to_pos(trigger.pos),
            allowed=_FIRED_BY,
        )
    if trigger.source is not None:
        return trigger.source.kind
    return {"schedule": "schedule", "event": "event", "on_completion": "completion"}[fired_by[0]]


def check_schedule(entry: Entry[Trigger]) -> None:
    """A schedule trigger's cron expression must be one `fnplan serve` can evaluate: checked
    at validate time, where its position is known, not when serve first computes a time."""
    schedule = entry.block.schedule
    if schedule is None:
        return
    from fnplan.events.schedule import ScheduleError, next_fire

    try:
        next_fire(schedule, datetime.now(UTC))
    except ScheduleError as error:
        raise ConfigError(
            f"{entry.address}: {error.message}",
            pos=to_pos(entry.block.pos_of("schedule")),
            allowed=error.allowed,
        ) from None


def check_http_routes(triggers: Iterable[tuple[Entry[Trigger], Resource]]) -> None:
    """Each http trigger needs a route of its own, and not one `fnplan serve` answers itself
    (a trigger whose target is deployed to several targets would serve its route twice)."""
    taken: dict[tuple[str, str], Entry[Trigger]] = {}
    for entry, resource in triggers:
        attributes = resource.attributes
        source = attributes.get("source") or {}
        if source.get("kind") != "http":
            continue
        method, path = http_route(str(attributes["name"]), source.get("config") or {})
        pos = to_pos(entry.block.source.pos if entry.block.source else entry.block.pos)
        if path in SERVE_PATHS:
            raise ConfigError(
                f"{entry.address}: {path} is answered by `fnplan serve` itself",
                pos=pos,
                hint=f"choose another path; these are reserved: {', '.join(sorted(SERVE_PATHS))}",
            )
        if resource.address != entry.address:
            raise ConfigError(
                f"{entry.address} serves {method} {path}, but its target "
                f"{without_targets(attributes['target'])} is deployed to several targets",
                pos=pos,
                hint="an http trigger serves one route: give its target a single target",
            )
        first = taken.setdefault((method, path), entry)
        if first is not entry:
            raise ConfigError(
                f"{entry.address} and {first.address} both serve {method} {path}",
                pos=pos,
                notes=[f"{first.address} is declared at {first.block.pos}"],
                hint="give one of them another `path` or `method`",
            )
