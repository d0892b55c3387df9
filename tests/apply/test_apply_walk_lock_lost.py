"""A journal that refuses to write (the state lock was broken) stops the walk: nothing more
is started, the calls in flight finish, and apply_plan raises the journal's LockLostError."""

from __future__ import annotations

from typing import Any

import pytest

from fnplan.apply.walk import apply_plan
from fnplan.errors import LockLostError
from fnplan.plan.planner import make_plan
from fnplan.state.model import ResourceState, State
from tests.plan.helpers import ListJournal, desired, res
from tests.plan.memory import MemoryProvider

RESOURCES = [res(f"event.e{i}", type=f"com.example.e{i}") for i in range(20)]


class _BreakingJournal(ListJournal):
    """Accepts `allowed` records, then refuses every write, as a journal whose lock was lost."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed = allowed

    def _write(self, *record: Any) -> None:
        if len(self.records) >= self.allowed:
            raise LockLostError("the state lock of this apply was broken")
        self.records.append(record)

    def intend(self, address: str, action: str, resource: ResourceState | None) -> None:
        self._write("intend", address, action)

    def done(self, address: str, result: ResourceState | None) -> None:
        self._write("done", address, result)

    def failed(self, address: str, error: str) -> None:
        self._write("failed", address, error)


@pytest.mark.parametrize("parallelism", [1, 4])
@pytest.mark.parametrize("allowed", [0, 5, 6])  # refused at an intent, or at a result
def test_a_refused_journal_write_stops_the_walk(parallelism: int, allowed: int) -> None:
    provider = MemoryProvider()  # threaded: `parallelism` calls run at once
    plan = make_plan(desired(*RESOURCES), State())
    journal = _BreakingJournal(allowed)
    with pytest.raises(LockLostError, match="was broken"):
        apply_plan(plan, State(), {"memory": provider}, journal, parallelism=parallelism)
    assert len(journal.records) == allowed
    started = {address for kind, address, _ in journal.records if kind == "intend"}
    assert {address for _, address in provider.calls} == started  # no call without its intent
    assert len(provider.calls) <= allowed // 2 + parallelism
