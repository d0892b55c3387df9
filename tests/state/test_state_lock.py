"""Locking against real processes: held, waited for, stale, dead holders, force-unlock."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fnplan.errors import LockError, LockLostError
from fnplan.state.local import LocalBackend
from fnplan.state.lock import LockInfo, StateLock

from .conftest import Holder, wait_until


def _current(backend: LocalBackend) -> LockInfo:
    current = backend.current_lock()
    assert current is not None
    return current


def test_lock_held_by_another_process_names_the_holder(
    state_path: Path, holder_factory: type[Holder]
) -> None:
    holder = holder_factory(state_path)
    backend = LocalBackend(state_path)
    with pytest.raises(LockError) as caught, backend.lock("plan"):
        pass
    message = caught.value.render()
    for part in ("'apply'", "tester@ci", f"pid {holder.process.pid}", holder.info["host"]):
        assert part in message
    assert f"fnplan force-unlock {holder.info['id']}" in message
    assert "STALE" not in message
    current = backend.current_lock()
    assert current is not None and current.id == holder.info["id"]
    holder.release()
    assert backend.current_lock() is None


def test_lock_timeout_waits_until_the_holder_releases(
    state_path: Path, holder_factory: type[Holder], monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = holder_factory(state_path)
    refused = threading.Event()
    blocker = StateLock.blocker

    def spied(lock: StateLock) -> LockInfo | LockError | None:
        error = blocker(lock)
        refused.set()
        return error

    monkeypatch.setattr(StateLock, "blocker", spied)
    acquired: list[LockInfo] = []

    def wait_for_the_lock() -> None:
        with LocalBackend(state_path, lock_timeout=30).lock("apply") as info:
            acquired.append(info)

    waiter = threading.Thread(target=wait_for_the_lock)
    waiter.start()
    assert refused.wait(10), "the waiter never met the holder"
    assert not acquired
    holder.release()
    waiter.join(10)
    assert len(acquired) == 1
    assert acquired[0].pid == os.getpid() and acquired[0].operation == "apply"


def test_lock_timeout_gives_up_with_the_holder_named(
    state_path: Path, holder_factory: type[Holder]
) -> None:
    holder = holder_factory(state_path)
    started = time.monotonic()
    with pytest.raises(LockError, match=holder.info["id"]):
        LocalBackend(state_path, lock_timeout=0.4).lock("apply").__enter__()
    assert time.monotonic() - started >= 0.4


def test_expired_lease_of_a_hung_holder_is_reported_stale(
    state_path: Path, holder_factory: type[Holder]
) -> None:
    holder = holder_factory(state_path, lease=0.3)
    os.kill(holder.process.pid, signal.SIGSTOP)  # hung: alive, but no longer renewing
    backend = LocalBackend(state_path)
    try:
        wait_until(lambda: _current(backend).is_stale(), "the lease to expire")
        with pytest.raises(LockError) as caught, LocalBackend(state_path).lock("plan"):
            pass
    finally:
        os.kill(holder.process.pid, signal.SIGCONT)
    message = caught.value.render()
    assert "STALE" in message and "lease expired" in message
    assert f"fnplan force-unlock {holder.info['id']}" in message


def test_live_holder_keeps_renewing_its_lease(
    state_path: Path, holder_factory: type[Holder]
) -> None:
    holder = holder_factory(state_path, lease=0.6)
    first_expiry = datetime.fromisoformat(holder.info["expires"])
    backend = LocalBackend(state_path)
    outlived = first_expiry + timedelta(seconds=0.6)  # renewed past where the first lease ended
    wait_until(lambda: _current(backend).expires > outlived, "renewals past the first lease")
    current = _current(backend)
    assert current.id == holder.info["id"] and not current.is_stale()


def test_dead_holder_on_this_host_is_broken_with_a_warning(
    state_path: Path, holder_factory: type[Holder]
) -> None:
    holder = holder_factory(state_path)
    holder.kill()  # SIGKILL: the lock file stays behind
    assert state_path.with_name("state.json.lock").exists()
    warnings: list[str] = []
    with LocalBackend(state_path, warn=warnings.append).lock("apply") as info:
        assert info.pid == os.getpid()
    assert len(warnings) == 1
    assert "no longer exists" in warnings[0] and holder.info["id"] in warnings[0]
    assert not state_path.with_name("state.json.lock").exists()


def test_dead_holder_on_another_host_is_not_broken(state_path: Path) -> None:
    lock_path = state_path.with_name("state.json.lock")
    lock_path.parent.mkdir(parents=True)
    now = datetime.now(UTC).isoformat()
    record = {"id": "abc", "operation": "apply", "who": "bob@far", "pid": 999_999_999,
              "host": "far-away-host", "created": now, "expires": now}  # fmt: skip
    lock_path.write_text(json.dumps(record))
    with pytest.raises(LockError) as caught, LocalBackend(state_path).lock("plan"):
        pass
    assert "far-away-host" in caught.value.render() and "STALE" in caught.value.render()


def test_force_unlock_with_the_right_and_a_wrong_id(
    state_path: Path, holder_factory: type[Holder]
) -> None:
    holder = holder_factory(state_path)
    backend = LocalBackend(state_path)
    with pytest.raises(LockError, match="does not match") as caught:
        backend.force_unlock("not-the-id")
    assert holder.info["id"] in caught.value.render()
    assert backend.current_lock() is not None
    removed = backend.force_unlock(holder.info["id"])
    assert removed.id == holder.info["id"] and backend.current_lock() is None
    with pytest.raises(LockError, match="not locked"):
        backend.force_unlock(holder.info["id"])
    with backend.lock("apply"):
        pass
    holder.release()  # the old holder's release must not touch anything now


def test_release_removes_only_our_own_lock(state_path: Path) -> None:
    first, second = LocalBackend(state_path), LocalBackend(state_path, warn=lambda _: None)
    with first.lock("apply") as mine:
        first.force_unlock(mine.id)
        second_lock = second.lock("state-edit")
        theirs = second_lock.__enter__()
    current = second.current_lock()
    assert current is not None and current.id == theirs.id
    second_lock.__exit__(None, None, None)
    assert second.current_lock() is None


def test_unreadable_lock_file_is_reported_with_what_to_do(state_path: Path) -> None:
    lock_path = state_path.with_name("state.json.lock")
    lock_path.parent.mkdir(parents=True)
    lock_path.write_text("{")
    old = time.time() - 60
    os.utime(lock_path, (old, old))
    with pytest.raises(LockError, match="unreadable") as caught, LocalBackend(state_path).lock("x"):
        pass
    assert f"delete {lock_path}" in caught.value.render()


def test_a_write_after_the_lock_was_force_unlocked_is_refused(state_path: Path) -> None:
    mine, theirs = LocalBackend(state_path), LocalBackend(state_path, warn=lambda _: None)
    with mine.lock("apply") as info:
        state = mine.read()
        mine.write(state)
        journal = mine.journal(state)
        theirs.force_unlock(info.id)
        before = state_path.read_bytes()
        with pytest.raises(LockLostError, match=f"lock ID {info.id}. was removed"):
            mine.write(state)
        with pytest.raises(LockLostError):
            journal.intend("function.a", "create", None)
        with pytest.raises(LockLostError):  # and every later record, without asking again
            journal.failed("function.a", "x")
        assert state_path.read_bytes() == before
        with theirs.lock("apply"):
            new_journal = theirs.journal(theirs.read())
            journal.close()  # the old apply ends, having written nothing: the new one's stays
            assert state_path.with_name("state.json.journal").exists()
            new_journal.close()


def test_a_journal_whose_lock_another_holder_took_names_that_holder(
    state_path: Path, holder_factory: type[Holder]
) -> None:
    mine = LocalBackend(state_path)
    with mine.lock("destroy") as info:
        journal = mine.journal(mine.read())
        mine.force_unlock(info.id)
        holder = holder_factory(state_path)
        with pytest.raises(LockLostError) as caught:
            journal.intend("function.a", "delete", None)
        journal.close()
    message = caught.value.render()
    assert "the state lock of this destroy was broken" in message
    assert f"pid {holder.process.pid}" in message and holder.info["id"] in message
    assert LocalBackend(state_path).current_lock() is not None  # ours ended; theirs stands
