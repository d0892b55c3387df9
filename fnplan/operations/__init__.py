"""Plan, apply and destroy as whole operations: lock, read state, compile, refresh, diff, walk.

The CLI calls these and renders their results; they hold the state lock for their whole
duration so a plan made here is applied against exactly the state it was made from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from fnplan.apply.calls import ProviderCalls
from fnplan.workspace import Prepared

if TYPE_CHECKING:
    from fnplan.apply.walk import ApplyEvent, ApplyResult
    from fnplan.compile.model import Desired
    from fnplan.plan.model import AttrChange, Plan
    from fnplan.plan.staging import StagedCode
    from fnplan.provider import Provider
    from fnplan.state.backend import StateBackend
    from fnplan.state.model import State
    from fnplan.workspace import Workspace


@dataclass(frozen=True)
class PlanOptions:
    refresh: bool = True
    destroy: bool = False
    targets: Sequence[str] = ()
    replace: Sequence[str] = ()
    parallelism: int = 10


@dataclass
class Planned:
    """A plan with everything needed to apply it in the same locked session."""

    plan: Plan
    state: State
    providers: dict[str, Provider]
    drift: dict[str, list[AttrChange]] = field(default_factory=dict)


@dataclass
class Session:
    """A prepared workspace with the state lock held."""

    workspace: Workspace
    prepared: Prepared
    #: the exact code this session's apply publishes (see stage_code)
    staged: StagedCode | None = None
    #: every provider call of the session (refresh and apply): timeouts, thread contract,
    #: cancellation on Ctrl-C
    calls: ProviderCalls = field(default_factory=ProviderCalls)

    @property
    def backend(self) -> StateBackend:
        return self.prepared.backend

    def desired(self, state: State) -> Desired:
        return self.workspace.desired(self.prepared, state)


@contextmanager
def session(
    workspace: Workspace,
    operation: str,
    *,
    state_only: bool = False,
    timeout: float | None = None,
) -> Iterator[Session]:
    """Prepare the configuration, then hold the state lock for the whole operation.

    `state_only` (applying a saved plan) reads just the backend block: the plan carries
    everything else, so a configuration edited since cannot get in its way. `timeout`
    (seconds) bounds every provider call instead of the per-operation defaults."""
    prepared = Prepared(workspace.state_backend()) if state_only else workspace.prepare()
    with prepared.backend.lock(operation):
        opened = Session(workspace, prepared, calls=ProviderCalls(timeout=timeout))
        try:
            yield opened
        finally:
            if opened.staged is not None:
                opened.staged.remove()


class PlanProgress(Protocol):
    """Told what a plan is doing, for a progress display."""

    def stage(self, text: str) -> None: ...

    def observed(self, address: str) -> None: ...


def make_plan(
    session: Session,
    options: PlanOptions,
    *,
    progress: PlanProgress | None = None,
) -> Planned:
    """Read the state, compile the configuration, refresh through providers, diff."""
    from fnplan.plan.imports import mark_imports, pending_imports, plan_imports
    from fnplan.plan.lifecycle import without_ignored_drift
    from fnplan.plan.planner import make_plan as diff
    from fnplan.plan.refresh import refresh

    state = session.backend.read()
    if progress is not None:
        progress.stage("Compiling the configuration…")
    desired = session.desired(state)
    _check_targets(options, desired, state)
    providers = session.workspace.providers(desired.providers, desired.providers_used(), state)
    drift: dict[str, list[AttrChange]] = {}
    if options.refresh and state.resources:
        if progress is not None:
            progress.stage("Refreshing state…")
        state, drift = refresh(
            state,
            providers,
            parallelism=options.parallelism,
            on_progress=progress.observed if progress is not None else None,
            calls=session.calls,
        )
    imports = {} if options.destroy else pending_imports(desired, state)
    plan = diff(
        desired,
        plan_imports(desired, state, providers) if imports else state,
        drift=drift,
        providers=providers,
        destroy=options.destroy,
        targets=options.targets,
        replace=options.replace,
    )
    mark_imports(plan, imports)
    plan.reads = list(desired.reads)
    plan.providers = desired.providers
    plan.redact = sorted(set(desired.redact) | set(state.redact))
    drift = without_ignored_drift(drift, desired)  # lifecycle ignore_changes: not reported
    return Planned(plan=plan, state=state, providers=providers, drift=drift)


def load_saved_plan(session: Session, path: Path) -> Planned:
    """A saved plan, checked against the current state, with the providers it needs and the
    code it carries staged for apply."""
    from fnplan.plan.saved import check_plan_current, open_saved_plan
    from fnplan.plan.staging import StagedCode

    plan, archive = open_saved_plan(path)
    try:
        state = session.backend.read()
        check_plan_current(plan, state)
        session.staged = StagedCode(session.workspace.data_dir)
        if archive is not None:
            session.staged.from_archive(plan, archive)
        else:  # a plan saved without code: its sources must still be as planned
            session.staged.from_sources(plan)
    finally:
        if archive is not None:
            archive.close()
    used = {change.provider for change in plan.changes}
    providers = session.workspace.providers(plan.providers, used, state)
    return Planned(plan=plan, state=state, providers=providers)


def stage_code(session: Session, planned: Planned) -> None:
    """Capture the code the plan publishes now, so that what is applied later (after the
    confirmation prompt) is exactly what was planned, whatever is edited meanwhile."""
    from fnplan.plan.staging import StagedCode

    session.staged = StagedCode(session.workspace.data_dir)
    session.staged.from_sources(planned.plan)


def apply(
    session: Session,
    planned: Planned,
    *,
    parallelism: int,
    on_event: Callable[[ApplyEvent], None] | None = None,
) -> ApplyResult:
    """Execute the plan; the journal records every resource, the state is written at the end
    (apply_plan fills the root outputs from the plan's output changes)."""
    from fnplan.apply.walk import apply_plan
    from fnplan.plan.imports import apply_imports

    backend = session.backend
    journal = backend.journal(planned.state)
    try:
        adopted = apply_imports(planned.plan, planned.state, planned.providers, journal)
        result = apply_plan(
            planned.plan,
            adopted,
            planned.providers,
            journal,
            parallelism=parallelism,
            on_event=on_event,
            handed=session.staged.handed if session.staged is not None else None,
            calls=session.calls,
        )
        result.imported = len(adopted.resources.keys() - planned.state.resources.keys())
        if not planned.plan.destroy:
            result.state.redact = list(planned.plan.redact)
        backend.write(result.state)
    finally:
        journal.close()
    return result


def _check_targets(options: PlanOptions, desired: Desired, state: State) -> None:
    """--target and --replace must name something that exists, with a suggestion if not."""
    from fnplan.errors import PlanError, did_you_mean

    known = set(desired.resources) | set(state.resources)
    known |= {a.partition("[")[0] for a in known if "[" in a}  # blocks on several targets
    groups = {r.group for r in desired.resources.values()} | {
        r.group for r in state.resources.values()
    }
    for flag, addresses in (("--target", options.targets), ("--replace", options.replace)):
        for address in addresses:
            if address not in known and address not in groups:
                raise PlanError(
                    f"{flag} {address}: no such resource in the configuration or the state",
                    hint=did_you_mean(address, known | groups),
                )
