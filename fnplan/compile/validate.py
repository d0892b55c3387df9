"""Semantic checks of an evaluated configuration, before anything is compiled.

Every problem is a ConfigError at the offending attribute; independent problems are
reported together (ErrorList).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from fnplan.compile.exprs import step_references
from fnplan.compile.index import Entry, Index, to_pos
from fnplan.compile.sources import check_location
from fnplan.compile.triggers import check_schedule, trigger_kind
from fnplan.config.model import Config, Ref, Step, Workflow
from fnplan.config.names import check_address
from fnplan.errors import ConfigError, ErrorList, FnplanError, did_you_mean

NODE_KINDS = ("function", "workflow", "sql", "shell", "http")


def validate(index: Index) -> None:
    """Raise every semantic error of the configuration tree at once (or return quietly)."""
    errors: list[FnplanError] = []
    errors.extend(_address_errors(index))
    project = Path(index.root.directory)
    for function in index.functions.values():
        try:
            check_location(function.block, project)
        except FnplanError as error:
            errors.append(error)
    for entry in index.workflows.values():
        errors.extend(_workflow_errors(entry, index))
    for address, trigger in index.triggers.items():
        checks: list[tuple[Ref | None, tuple[str, ...], str]] = [
            (trigger.block.target, ("workflow", "function"), f"{address}.target"),
            (trigger.block.event, ("event",), f"{address}.event"),
            (trigger.block.on_completion, ("workflow", "function"), f"{address}.on_completion"),
        ]
        for ref, kinds, what in checks:
            if ref is not None:
                errors.extend(_capture(index, trigger.config, ref, kinds, what))
        for check in (trigger_kind, check_schedule):
            try:
                check(trigger)
            except FnplanError as error:
                errors.append(error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)


def _address_errors(index: Index) -> Iterator[FnplanError]:
    """Every block whose address, composed through module calls, is too long to store."""
    tables: tuple[dict[str, Any], ...] = (
        index.runtimes,
        index.functions,
        index.workflows,
        index.events,
        index.triggers,
    )
    for table in tables:
        for address, entry in table.items():
            try:
                check_address(address, to_pos(entry.block.pos))
            except FnplanError as error:
                yield error


def step_values(step: Step) -> Iterator[tuple[str, Any]]:
    """(attribute, value) of every step attribute that may hold run-time expressions."""
    yield "input", step.input
    yield "when", step.when
    yield "connection", step.connection
    yield "params", step.params
    if step.http is not None:
        yield "http", {"url": step.http.url, "headers": step.http.headers, "body": step.http.body}
    if step.shell is not None:
        yield "shell", step.shell.env


def step_edges(step: Step) -> Iterator[tuple[str, str]]:
    """(predecessor step name, attribute) for each dependency a step declares or implies."""
    for ref in step.depends_on:
        yield ref.name, "depends_on"
    for attribute, value in step_values(step):
        for path in step_references(value):
            yield str(path[0]), attribute


def _workflow_errors(entry: Entry[Workflow], index: Index) -> Iterator[FnplanError]:
    workflow = entry.block
    names = list(workflow.steps)
    error_sources: dict[str, set[str]] = {}
    for step in workflow.steps.values():
        for rule in step.catch:
            error_sources.setdefault(rule.next.name, set()).add(step.name)
    for step in workflow.steps.values():
        yield from _step_errors(entry, step, names, index, error_sources.get(step.name, set()))
    for path in step_references(workflow.output):
        yield from _reference_errors(path, names, workflow.pos_of("output"), entry.address)
    cycle = _step_cycle(workflow)
    if cycle is not None:
        steps = workflow.steps
        shown = " -> ".join(f"{name} ({to_pos(steps[name].pos)})" for name in cycle)
        yield ConfigError(
            f"the steps of {entry.address} depend on each other in a cycle: {shown}",
            pos=to_pos(steps[cycle[0]].pos),
            hint="a step cannot (even indirectly) wait for itself; drop one of those dependencies",
        )


def _step_errors(
    entry: Entry[Workflow],
    step: Step,
    names: list[str],
    index: Index,
    error_sources: Collection[str],
) -> Iterator[FnplanError]:
    """Problems of one step; it may read `step.S.error` of the steps whose catch routes to it."""
    where = f"{entry.address} step {step.name!r}"
    kinds = [kind for kind in NODE_KINDS if _has_kind(step, kind)]
    if len(kinds) != 1:
        found = " and ".join(kinds) if kinds else "none"
        yield ConfigError(
            f"{where} must be exactly one kind of node; it has {found}",
            pos=to_pos(step.pos),
            allowed=NODE_KINDS,
        )
    if step.function is not None:
        yield from _capture(index, entry.config, step.function, ("function",), f"{where} function")
    if step.workflow is not None:
        yield from _capture(index, entry.config, step.workflow, ("workflow",), f"{where} workflow")
    for ref in step.depends_on:
        yield from _step_ref_errors(ref, names, f"{where} depends_on")
    for rule in step.catch:
        yield from _step_ref_errors(rule.next, names, f"{where} catch next")
    for attribute, value in step_values(step):
        for path in step_references(value):
            yield from _reference_errors(path, names, step.pos_of(attribute), where, error_sources)


def _has_kind(step: Step, kind: str) -> bool:
    return (step.sql if kind == "sql" else getattr(step, kind)) is not None


def _step_ref_errors(ref: Ref, names: list[str], what: str) -> Iterator[FnplanError]:
    if ref.kind == "step" and ref.address.count(".") == 1 and ref.name in names:
        return
    yield ConfigError(
        f"{what} refers to {ref.address!r}, which is not a step of this workflow",
        pos=to_pos(ref.pos),
        allowed=[f"step.{name}" for name in names],
        hint=did_you_mean(ref.name, names),
    )


def _reference_errors(
    path: tuple[str | int, ...],
    names: list[str],
    pos: str | None,
    where: str,
    error_sources: Collection[str] = (),
) -> Iterator[FnplanError]:
    text = "step." + ".".join(str(part) for part in path)
    if not path or path[0] not in names:
        name = str(path[0]) if path else ""
        yield ConfigError(
            f"{where} refers to {text!r}, but there is no step {name!r} in this workflow",
            pos=to_pos(pos),
            allowed=names,
            hint=did_you_mean(name, names),
        )
    elif len(path) < 2 or path[1] != "output":
        if len(path) >= 2 and path[1] == "error" and path[0] in error_sources:
            return  # the catch's `next` reads the error it was routed (docs/runs.md)
        yield ConfigError(
            f"{where} refers to {text!r}; a step's result is read as step.{path[0]}.output",
            pos=to_pos(pos),
            allowed=[f"step.{path[0]}.output"],
            hint=f"step.{path[0]}.error is readable only in a step its catch routes to",
        )


def _capture(
    index: Index, config: Config, ref: Ref, kinds: tuple[str, ...], what: str
) -> Iterator[FnplanError]:
    try:
        index.resolve(config, ref, kinds, what)
    except FnplanError as error:
        yield error


def _step_cycle(workflow: Workflow) -> list[str] | None:
    """The shortest dependency cycle among the steps (catch branches included), or None."""
    predecessors: dict[str, set[str]] = {name: set() for name in workflow.steps}
    for step in workflow.steps.values():
        for before, _ in step_edges(step):
            if before in predecessors:
                predecessors[step.name].add(before)
        for rule in step.catch:
            if rule.next.name in predecessors:
                predecessors[rule.next.name].add(step.name)
    if _is_acyclic(predecessors):
        return None
    import networkx as nx

    from fnplan.graph import shortest_cycle

    graph = nx.DiGraph()
    graph.add_edges_from(
        (before, name) for name, befores in predecessors.items() for before in befores
    )
    return shortest_cycle(graph)


def _is_acyclic(predecessors: dict[str, set[str]]) -> bool:
    """Kahn's algorithm: True when every node can be ordered."""
    remaining = {name: len(befores) for name, befores in predecessors.items()}
    successors: dict[str, list[str]] = {name: [] for name in predecessors}
    for name, befores in predecessors.items():
        for before in befores:
            successors[before].append(name)
    ready = [name for name, count in remaining.items() if count == 0]
    seen = 0
    while ready:
        name = ready.pop()
        seen += 1
        for after in successors[name]:
            remaining[after] -= 1
            if remaining[after] == 0:
                ready.append(after)
    return seen == len(predecessors)
