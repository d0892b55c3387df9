"""The DAG rules of a run, the same on every provider (DESIGN.md "Dependencies").

A step becomes ready when all its dependencies succeeded. A step depending on a step that
was skipped, failed or caught is skipped, transitively. A step named as a catch's `next`
waits for every step that may route an error to it and runs only if one of them did. Pure
bookkeeping: no threads, no I/O; each step and edge is visited a constant number of times.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from fnplan.errors import ConfigError, SourcePos
from fnplan.run.values import step_references
from fnplan.workflow.model import Step, WorkflowDocument

StepState = Literal["pending", "ready", "running", "succeeded", "failed", "caught", "skipped"]
SETTLED: frozenset[str] = frozenset({"succeeded", "failed", "caught", "skipped"})


@dataclass(slots=True)
class _Node:
    step: Step
    deps: set[str]
    error_sources: set[str]
    dependents: list[str] = field(default_factory=list)
    waiting: int = 0
    state: StepState = "pending"
    blocker: str | None = None
    fired_by: str | None = None
    caught_to: str | None = None


class Scheduler:
    """Tracks step states and answers which steps may start, following the run-time rules."""

    def __init__(self, document: WorkflowDocument) -> None:
        self._nodes = _build_nodes(document)
        _check_acyclic(document.name, self._nodes)
        self._ready: deque[str] = deque(n for n, node in self._nodes.items() if node.waiting == 0)
        for name in self._ready:
            self._nodes[name].state = "ready"
        self._open = len(self._nodes)

    @property
    def finished(self) -> bool:
        """Whether every step has settled (succeeded, failed, caught or skipped)."""
        return self._open == 0

    def state(self, name: str) -> StepState:
        """The current state of one step."""
        return self._nodes[name].state

    def dependencies(self, name: str) -> set[str]:
        """Steps whose outputs `name` may read: its dependencies and its error sources."""
        node = self._nodes[name]
        return node.deps | node.error_sources

    def take_ready(self) -> list[Step]:
        """Every step that may start now; they are marked running."""
        started = []
        while self._ready:
            node = self._nodes[self._ready.popleft()]
            node.state = "running"
            started.append(node.step)
        return started

    def settle(
        self, name: str, state: StepState, caught_to: str | None = None
    ) -> list[tuple[str, str]]:
        """Record how step `name` ended; returns the steps skipped as a consequence, with why."""
        node = self._nodes[name]
        node.state, node.caught_to = state, caught_to
        self._open -= 1
        skipped: list[tuple[str, str]] = []
        work = [name]
        while work:
            self._release_dependents(work.pop(), skipped, work)
        return skipped

    def stop(self, reason: str) -> list[tuple[str, str]]:
        """Skip every step that has not started (after an uncaught failure); returns them."""
        skipped = []
        self._ready.clear()
        for name, node in self._nodes.items():
            if node.state in ("pending", "ready"):
                node.state = "skipped"
                self._open -= 1
                skipped.append((name, reason))
        return skipped

    def _release_dependents(
        self, name: str, skipped: list[tuple[str, str]], work: list[str]
    ) -> None:
        source = self._nodes[name]
        for target_name in source.dependents:
            target = self._nodes[target_name]
            if name in target.error_sources:
                if source.state == "caught" and source.caught_to == target_name:
                    target.fired_by = target.fired_by or name
            elif source.state != "succeeded" and target.blocker is None:
                verb = "was skipped" if source.state == "skipped" else source.state
                target.blocker = f"dependency {name!r} {verb}"
            target.waiting -= 1
            if target.waiting or target.state != "pending":
                continue
            reason = _skip_reason(target)
            if reason is None:
                target.state = "ready"
                self._ready.append(target_name)
            else:
                target.state = "skipped"
                self._open -= 1
                skipped.append((target_name, reason))
                work.append(target_name)


def _skip_reason(node: _Node) -> str | None:
    if node.blocker is not None:
        return node.blocker
    if node.error_sources and node.fired_by is None:
        sources = ", ".join(sorted(node.error_sources))
        return f"no catch routing to it fired (error sources: {sources})"
    return None


def _build_nodes(document: WorkflowDocument) -> dict[str, _Node]:
    names = {step.name: step for step in document.steps}
    error_sources: dict[str, set[str]] = {name: set() for name in names}
    for step in document.steps:
        for catch in step.catch:
            _require_step(names, catch.next, step, "catch next")
            error_sources[catch.next].add(step.name)
    deps: dict[str, set[str]] = {name: set(step.depends_on) for name, step in names.items()}
    for edge in document.edges:
        if edge.kind != "error":
            deps[_require_step(names, edge.target, None, "edge target")].add(edge.source)
    nodes = {}
    for name, step in names.items():
        found = deps[name] | step_references(step.model_dump(exclude={"retry", "catch"}))
        for dep in found:
            _require_step(names, dep, step, "dependency")
        normal = found - error_sources[name] - {name}
        nodes[name] = _Node(step, normal, error_sources[name], waiting=len(normal))
        nodes[name].waiting += len(error_sources[name])
    for name, node in nodes.items():
        for dep in node.deps | node.error_sources:
            nodes[dep].dependents.append(name)
    return nodes


def _require_step(names: dict[str, Step], name: str, step: Step | None, what: str) -> str:
    if name not in names:
        owner = f" of step {step.name!r}" if step else ""
        raise ConfigError(
            f"{what}{owner} names unknown step {name!r}",
            pos=SourcePos.parse(step.pos) if step else None,
            allowed=names,
        )
    return name


def _check_acyclic(workflow: str, nodes: dict[str, _Node]) -> None:
    indegree = {name: node.waiting for name, node in nodes.items()}
    queue = deque(name for name, count in indegree.items() if count == 0)
    seen = 0
    while queue:
        seen += 1
        for target in nodes[queue.popleft()].dependents:
            indegree[target] -= 1
            if indegree[target] == 0:
                queue.append(target)
    if seen < len(nodes):
        stuck = sorted(name for name, count in indegree.items() if count > 0)
        raise ConfigError(
            f"workflow {workflow!r} has a dependency cycle among steps: {', '.join(stuck)}"
        )
