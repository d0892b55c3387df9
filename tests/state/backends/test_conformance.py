"""The backend conformance suite: every state backend passes the same tests (each runs on
`local` and on `pg` against a real PostgreSQL server)."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import UTC, datetime

import pytest

from fnplan.errors import LockError, LockLostError, StateError
from fnplan.state.model import State

from .harness import (
    Child,
    Spec,
    open_state,
    raw_stored,
    resource,
    sample_state,
    store_raw,
    workspaces,
)


def _deadline_until(condition: object, seconds: float = 20.0) -> None:
    """Poll `condition()` until true; fail at the deadline."""
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached before the deadline"
        time.sleep(0.05)


def test_new_state_is_empty_and_each_write_is_the_next_serial_of_one_lineage(spec: Spec) -> None:
    backend = open_state(spec)
    fresh = backend.read()
    assert fresh.resources == {} and fresh.serial == 0
    state = sample_state()
    lineage = state.lineage
    backend.write(state)
    assert state.serial == 1
    backend.write(state)
    again = open_state(spec).read()
    assert (again.serial, again.lineage) == (2, lineage)
    assert again.resources == state.resources


def test_a_copied_state_keeps_its_lineage_and_serial(spec: Spec) -> None:
    source = sample_state()
    source.serial = 41
    open_state(spec).write(source)
    read = open_state(spec).read()
    assert (read.lineage, read.serial) == (source.lineage, 42)


def test_newer_format_is_refused_on_read_and_never_overwritten(spec: Spec) -> None:
    newer = json.dumps({"format_version": 7, "fnplan_version": "9.0.0", "serial": 3}).encode()
    store_raw(spec, newer)
    backend = open_state(spec)
    with pytest.raises(StateError) as caught:
        backend.read()
    assert "format version 7" in caught.value.message and "9.0.0" in caught.value.message
    with pytest.raises(StateError, match="refusing to overwrite"):
        backend.write(sample_state())
    assert raw_stored(spec) == newer


def test_corrupt_state_is_refused_and_never_overwritten(spec: Spec) -> None:
    store_raw(spec, b'{"format_version": 1, "serial": "many"}')
    with pytest.raises(StateError, match="corrupt"):
        open_state(spec).read()
    with pytest.raises(StateError, match="refusing to overwrite"):
        open_state(spec).write(State())
    assert raw_stored(spec) == b'{"format_version": 1, "serial": "many"}'


def test_write_is_atomic_when_the_writer_is_killed(spec: Spec, children: list[Child]) -> None:
    """kill -9 of a process writing 2,000-resource states leaves one whole state."""
    writer = Child(spec, "write", 2000)
    children.append(writer)
    serials = [int(writer.line()) for _ in range(3)]
    writer.kill()
    read = open_state(spec).read()
    assert read.serial >= serials[-1] and len(read.resources) == 2000
    assert read.resources == sample_state(2000).resources


def test_lock_is_exclusive_and_names_its_holder(spec: Spec, children: list[Child]) -> None:
    holder = Child(spec, "hold")
    children.append(holder)
    info = json.loads(holder.line())
    backend = open_state(spec)
    with pytest.raises(LockError) as caught, backend.lock("plan"):
        pass
    message = caught.value.render()
    for part in ("'apply'", "tester@ci", f"pid {holder.process.pid}", info["host"]):
        assert part in message
    assert f"fnplan force-unlock {info['id']}" in message and "STALE" not in message
    current = backend.current_lock()
    assert current is not None and current.id == info["id"] and current.who == "tester@ci"
    holder.release()
    assert backend.current_lock() is None
    with backend.lock("apply") as mine:
        assert mine.pid == os.getpid()


def test_lock_timeout_waits_for_the_holder(spec: Spec, children: list[Child]) -> None:
    holder = Child(spec, "hold")
    children.append(holder)
    holder.line()
    backend = open_state(spec, lock_timeout=20)
    with pytest.raises(LockError):
        open_state(spec, lock_timeout=0.3).lock("apply").__enter__()
    holder.process.stdin.write("go\n")  # type: ignore[union-attr]
    holder.process.stdin.flush()  # type: ignore[union-attr]
    with backend.lock("apply") as info:
        assert info.operation == "apply"


def test_a_waiting_fnplan_says_whom_it_waits_for(
    spec: Spec, children: list[Child], capsys: pytest.CaptureFixture[str]
) -> None:
    holder = Child(spec, "hold")
    children.append(holder)
    info = json.loads(holder.line())
    with pytest.raises(LockError), open_state(spec).lock("plan"):
        pass
    assert "waiting" not in capsys.readouterr().err  # no --lock-timeout: refused at once
    with pytest.raises(LockError, match=info["id"]), open_state(spec, lock_timeout=0.5).lock("x"):
        pass
    waited = capsys.readouterr().err
    assert "waiting up to 0.5s for the state lock" in waited
    assert info["id"] in waited and "tester@ci" in waited


def test_expired_lease_of_a_hung_holder_is_reported_stale(
    spec: Spec, children: list[Child]
) -> None:
    holder = Child(spec, "hold", 0.6)
    children.append(holder)
    holder.line()
    backend = open_state(spec)
    os.kill(holder.process.pid, signal.SIGSTOP)
    try:
        _deadline_until(lambda: backend.current_lock().is_stale())  # type: ignore[union-attr]
        with pytest.raises(LockError, match="STALE"), backend.lock("apply"):
            pass
    finally:
        os.kill(holder.process.pid, signal.SIGCONT)


def test_live_holder_keeps_renewing_its_lease(spec: Spec, children: list[Child]) -> None:
    holder = Child(spec, "hold", 0.6)
    children.append(holder)
    first = json.loads(holder.line())
    backend = open_state(spec)
    _deadline_until(lambda: backend.current_lock().expires.isoformat() > first["expires"])  # type: ignore[union-attr]
    current = backend.current_lock()
    assert current is not None and not current.is_stale(datetime.now(UTC))


def test_lock_of_a_killed_holder_is_broken_with_a_warning(
    spec: Spec, children: list[Child]
) -> None:
    holder = Child(spec, "hold")
    children.append(holder)
    info = json.loads(holder.line())
    holder.kill()
    warnings: list[str] = []
    with open_state(spec, warn=warnings.append).lock("apply") as mine:
        assert mine.id != info["id"]
    assert any("no longer exists" in w and info["id"] in w for w in warnings)


def test_force_unlock_needs_the_right_id_and_stops_the_old_holder(spec: Spec) -> None:
    holder = open_state(spec, warn=lambda _: None)
    other = open_state(spec)
    with pytest.raises(LockError, match="not locked"):
        other.force_unlock("nope")
    with holder.lock("apply") as info:
        with pytest.raises(LockError) as caught:
            other.force_unlock("wrong-id")
        assert f"fnplan force-unlock {info.id}" in caught.value.render()
        assert other.force_unlock(info.id).id == info.id
        assert other.current_lock() is None
        with pytest.raises(LockLostError):
            holder.write(sample_state())
    assert raw_stored(spec) is None


def test_journal_is_replayed_after_kill_9(spec: Spec, children: list[Child]) -> None:
    saved = sample_state()
    open_state(spec).write(saved)
    writer = Child(spec, "journal")
    children.append(writer)
    assert writer.line() == "recorded"
    writer.kill()
    backend = open_state(spec, warn=lambda _: None)
    replayed = backend.read()
    assert (replayed.lineage, replayed.serial) == (saved.lineage, saved.serial)
    assert replayed.resources["function.a"].attributes == {"n": 1, "done": True}
    assert replayed.resources["function.a"].pending is None
    assert replayed.resources["function.b"].pending == "create"
    assert replayed.resources["function.f0"].pending == "delete"
    assert replayed.resources["function.f1"] == saved.resources["function.f1"]
    with backend.lock("apply"):
        backend.write(replayed)
    after = open_state(spec).read()
    assert after.serial == saved.serial + 1 and after.resources == replayed.resources


def test_journal_of_a_first_apply_keeps_its_lineage(spec: Spec) -> None:
    backend = open_state(spec)
    state = backend.read()
    journal = backend.journal(state)
    journal.intend("function.x", "create", None)
    journal.done("function.x", resource("function.x", n=1))
    journal.intend("function.y", "create", resource("function.y", n=2))
    replayed = open_state(spec).read()
    journal.close()
    assert replayed.lineage == state.lineage and replayed.serial == 0
    assert replayed.resources["function.x"].attributes == {"n": 1}
    assert replayed.resources["function.y"].pending == "create"


def test_a_closed_journal_with_nothing_new_leaves_nothing(spec: Spec) -> None:
    backend = open_state(spec)
    state = sample_state()
    backend.write(state)
    backend.journal(state).close()
    assert open_state(spec).read().resources == state.resources


def test_workspaces_keep_separate_states(spec: Spec) -> None:
    store = workspaces(spec)
    assert store.list() == ["default"]
    store.new("staging")
    for existing in ("staging", "default"):
        with pytest.raises(StateError, match="already exists"):
            store.new(existing)
    with pytest.raises(StateError, match="invalid workspace name"):
        store.new("../up")
    assert store.list() == ["default", "staging"]
    dev, staging = store.state("default"), store.state("staging")
    one, two = sample_state(1), sample_state(2)
    dev.write(one)
    staging.write(two)
    assert store.state("default").read().resources == one.resources
    assert store.state("staging").read().resources == two.resources
    assert store.state("staging").read().lineage == two.lineage != one.lineage
    with staging.lock("apply"), pytest.raises(LockError, match="locked"):
        store.delete("staging")
    store.delete("staging")
    assert store.list() == ["default"]


def test_journal_of_another_lineage_is_refused(spec: Spec) -> None:
    backend = open_state(spec)
    backend.write(sample_state())
    stranger = State()  # another lineage
    journal = backend.journal(stranger)
    journal.intend("function.x", "create", resource("function.x"))
    with pytest.raises(StateError, match="belongs to another state"):
        open_state(spec).read()
    journal.close()
