"""Reuse versus isolation: which deployed function each function step calls.

shared     steps call `function.X` at its current version hash, or at the hash of version N
           recorded in the prior state for `function.X.versions[N]`; overriding resources is
           an error.
dedicated  the workflow owns private copies `<workflow>.<function address>`; a step's
           `resources` (memory/timeout) apply to its copy. Steps of one workflow with different
           overrides of the same function get one copy per distinct override, named
           `<workflow>.<function address>~<first step using it>`; the copy without overrides keeps
           the plain name. Pinning versions[N] is for shared functions only.

A workflow deployed to several targets is resolved once per target (fnplan.compile.targets):
its shared calls go to the function's copy on that target (`function.X[aws]`, with that
copy's versions), its dedicated copies are named after its own copy
(`workflow.W[aws].function.X`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fnplan.compile.drafts import Draft, DraftWorkflow
from fnplan.compile.functions import version_of, with_overrides
from fnplan.compile.index import to_pos
from fnplan.compile.targets import FunctionCopies
from fnplan.errors import ConfigError
from fnplan.inputs import record_state
from fnplan.state.model import State
from fnplan.workflow.model import FunctionCall


@dataclass(frozen=True, slots=True)
class Copy:
    """A dedicated function copy to deploy."""

    address: str
    function: str
    workflow: str
    provider: str
    attributes: dict[str, Any]
    version: str


@dataclass(slots=True)
class Usage:
    """What every workflow's function steps need, across the configuration."""

    pins: dict[str, set[str]] = field(default_factory=dict)  # deployed address -> pinned hashes
    users: dict[str, set[str]] = field(default_factory=dict)  # deployed address -> workflows
    copies: dict[str, Copy] = field(default_factory=dict)


def resolve_functions(
    draft: DraftWorkflow,
    provider: str,
    functions: FunctionCopies,
    state: State | None,
    usage: Usage,
) -> dict[str, FunctionCall]:
    """The FunctionCall of every function step of `draft`, the copy of a workflow on
    `provider` (recording copies, pins and users)."""
    if draft.entry.block.isolation == "dedicated":
        return _dedicated(draft, provider, functions, usage)
    calls: dict[str, FunctionCall] = {}
    for step in draft.steps.values():
        if step.function is None:
            continue
        if step.resources is not None:
            raise ConfigError(
                f"{draft.address} step {step.name!r} overrides the resources of the shared "
                f"function {step.function}; shared functions cannot be overridden",
                pos=to_pos(step.pos_of("resources")),
                hint=f'set isolation = "dedicated" on {draft.address} to give it its own copy '
                "whose resources steps may override",
            )
        address = functions.address(step.function, provider)
        usage.users.setdefault(address, set()).add(draft.address)
        if step.pin is None:
            version = functions.version(step.function, provider)
        else:
            version = _pinned(step, address, state)
            usage.pins.setdefault(address, set()).add(version)
        calls[step.name] = FunctionCall(address=address, version=version)
    return calls


def _dedicated(
    draft: DraftWorkflow, provider: str, functions: FunctionCopies, usage: Usage
) -> dict[str, FunctionCall]:
    calls: dict[str, FunctionCall] = {}
    names: dict[tuple[str, int | None, float | None], str] = {}
    for step in draft.steps.values():
        if step.function is None:
            continue
        if step.pin is not None:
            raise ConfigError(
                f"{draft.address} step {step.name!r} pins {step.function}.versions[{step.pin}], "
                "but a dedicated workflow always deploys its own copy of the current code",
                pos=to_pos(step.pos_of("function")),
                hint=f'use isolation = "shared" to call a pinned version, or call {step.function}',
            )
        memory = step.resources.memory if step.resources else None
        timeout = step.resources.timeout if step.resources else None
        key = (step.function, memory, timeout)
        if key not in names:
            plain = memory is None and timeout is None
            names[key] = f"{draft.address}.{step.function}" + ("" if plain else f"~{step.name}")
        address = names[key]
        copy = usage.copies.get(address)
        if copy is None:
            attributes = with_overrides(
                functions.attributes(step.function, provider), memory, timeout
            )
            version = version_of(attributes)
            copy = Copy(address, step.function, draft.address, provider, attributes, version)
            usage.copies[address] = copy
        calls[step.name] = FunctionCall(address=address, version=copy.version)
    return calls


def _pinned(step: Draft, address: str, state: State | None) -> str:
    """The hash of version N of a shared function's copy at `address`, from the prior
    state's outputs (each target numbers its versions itself)."""
    recorded = state.resources.get(address) if state is not None else None
    versions = recorded.outputs.get("versions", []) if recorded is not None else []
    record_state(address, versions)
    known = {entry["number"]: entry["hash"] for entry in versions if isinstance(entry, dict)}
    if step.pin in known:
        return str(known[step.pin])
    hint = (
        f"{address} has not been deployed yet; apply once, then pin one of its versions"
        if not known
        else f"pin one of the deployed versions, or refer to {address} for the latest"
    )
    raise ConfigError(
        f"step {step.name!r} pins {address}.versions[{step.pin}], but that version does not exist",
        pos=to_pos(step.pos_of("function")),
        allowed=[f"versions[{number}]" for number in sorted(known)],
        hint=hint,
    )
