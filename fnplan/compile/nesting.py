"""Nested workflows: `nesting = "call"` keeps a child execution, `nesting = "inline"` flattens
the child's steps into the parent.

Inlined steps are named "<step>__<childstep>" (a valid HCL identifier, ASL state name and,
lower-cased, Argo task name). The child's `input.*` reads become the parent step's input
mapping, `step.<step>.output` in later parent steps becomes the child's `output`, the
parent step's depends_on/when apply to the child's entry steps, and its retry/catch apply to
child steps that declare none. The child itself is never modified.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from fnplan.compile.drafts import Draft, DraftWorkflow
from fnplan.compile.exprs import (
    expr_to_value,
    is_residual,
    rewrite_value,
    select,
    static_key,
    value_to_expr,
)
from fnplan.compile.index import to_pos
from fnplan.errors import ConfigError
from fnplan.expr.ast import BinaryOp, Expr, GetAttr, Traversal
from fnplan.workflow.model import Retry

SEPARATOR = "__"


class Nesting:
    """Expands inline nesting for every workflow, children first, detecting nesting cycles."""

    def __init__(self, drafts: dict[str, DraftWorkflow]) -> None:
        self._drafts = drafts
        self._expanded: dict[str, DraftWorkflow] = {}
        self.order: list[str] = []  # children before parents

    def expand_all(self) -> dict[str, DraftWorkflow]:
        """Every workflow with its inline children flattened in."""
        for address in self._drafts:
            self._expand(address, [])
        return self._expanded

    def _expand(self, address: str, path: list[tuple[str, Draft]]) -> DraftWorkflow:
        done = self._expanded.get(address)
        if done is not None:
            return done
        callers = [caller for caller, _ in path]
        if address in callers:
            raise _cycle_error(path[callers.index(address) :], address)
        draft = self._drafts[address]
        children: dict[str, DraftWorkflow] = {}
        for step in draft.steps.values():
            if step.workflow is not None:
                child = self._expand(step.workflow, [*path, (address, step)])
                if step.nesting == "inline":
                    children[step.name] = child
        expanded = _inline(draft, children) if children else draft
        self._expanded[address] = expanded
        self.order.append(address)
        return expanded


def _cycle_error(path: list[tuple[str, Draft]], back_to: str) -> ConfigError:
    hops = [
        f"{caller} step {step.name!r} ({to_pos(step.pos_of('workflow'))})" for caller, step in path
    ]
    return ConfigError(
        f"nesting cycle: {' -> '.join([*hops, back_to])}",
        pos=to_pos(path[0][1].pos_of("workflow")),
        hint="a workflow cannot run itself, directly or through the workflows it nests",
    )


def _inline(parent: DraftWorkflow, children: dict[str, DraftWorkflow]) -> DraftWorkflow:
    """The parent with each inline step replaced by its child's (renamed, rewired) steps."""
    inliner = _Inliner(parent, children)
    steps: dict[str, Draft] = {}
    for name, step in parent.steps.items():
        new_steps = inliner.inline_step(step) if name in children else [inliner.parent_step(step)]
        for new in new_steps:
            if new.name in steps:
                raise ConfigError(
                    f"step {new.name!r} (from inlining) is defined twice in {parent.address}",
                    pos=to_pos(step.pos),
                    hint='rename one of the steps, or use nesting = "call"',
                )
            steps[new.name] = new
    output = rewrite_value(parent.output, inliner.parent_rewrite)
    return dataclasses.replace(parent, steps=steps, output=output)


class _Inliner:
    """Rewrites references for one parent workflow whose inline steps are `children`."""

    def __init__(self, parent: DraftWorkflow, children: dict[str, DraftWorkflow]) -> None:
        self._parent = parent
        self._children = children
        self._outputs: dict[str, Any] = {}
        self._inputs: dict[str, Any] = {}

    def parent_rewrite(self, traversal: Traversal) -> Expr | None:
        """`step.<inline>.output...` in the parent -> the child's output expression."""
        if traversal.root != "step" or len(traversal.steps) < 2:
            return None
        name = static_key(traversal.steps[0])
        if name not in self._children or static_key(traversal.steps[1]) != "output":
            return None
        return select(self._output(str(name)), traversal.steps[2:])

    def parent_step(self, step: Draft) -> Draft:
        """A plain parent step with references to inline steps rewired."""
        new = step.rewritten(self.parent_rewrite)
        new.depends_on = self._map_depends(step.depends_on)
        new.catch = [
            rule.model_copy(update={"next": self._catch_target(rule.next, step)})
            for rule in step.catch
        ]
        return new

    def inline_step(self, step: Draft) -> list[Draft]:
        """The child's steps, renamed and rewired, standing in for `step`."""
        child = self._children[step.name]
        rename = _renamer(step.name, child)
        rewrite = self._child_rewrite(step.name, child)
        entries = _entry_steps(child)
        parent_when = rewrite_value(step.when, self.parent_rewrite)
        result = []
        for inner in child.steps.values():
            new = inner.rewritten(rewrite)
            new.name = rename(inner.name)
            new.depends_on = [rename(name) for name in inner.depends_on]
            new.catch = [
                rule.model_copy(update={"next": rename(rule.next)}) for rule in inner.catch
            ]
            if inner.name in entries:
                new.depends_on = sorted({*new.depends_on, *self._map_depends(step.depends_on)})
                new.when = _both(parent_when, new.when)
            if inner.retry == Retry():
                new.retry = step.retry
            if not inner.catch and step.catch:
                new.catch = [
                    rule.model_copy(update={"next": self._catch_target(rule.next, step)})
                    for rule in step.catch
                ]
            result.append(new)
        return result

    def _child_rewrite(self, name: str, child: DraftWorkflow) -> Callable[[Traversal], Expr | None]:
        rename = _renamer(name, child)

        def rewrite(traversal: Traversal) -> Expr | None:
            if traversal.root == "input":
                return select(self._checked_input(name, child, traversal), traversal.steps)
            first = static_key(traversal.steps[0]) if traversal.steps else None
            if traversal.root == "step" and first in child.steps:
                steps = (GetAttr(rename(str(first))), *traversal.steps[1:])
                return Traversal("step", steps, traversal.pos)
            return None

        return rewrite

    def _checked_input(self, name: str, child: DraftWorkflow, traversal: Traversal) -> Any:
        """The step's input mapping, which must set every field the child reads."""
        mapping = self._input(name)
        field = static_key(traversal.steps[0]) if traversal.steps else None
        plain_mapping = isinstance(mapping, dict) and not is_residual(mapping)
        if plain_mapping and isinstance(field, str) and field not in mapping:
            raise ConfigError(
                f"step {name!r} inlines {child.address}, which reads input.{field}, "
                f"but the step's input does not set {field!r}",
                pos=to_pos(self._parent.steps[name].pos_of("input")),
                allowed=[str(key) for key in mapping],
            )
        return mapping

    def _input(self, name: str) -> Any:
        if name not in self._inputs:
            self._inputs[name] = rewrite_value(self._parent.steps[name].input, self.parent_rewrite)
        return self._inputs[name]

    def _output(self, name: str) -> Any:
        if name not in self._outputs:
            child = self._children[name]
            self._outputs[name] = rewrite_value(child.output, self._child_rewrite(name, child))
        return self._outputs[name]

    def _map_depends(self, names: list[str]) -> list[str]:
        mapped: list[str] = []
        for name in names:
            child = self._children.get(name)
            if child is None:
                mapped.append(name)
            else:
                rename = _renamer(name, child)
                mapped.extend(rename(inner) for inner in _exit_steps(child))
        return mapped

    def _catch_target(self, name: str, step: Draft) -> str:
        child = self._children.get(name)
        if child is None:
            return name
        entries = sorted(_entry_steps(child))
        if len(entries) != 1:
            raise ConfigError(
                f"step {step.name!r} catches into inline step {name!r}, whose workflow "
                f"{child.address} has {len(entries)} entry steps ({', '.join(entries)})",
                pos=to_pos(step.pos_of("catch")),
                hint='a catch branch needs one first step; use nesting = "call" for that step',
            )
        return _renamer(name, child)(entries[0])


def _renamer(name: str, child: DraftWorkflow) -> Callable[[str], str]:
    def rename(inner: str) -> str:
        return f"{name}{SEPARATOR}{inner}" if inner in child.steps else inner

    return rename


def _entry_steps(child: DraftWorkflow) -> set[str]:
    """Steps that wait for no other step of the child and are not catch branches."""
    caught = {rule.next for step in child.steps.values() for rule in step.catch}
    return {
        name
        for name, step in child.steps.items()
        if name not in caught and not (step.predecessors() & child.steps.keys())
    }


def _exit_steps(child: DraftWorkflow) -> list[str]:
    """Steps no other step of the child waits for (catch branches excluded): "the child is done"."""
    caught = {rule.next for step in child.steps.values() for rule in step.catch}
    waited_on = {name for step in child.steps.values() for name in step.predecessors()}
    return [name for name in child.steps if name not in caught and name not in waited_on]


def _both(first: object, second: object) -> object:
    """`first && second` for two `when` values (None means always)."""
    if first is None:
        return second
    if second is None:
        return first
    return expr_to_value(BinaryOp("&&", value_to_expr(first), value_to_expr(second)))
