"""The apply walk: carry out a plan through the providers in parallel, in dependency order,
journaling every call, skipping what depends on a failure and finishing everything else."""

from __future__ import annotations

import queue
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from fnplan.apply.calls import ProviderCalls
from fnplan.apply.deposed import DeposedObjects
from fnplan.apply.moves import carry_out_moves
from fnplan.apply.outputs import apply_output_changes
from fnplan.apply.resolve import resolve
from fnplan.errors import ErrorList, FnplanError, LockLostError, SourcePos
from fnplan.provider import is_threaded
from fnplan.state.journal import deposed_address
from fnplan.state.model import ResourceState

if TYPE_CHECKING:
    from fnplan.plan.model import Plan, ResourceChange
    from fnplan.provider import Call, Provider
    from fnplan.resources import Resource
    from fnplan.state.model import State

T = TypeVar("T")
OpKind = Literal["create", "update", "delete"]
Phase = Literal["start", "progress", "done", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class ApplyEvent:
    """Progress of one provider call: started, progress (the provider's message), done,
    failed (message) or skipped."""

    address: str
    action: OpKind
    phase: Phase
    elapsed: float = 0.0
    message: str = ""


@dataclass(slots=True)
class ApplyResult:
    """The state with every success applied, and what failed or was skipped."""

    state: State
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    destroyed: int = 0
    #: existing objects adopted by `import` blocks before the walk
    imported: int = 0
    #: the apply was interrupted (Ctrl-C): what had not started is in `skipped`
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.interrupted


class JournalWriter(Protocol):
    """What the walk needs of fnplan.state's Journal (records before and after each call)."""

    def intend(self, address: str, action: OpKind, resource: ResourceState | None) -> None: ...

    def done(self, address: str, result: ResourceState | None) -> None: ...

    def failed(self, address: str, error: str) -> None: ...


@dataclass(slots=True)
class _Op:
    """One provider call; a replacement is two ops (create + delete) on the same address."""

    change: ResourceChange
    kind: OpKind
    successors: list[int] = field(default_factory=list)
    waiting: int = 0
    skipped: bool = False
    #: the delete of the old object of a create-before-destroy replacement
    deposed: bool = False


@dataclass(slots=True)
class _Outcome:
    index: int
    record: ResourceState | None
    error: str | None
    elapsed: float
    #: the journal refused to write (the state lock is no longer ours): the walk stops
    lost: LockLostError | None = None


def apply_plan(
    plan: Plan,
    state: State,
    providers: Mapping[str, Provider],
    journal: JournalWriter,
    *,
    parallelism: int = 10,
    on_event: Callable[[ApplyEvent], None] | None = None,
    handed: Callable[[Resource], Resource] | None = None,
    calls: ProviderCalls | None = None,
) -> ApplyResult:
    """Apply `plan` to `state`; provider errors are recorded in the result, never raised.
    LockLostError when the state lock was broken: the walk starts nothing more and raises it.
    `handed` gives what a provider is handed for a resource (its code staged, say); the
    state records the planned resource itself. Provider calls go through `calls` (timeouts,
    the thread contract, cancellation: once it is cancelled nothing new starts)."""
    state = carry_out_moves(plan, state, providers, journal)
    walk = _Walk(plan, state, providers, journal, on_event or (lambda _: None), handed)
    walk.calls = calls or ProviderCalls()
    result = walk.run(max(1, parallelism))
    result.interrupted = walk.calls.cancelled
    return result


class _Walk:
    """Ready-queue scheduler: ops with no unfinished predecessors run, up to `parallelism`."""

    def __init__(
        self,
        plan: Plan,
        state: State,
        providers: Mapping[str, Provider],
        journal: JournalWriter,
        emit: Callable[[ApplyEvent], None],
        handed: Callable[[Resource], Resource] | None = None,
    ) -> None:
        self.plan, self.state, self.providers = plan, state, providers
        self.journal, self.emit = journal, emit
        self.resources = dict(state.resources)
        self.result = ApplyResult(state=state)
        self.deposed = DeposedObjects(state, journal)
        self.handed: Callable[[Resource], Resource] = handed or (lambda resource: resource)
        self.ops: list[_Op] = []
        self.finished = 0
        self.calls = ProviderCalls()
        self._build()

    def _build(self) -> None:
        writes: dict[str, int] = {}
        deletes: dict[str, int] = {}
        old_objects: list[int] = []  # deletes of objects deposed earlier
        for change in self.plan.changes:
            if change.deposed is not None:
                old_objects.append(self._add(change, "delete", deposed=True))
                continue
            if change.action in ("create", "update", "replace"):
                writes[change.address] = self._add(
                    change, "update" if change.action == "update" else "create"
                )
            if change.action in ("delete", "replace"):
                cbd = change.action == "replace" and change.create_before_destroy
                deletes[change.address] = self._add(change, "delete", deposed=cbd)
            if change.action == "noop":
                self._refresh_record(change)
        for address, index in writes.items():
            self._link_write(address, index, writes, deletes)
        for address, index in deletes.items():
            self._link_delete(address, index, writes, deletes)
        for index in old_objects:  # after the write at its address, before its delete
            address = self.ops[index].change.address
            if address in writes:
                self._edge(writes[address], index)
            if address in deletes:
                self._edge(index, deletes[address])

    def _add(self, change: ResourceChange, kind: OpKind, *, deposed: bool = False) -> int:
        self.ops.append(_Op(change=change, kind=kind, deposed=deposed))
        return len(self.ops) - 1

    def _edge(self, before: int, after: int) -> None:
        self.ops[before].successors.append(after)
        self.ops[after].waiting += 1

    def _link_write(
        self, address: str, index: int, writes: dict[str, int], deletes: dict[str, int]
    ) -> None:
        """After its dependencies are written; before a removed dependency and before the old
        object of a create-before-destroy dependency are deleted."""
        resource = self.ops[index].change.resource
        for dependency in resource.depends_on if resource is not None else ():
            if dependency in writes:
                self._edge(writes[dependency], index)
            if dependency in deletes and self.ops[deletes[dependency]].deposed:
                self._edge(index, deletes[dependency])
        prior = self.state.resources.get(address)
        for dependency in prior.dependencies if prior is not None else ():
            if dependency in deletes and self.ops[deletes[dependency]].change.action == "delete":
                self._edge(index, deletes[dependency])

    def _link_delete(
        self, address: str, index: int, writes: dict[str, int], deletes: dict[str, int]
    ) -> None:
        """Before what it depended on is deleted; ordered against its own replacement."""
        prior = self.state.resources.get(address)
        for dependency in prior.dependencies if prior is not None else ():
            if dependency in deletes and dependency != address:
                self._edge(index, deletes[dependency])
        if address in writes:
            if self.ops[index].deposed:
                self._edge(writes[address], index)
            else:
                self._edge(index, writes[address])

    def _refresh_record(self, change: ResourceChange) -> None:
        """A no-op keeps its object but records its current dependencies and group."""
        record, resource = self.resources.get(change.address), change.resource
        if record is None or resource is None:
            return
        if (
            record.dependencies != resource.depends_on
            or record.group != resource.group
            or record.prevent_destroy != change.prevent_destroy
        ):
            self.resources[change.address] = record.model_copy(
                update={
                    "dependencies": list(resource.depends_on),
                    "group": resource.group,
                    "prevent_destroy": change.prevent_destroy,
                }
            )

    def run(self, parallelism: int) -> ApplyResult:
        parallelism = self._useful_parallelism(parallelism)
        ready = deque(i for i, op in enumerate(self.ops) if op.waiting == 0)
        outcomes: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
        in_flight = 0
        lost: LockLostError | None = None
        with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="apply") as pool:
            while ready or in_flight:
                if self.calls.cancelled:
                    self._interrupt(ready)  # nothing more starts
                    if not in_flight:
                        break
                while ready and in_flight < parallelism:
                    index = ready.popleft()
                    op = self.ops[index]
                    self.emit(ApplyEvent(op.change.address, op.kind, "start"))
                    pool.submit(self._call, index, self._input_record(op), outcomes)
                    in_flight += 1
                outcome = outcomes.get()
                in_flight -= 1
                if outcome.lost is not None:
                    lost = outcome.lost
                    ready.clear()
                    continue
                self._finish(outcome, ready)
        if lost is not None:
            raise lost
        self._fail_unreached()
        state = self.state.model_copy(
            update={"resources": self.resources, "deposed": self.deposed.objects}
        )
        self.result.state = state.model_copy(
            update={"outputs": apply_output_changes(self.plan.outputs, state)}
        )
        return self.result

    def _useful_parallelism(self, parallelism: int) -> int:
        """One worker when every provider involved does local work under the GIL (not
        `threaded`): more threads would only contend for it, several times slower."""
        involved = {op.change.provider for op in self.ops}
        if any(is_threaded(self.providers[name]) for name in involved if name in self.providers):
            return parallelism
        return 1

    def _input_record(self, op: _Op) -> ResourceState | None:
        """The record the provider call works on: the prior object, or for a deposed delete the
        new record that stays once the old object is gone."""
        address = op.change.address
        if op.kind == "create":
            return None
        if op.deposed:
            return self.resources.get(address)
        return self.state.resources.get(address) or ResourceState(
            address=address,
            type=op.change.type,
            provider=op.change.provider,
            attributes=op.change.before or {},
        )

    def _call(
        self, index: int, record: ResourceState | None, outcomes: queue.SimpleQueue[_Outcome]
    ) -> None:
        """Worker thread: journal the intent, call the provider, journal the result."""
        try:
            self._attempt(index, record, outcomes)
        except LockLostError as lost:
            outcomes.put(_Outcome(index, None, None, 0.0, lost))

    def _attempt(
        self, index: int, record: ResourceState | None, outcomes: queue.SimpleQueue[_Outcome]
    ) -> None:
        op = self.ops[index]
        address = op.change.address
        start = time.perf_counter()
        try:
            result = self._provider_call(op, record)
        except LockLostError:
            raise
        except Exception as error:  # any provider failure, bug or not, is journaled for this one
            # resource; the walk goes on with what does not depend on it
            message = _failure_message(error, op.change)
            self.journal.failed(address, message)
            outcomes.put(_Outcome(index, None, message, time.perf_counter() - start))
            return
        self.journal.done(address, result)
        outcomes.put(_Outcome(index, result, None, time.perf_counter() - start))

    def _provider_call(self, op: _Op, record: ResourceState | None) -> ResourceState | None:
        change = op.change
        if op.kind == "delete" and op.deposed:
            return self._delete_deposed(op, record)
        if op.kind == "delete":
            prior = record
            assert prior is not None
            self.journal.intend(change.address, "delete", None)
            provider = self._provider(prior.provider)
            self._through_calls(op, provider, lambda: provider.delete(prior))
            return None
        assert change.resource is not None
        resource = resolve(change.resource, self.resources)
        intended = ResourceState(
            address=resource.address,
            type=resource.type,
            provider=resource.provider,
            attributes=resource.attributes,
            dependencies=list(resource.depends_on),
            group=resource.group,
            prevent_destroy=change.prevent_destroy,
        )
        self.journal.intend(change.address, op.kind, intended)
        provider = self._provider(resource.provider)
        handed = self.handed(resource)
        if op.kind == "create":
            with self.deposed.deposing(change, self.state.resources.get(change.address)):
                outputs = self._through_calls(op, provider, lambda: provider.create(handed))
        else:
            assert record is not None
            outputs = self._through_calls(op, provider, lambda: provider.update(handed, record))
        return intended.model_copy(update={"outputs": dict(outputs or {})})

    def _delete_deposed(self, op: _Op, record: ResourceState | None) -> ResourceState | None:
        """Delete a deposed object; the record at its address (`record`) stays as it is."""
        key = self.deposed.key(op.change)
        prior = self.deposed.prior(key)
        if not self.deposed.is_current(key, record):
            self.journal.intend(deposed_address(key), "delete", None)
            provider = self._provider(prior.provider)
            self._through_calls(op, provider, lambda: provider.delete(prior))
        self.deposed.deleted(key)
        return record

    def _through_calls(self, op: _Op, provider: Provider, function: Callable[[], T]) -> T:
        """The provider call within its timeout and the thread contract; its progress is
        reported as "progress" events."""
        address = op.change.address

        def progress(call: Call, text: str) -> None:
            self.emit(ApplyEvent(address, op.kind, "progress", call.elapsed(), text))

        return self.calls.call(provider, op.kind, address, function, on_progress=progress)

    def _interrupt(self, ready: deque[int]) -> None:
        """Ctrl-C: what is ready does not start, nor anything after it; reported skipped."""
        stack = list(ready)
        ready.clear()
        while stack:
            op = self.ops[stack.pop()]
            if op.skipped:
                continue
            op.skipped = True
            self.finished += 1
            if op.change.address not in self.result.skipped:
                self.result.skipped.append(op.change.address)
            self.emit(ApplyEvent(op.change.address, op.kind, "skipped", message="interrupted"))
            stack.extend(op.successors)

    def _provider(self, name: str) -> Provider:
        provider = self.providers.get(name)
        if provider is None:
            raise FnplanError(f"no provider {name!r} is configured")
        return provider

    def _finish(self, outcome: _Outcome, ready: deque[int]) -> None:
        op = self.ops[outcome.index]
        self.finished += 1
        address = op.change.address
        if outcome.error is not None:
            self.result.failed.append((address, outcome.error))
            self.emit(ApplyEvent(address, op.kind, "failed", outcome.elapsed, outcome.error))
            self._skip_after(op, address)
            return
        self._record(op, outcome.record)
        self.emit(ApplyEvent(address, op.kind, "done", outcome.elapsed))
        for successor in op.successors:
            next_op = self.ops[successor]
            next_op.waiting -= 1
            if next_op.waiting == 0 and not next_op.skipped:
                ready.append(successor)

    def _record(self, op: _Op, record: ResourceState | None) -> None:
        address = op.change.address
        if op.kind == "delete":
            self.result.destroyed += 1
            if not op.deposed:
                self.resources.pop(address, None)
            return
        assert record is not None
        self.resources[address] = record
        if op.kind == "create":
            self.result.added += 1
        else:
            self.result.changed += 1

    def _skip_after(self, failed: _Op, cause: str) -> None:
        """Skip everything that (transitively) waits on a failed op."""
        stack = list(failed.successors)
        while stack:
            op = self.ops[stack.pop()]
            if op.skipped:
                continue
            op.skipped = True
            self.finished += 1
            address = op.change.address
            if address not in self.result.skipped and address != cause:
                self.result.skipped.append(address)
            self.emit(ApplyEvent(address, op.kind, "skipped", message=f"{cause} failed"))
            stack.extend(op.successors)

    def _fail_unreached(self) -> None:
        """Ops never ready (a dependency cycle in a hand-edited plan) are reported as failed."""
        if self.finished == len(self.ops):
            return
        for op in self.ops:
            if op.waiting > 0 and not op.skipped:
                message = "not applied: its dependencies form a cycle"
                self.result.failed.append((op.change.address, message))
                self.emit(ApplyEvent(op.change.address, op.kind, "failed", message=message))


def _failure_message(error: Exception, change: ResourceChange) -> str:
    """What failed, for a reviewer: where the resource is declared, the provider's message
    (without the address, shown beside it), its hint and notes (e.g. a build log's tail)."""
    if not isinstance(error, FnplanError):
        return f"{type(error).__name__}: {error}"
    if isinstance(error, ErrorList):
        return error.render()
    declared = change.resource.pos if change.resource is not None else None
    located = FnplanError(
        error.message.removeprefix(f"{change.address}: "),
        pos=error.pos or SourcePos.parse(declared),
        allowed=error.allowed,
        hint=error.hint,
        notes=error.notes,
    )
    return located.render().replace("error: ", "", 1)
