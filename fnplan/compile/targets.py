"""Several targets: which providers each block is deployed to, and its copy on each.

A workflow goes to every provider in its `targets` (or `target`), else to the default; a
workflow called (nesting = "call") from a workflow on provider P also goes to P, because a
provider can only run what it has. A shared function goes to every provider its calling
workflows are on (the default when none calls it), a runtime to every provider its
functions (and dedicated copies, and runtimes built on it) are on, a trigger to those of
its target. A block on one provider keeps its plain address; a block on several gets one
copy per provider, `ADDRESS[PROVIDER]` (fnplan.addresses), with its own versions, pins and
outputs, and whatever it refers to names the copy on the same provider. A runtime's copy on
the default provider (else on its first) keeps the plain address: adding a target elsewhere
does not rename it, nor give every function built on it a new version. A root output
names one copy: `workflow.w[provider.local.b].endpoint`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fnplan.addresses import target_of, with_target, without_targets
from fnplan.compile.drafts import DraftWorkflow
from fnplan.compile.functions import version_of
from fnplan.compile.index import Entry, Index, to_pos
from fnplan.config.model import Config, Output, Workflow
from fnplan.config.names import check_address
from fnplan.errors import ConfigError
from fnplan.expr.marks import Marked
from fnplan.resources import Resource


@dataclass(slots=True)
class Placement:
    """The providers of every runtime, function, workflow and trigger, by block address
    (in the order their copies are listed: declared targets first, then the rest sorted),
    and the blocks whose copy on one provider keeps the plain address (`home`)."""

    providers: dict[str, list[str]] = field(default_factory=dict)
    home: dict[str, str] = field(default_factory=dict)

    def address(self, block: str, provider: str) -> str:
        """The address of `block`'s copy on `provider`: plain when it has only that one, or
        when `provider` is its home."""
        found = self.providers[block]
        if provider not in found:
            raise AssertionError(f"{block} is not placed on {provider}")
        if len(found) == 1 or self.home.get(block) == provider:
            return block
        return with_target(block, provider)

    def copies(self, block: str) -> list[tuple[str, str]]:
        """(address, provider) of each copy of `block`."""
        return [(self.address(block, provider), provider) for provider in self.providers[block]]


def declared_targets(entry: Entry[Workflow], root: Config) -> list[str]:
    """The provider addresses a workflow's `target`/`targets` name (checked to exist)."""
    found: list[str] = []
    for ref in entry.block.targets:
        address = ref.address.removeprefix("provider.")
        pos = to_pos(ref.pos or entry.block.pos_of("targets"))
        if address != "local" and address not in root.providers:
            raise ConfigError(
                f"{entry.address} targets {ref.address!r}, which has no provider block",
                pos=pos,
                allowed=["provider.local", *(f"provider.{a}" for a in root.providers)],
                hint=f'add `provider "{address.split(".")[0]}" {{ ... }}` to the root module',
            )
        if address in found:
            raise ConfigError(f"{entry.address} lists {ref.address} twice in targets", pos=pos)
        found.append(address)
    return found


def place(
    index: Index,
    default: str,
    drafts: Mapping[str, DraftWorkflow],
    order: list[str],
    runtime_of: Mapping[str, str],
) -> Placement:
    """Where every block goes; `drafts` are the workflows with inline children expanded,
    `order` lists children before parents, `runtime_of` maps functions to their runtimes."""
    placement = Placement()
    providers = placement.providers
    called: dict[str, set[str]] = {}
    for address in reversed(order):  # callers before the workflows they call
        own = declared_targets(index.workflows[address], index.root)
        extra = called.get(address, set())
        providers[address] = _listed(own or ([] if extra else [default]), extra)
        for step in drafts[address].steps.values():
            if step.workflow is not None:
                called.setdefault(step.workflow, set()).update(providers[address])
    functions: dict[str, set[str]] = {}
    runtimes: dict[str, set[str]] = {}
    for address, draft in drafts.items():
        dedicated = draft.entry.block.isolation == "dedicated"
        for step in draft.steps.values():
            if step.function is None:
                continue
            runtimes.setdefault(runtime_of[step.function], set()).update(providers[address])
            if not dedicated:
                functions.setdefault(step.function, set()).update(providers[address])
    for address in index.functions:
        providers[address] = _listed([], functions.get(address) or {default})
        runtimes.setdefault(runtime_of[address], set()).update(providers[address])
    _place_runtimes(index, default, runtimes, placement)
    for address, entry in index.triggers.items():
        target = index.resolve(
            entry.config, entry.block.target, ("workflow", "function"), f"{address}.target"
        )
        providers[address] = list(providers[target])
    _check_lengths(index, placement)
    return placement


def _check_lengths(index: Index, placement: Placement) -> None:
    """A copy's address names files and directories too: it must fit as a block's does."""
    entries: dict[str, Entry[Any]] = {
        **index.runtimes,
        **index.functions,
        **index.workflows,
        **index.triggers,
    }
    for block, entry in entries.items():
        for address, _ in placement.copies(block):
            check_address(address, to_pos(entry.block.pos))


def _place_runtimes(
    index: Index, default: str, users: dict[str, set[str]], placement: Placement
) -> None:
    """Each runtime where its users are; a base runtime also where runtimes built on it are.
    A runtime's copy on the default provider (else on the first) keeps the plain address."""
    providers = placement.providers
    bases = {
        address: index.resolve(entry.config, entry.block.base, ("runtime",), f"{address}.base")
        for address, entry in index.runtimes.items()
        if entry.block.base is not None
    }
    pending = list(index.runtimes)
    while pending:  # a derived runtime's providers flow down its (acyclic) base chain
        address = pending.pop()
        base = bases.get(address)
        if base is not None and not users.get(address, set()) <= users.get(base, set()):
            users.setdefault(base, set()).update(users[address])
            pending.append(base)
    for address in index.runtimes:
        found = providers[address] = _listed([], users.get(address) or {default})
        # no user runs a runtime by name: keeping it where it was spares its functions new
        # versions when a workflow gains a target elsewhere
        placement.home[address] = default if default in found else found[0]


def _listed(declared: list[str], more: Iterable[str]) -> list[str]:
    """`declared` in its order, then the other providers of `more` sorted."""
    return declared + sorted(set(more) - set(declared))


class FunctionCopies:
    """Function attributes and versions per (function, provider): on a provider where the
    function's runtime has a copy of its own, the attributes name that copy."""

    def __init__(self, functions: dict[str, dict[str, Any]], placement: Placement) -> None:
        self.functions = functions  # attributes before pins and version, as on one provider
        self._placement = placement
        self._done: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}

    def attributes(self, function: str, provider: str) -> dict[str, Any]:
        """The attributes of `function` deployed on `provider`."""
        return self._on(function, provider)[0]

    def version(self, function: str, provider: str) -> str:
        """The version hash of `function` deployed on `provider`."""
        return self._on(function, provider)[1]

    def address(self, function: str, provider: str) -> str:
        """The address of the shared function's copy on `provider`."""
        return self._placement.address(function, provider)

    def _on(self, function: str, provider: str) -> tuple[dict[str, Any], str]:
        key = (function, provider)
        done = self._done.get(key)
        if done is None:
            attributes = self.functions[function]
            runtime = attributes["runtime"]
            address = self._placement.address(runtime["address"], provider)
            if address != runtime["address"]:
                attributes = {**attributes, "runtime": {**runtime, "address": address}}
            done = self._done[key] = (attributes, version_of(attributes))
        return done


def runtime_on(attributes: dict[str, Any], provider: str, placement: Placement) -> dict[str, Any]:
    """A runtime's attributes on `provider`: its `base` names the base's copy there."""
    base = attributes["base"]
    if base is None:
        return attributes
    return {**attributes, "base": placement.address(base, provider)}


def trigger_addresses(
    address: str, target: str, completion: str | None, *, provider: str, placement: Placement
) -> tuple[str, str, str | None]:
    """A trigger copy's (address, target, completion source) on `provider`; a completion
    source deployed to several targets elsewhere cannot be followed from this one."""
    own = placement.address(address, provider)
    if completion is not None:
        sources = placement.providers[completion]
        if provider in sources:
            completion = placement.address(completion, provider)
        elif len(sources) > 1:
            raise ConfigError(
                f"{own} on {provider} listens for completions of {completion}, which is "
                f"deployed to {', '.join(sources)} but not to {provider}",
                hint="deploy both workflows to the same targets",
            )
    return own, placement.address(target, provider), completion


def check_output_targets(outputs: Iterable[Output], resources: Mapping[str, Resource]) -> None:
    """An output reading an attribute of a block deployed to several targets must name one
    copy (`workflow.w[provider.local.b].endpoint`), one that exists; naming the provider of
    a block with a single copy (or of a runtime's plain copy) reads that copy."""
    copies: dict[str, dict[str, str]] | None = None  # block -> provider -> address
    for output in outputs:
        for ref in _placeholders(output.value):
            address = str(ref["$ref"])
            if address in resources:
                continue
            if copies is None:
                copies = {}
                for name, resource in resources.items():
                    copies.setdefault(without_targets(name), {})[resource.provider] = name
            block, wanted = without_targets(address), target_of(address)
            found = copies.get(block)
            if not found:
                continue  # not a resource: validate reports it
            if wanted in found:
                ref["$ref"] = found[wanted]
                continue
            if wanted is None:
                message = f"{block} is deployed to {len(found)} targets: name one copy"
            else:
                message = f"{block} is not deployed to {wanted}"
            raise ConfigError(
                message,
                pos=to_pos(getattr(ref, "pos", None) or output.pos),
                allowed=[f"{block}[provider.{target}].{ref['attr']}" for target in sorted(found)],
            )


def _placeholders(value: Any) -> Iterator[dict[str, Any]]:
    """The {"$ref": ADDRESS, "attr": NAME} placeholders inside an evaluated value."""
    if isinstance(value, Marked):
        yield from _placeholders(value.value)
    elif isinstance(value, dict):
        if isinstance(value.get("$ref"), str) and "attr" in value:
            yield value
        else:
            for item in value.values():
                yield from _placeholders(item)
    elif isinstance(value, list):
        for item in value:
            yield from _placeholders(item)
