"""Deposed objects during an apply. A create-before-destroy replacement records the old
object as deposed (state and journal) before the new one is created; the old object's
delete then forgets it. Should that delete fail, or the apply be killed in between, the
deposed object stays in the state and the next plan deletes it (`delete (deposed)`)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from fnplan.state.journal import deposed_address

if TYPE_CHECKING:
    from fnplan.plan.model import ResourceChange
    from fnplan.state.model import ResourceState, State


class DeposedJournal(Protocol):
    """The journal records a deposed object as a result at its own journal address."""

    def done(self, address: str, result: ResourceState | None) -> None: ...


class DeposedObjects:
    """The deposed objects of one apply (those of the state, and those it deposes)."""

    def __init__(self, state: State, journal: DeposedJournal) -> None:
        self.objects: dict[str, ResourceState] = dict(state.deposed)
        self._journal = journal
        self._mutex = threading.Lock()
        self._keys: dict[str, str] = {}  # address -> key of the object this apply deposed

    @contextmanager
    def deposing(self, change: ResourceChange, prior: ResourceState | None) -> Iterator[None]:
        """Around the create of a create-before-destroy replacement: the old object is
        deposed first; if the create fails, it is the current object again."""
        if change.action != "replace" or not change.create_before_destroy or prior is None:
            yield
            return
        key = secrets.token_hex(4)
        with self._mutex:
            self.objects[key] = prior
            self._keys[change.address] = key
        self._journal.done(deposed_address(key), prior)
        try:
            yield
        except BaseException:
            self._forget(key)
            raise

    def key(self, change: ResourceChange) -> str:
        """The deposed key a delete of a deposed object works on."""
        if change.deposed is not None:
            return change.deposed
        with self._mutex:
            return self._keys[change.address]

    def prior(self, key: str) -> ResourceState:
        """The deposed object's record, as its provider's delete takes it."""
        with self._mutex:
            return self.objects[key]

    def is_current(self, key: str, current: ResourceState | None) -> bool:
        """Whether the create handed back the very object it replaces (an idempotent
        create): its outputs are the deposed object's, and deleting it would delete both."""
        prior = self.prior(key)
        return current is not None and bool(prior.outputs) and current.outputs == prior.outputs

    def deleted(self, key: str) -> None:
        """Its delete succeeded: nothing is left to remember."""
        self._forget(key)

    def _forget(self, key: str) -> None:
        with self._mutex:
            self.objects.pop(key, None)
        self._journal.done(deposed_address(key), None)
