"""The one acquire loop every backend's lock uses (fnplan.state.lock.acquire), on an in-memory
LockSlot: what it says while waiting, when it gives up, and whose lock it breaks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fnplan.errors import LockError
from fnplan.state import lock
from fnplan.state.lock import Claimant, LockInfo, acquire


class MemorySlot:
    """A lock slot in memory: `holders` take turns holding it, one per blocker() call."""

    def __init__(self, *holders: LockInfo | LockError | None) -> None:
        self.holders = list(holders)
        self.held: LockInfo | None = None
        self.broken: list[str] = []

    def try_create(self, info: LockInfo) -> bool:
        if self.holders:
            return False
        self.held = info
        return True

    def blocker(self) -> LockInfo | LockError | None:
        return self.holders[0] if len(self.holders) == 1 else self.holders.pop(0)

    def break_lock(self, holder: LockInfo) -> bool:
        self.broken.append(holder.id)
        self.holders.remove(holder)
        return True


def _holder(who: str, *, host: str = "far-away", pid: int = 4121) -> LockInfo:
    info = LockInfo.new("apply", who=who, host=host, lease=30)
    return info.model_copy(update={"pid": pid})


def test_a_waiter_says_whom_it_waits_for_again_when_the_holder_changes_and_now_and_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lock, "_PROGRESS_EVERY", 0.05)
    alice, bob = _holder("alice@ci"), _holder("bob@ci")
    slot = MemorySlot(alice, bob)
    said: list[str] = []
    here = Claimant.here("me@here", 30)
    with pytest.raises(LockError, match="bob@ci"):
        acquire(slot, "plan", here, timeout=0.4, warn=said.append, progress=said.append, poll=0.01)
    assert said[0].startswith("waiting up to 0.4s for the state lock: ") and "alice@ci" in said[0]
    assert said[1].startswith("waiting up to 0.4s") and "bob@ci" in said[1]
    assert any(line.startswith("still waiting for the state lock (") for line in said[2:])


def test_no_timeout_refuses_at_once_without_a_word() -> None:
    said: list[str] = []
    slot = MemorySlot(_holder("alice@ci"))
    with pytest.raises(LockError, match="locked by another fnplan"):
        acquire(
            slot, "plan", Claimant.here(None, 30), timeout=0, warn=said.append, progress=said.append
        )
    assert said == []


def test_the_lock_of_a_dead_process_on_this_host_is_broken_and_taken() -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    here = Claimant.here("me@here", 30)
    dead = _holder("crashed@here", host=here.host, pid=int(gone.stdout))
    alive = _holder("running@here", host=here.host, pid=os.getpid())
    warned: list[str] = []
    slot = MemorySlot(dead)
    taken = acquire(slot, "apply", here, timeout=0, warn=warned.append)
    assert slot.broken == [dead.id] and slot.held == taken and taken.who == "me@here"
    assert len(warned) == 1 and "no longer exists" in warned[0] and dead.id in warned[0]
    with pytest.raises(LockError, match="running@here"):
        acquire(MemorySlot(alive), "apply", here, timeout=0, warn=warned.append)
