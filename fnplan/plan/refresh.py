"""Refresh: observe every recorded resource through its provider, concurrently, and return the
state as it really is plus what changed outside fnplan (drift)."""

from __future__ import annotations

import queue
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any

from fnplan.apply.calls import ProviderCalls
from fnplan.errors import FnplanError, ProviderError
from fnplan.plan.diff import attr_changes
from fnplan.plan.model import AttrChange
from fnplan.provider import is_threaded

if TYPE_CHECKING:
    from fnplan.provider import Observation, Provider
    from fnplan.state.model import ResourceState, State

#: the drift path recorded for an object that was deleted outside fnplan
DELETED_PATH = "*"


def refresh(
    state: State,
    providers: Mapping[str, Provider],
    *,
    parallelism: int = 10,
    on_progress: Callable[[str], None] | None = None,
    calls: ProviderCalls | None = None,
) -> tuple[State, dict[str, list[AttrChange]]]:
    """The state with each record replaced by what its provider observes, and the drift per
    address; pending records of an interrupted apply are settled.

    Provider errors raise ProviderError naming the address; so does an observe that outlasts
    its timeout (calls go through `calls`, which also keeps the thread contract).
    """
    records = list(state.resources.values())
    for record in records:
        _provider_for(record, providers)
    resources: dict[str, ResourceState] = {}
    drift: dict[str, list[AttrChange]] = {}
    calls = calls or ProviderCalls()
    observed = _observations(records, providers, parallelism, calls)
    try:
        for record, observation in observed:
            refreshed, changes = _settle(record, observation)
            if refreshed is not None:
                resources[record.address] = refreshed
            if changes:
                drift[record.address] = changes
            if on_progress is not None:
                on_progress(record.address)
    except BaseException:  # Ctrl-C or a failed observe while a result was being settled:
        observed.close()  # the observes still running are abandoned now, not at exit
        raise
    in_order = {r.address: resources[r.address] for r in records if r.address in resources}
    return state.model_copy(update={"resources": in_order}), drift


def _observations(
    records: list[ResourceState],
    providers: Mapping[str, Provider],
    parallelism: int,
    calls: ProviderCalls,
) -> Generator[tuple[ResourceState, Observation], None, None]:
    """Each record with its observation. Providers whose observe is local file work
    (`threaded = False`) are observed one record at a time: threads would only fight over
    the GIL. The others run in one batch per worker thread, since a hand-off per record costs
    more than a fast observe; each observation is yielded as soon as it is made."""
    observe = partial(_observe, providers=providers, calls=calls)
    serial = [r for r in records if not is_threaded(providers[r.provider])]
    threaded = [r for r in records if is_threaded(providers[r.provider])]
    for record in serial:
        yield record, observe(record)
    if not threaded:
        return
    workers = max(1, min(parallelism, len(threaded)))
    # a Queue, not a SimpleQueue: its blocking get lets Ctrl-C through
    finished: queue.Queue[tuple[ResourceState, Observation | BaseException]] = queue.Queue()

    def observe_batch(batch: list[ResourceState]) -> None:
        for record in batch:
            try:
                finished.put((record, observe(record)))
            except BaseException as error:  # raised by the consumer, in its own thread
                finished.put((record, error))
                return

    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for i in range(workers):
                pool.submit(observe_batch, threaded[i::workers])
            for _ in threaded:  # as they finish: a slow observe holds up no other record
                record, outcome = finished.get()
                if isinstance(outcome, BaseException):
                    raise outcome
                yield record, outcome
        except BaseException:  # stopped here (or closed by refresh): before the pool waits
            calls.cancel("the refresh was stopped")  # for its workers, they stop waiting
            raise


def _provider_for(record: ResourceState, providers: Mapping[str, Provider]) -> Provider:
    provider = providers.get(record.provider)
    if provider is None:
        raise ProviderError(
            f"{record.address}: no provider {record.provider!r} is configured to observe it",
            allowed=providers,
            hint="add the provider block back, or remove the record with `fnplan state rm`",
        )
    return provider


def _observe(
    record: ResourceState, *, providers: Mapping[str, Provider], calls: ProviderCalls
) -> Observation:
    provider = _provider_for(record, providers)
    try:
        return calls.call(
            provider,
            "observe",
            record.address,
            lambda: provider.observe(record),
            read_only=True,
            inline=not is_threaded(provider),  # local work: a hand-off would double its cost
        )
    except FnplanError as error:
        raise ProviderError(f"{record.address}: {error.message}", hint=error.hint) from error
    except Exception as error:  # a provider bug is reported against its resource, not a crash
        raise ProviderError(
            f"{record.address}: {type(error).__name__}: {error}",
            hint=f"the {record.provider} provider failed unexpectedly while observing",
        ) from error


def _matches(recorded: Mapping[str, Any], observed: Mapping[str, Any]) -> bool:
    """Every observed value equals the recorded one (keys a provider omits are not compared)."""
    return all(recorded.get(key, _ABSENT) == value for key, value in observed.items())


_ABSENT = object()


def _settle(
    record: ResourceState, observation: Observation
) -> tuple[ResourceState | None, list[AttrChange]]:
    """The refreshed record (None when gone) and its drift; pending records report no drift,
    since what they recorded was an intent, not a fact."""
    if not observation.exists:
        if record.pending is not None:
            return None, []
        return None, [AttrChange(path=DELETED_PATH, before="exists", after="deleted")]
    if (
        record.pending is None
        and _matches(record.attributes, observation.attributes)
        and _matches(record.outputs, observation.outputs)
    ):
        return record, []  # the common case: nothing changed, nothing to copy
    attributes = {**record.attributes, **observation.attributes}
    outputs = {**record.outputs, **observation.outputs}
    changes = (
        []
        if record.pending is not None
        else attr_changes(record.attributes, observation.attributes, only=observation.attributes)
    )
    refreshed = record.model_copy(
        update={"attributes": attributes, "outputs": outputs, "pending": None}
    )
    return refreshed, changes
