"""The apply journal: replay of every record kind, crash safety, threads and scale."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from fnplan.errors import StateError
from fnplan.state.local import LocalBackend
from fnplan.state.model import State

from .conftest import resource, sample_state


def _saved(state_path: Path) -> tuple[LocalBackend, State]:
    backend = LocalBackend(state_path)
    state = sample_state()
    backend.write(state)
    return backend, state


def test_replay_of_done_failed_intent_only_and_torn_records(state_path: Path) -> None:
    backend, state = _saved(state_path)
    journal = backend.journal(state)
    journal.intend("function.new", "create", resource("function.new", memory=256))
    journal.done("function.new", resource("function.new", memory=256, arn="x"))
    journal.intend("workflow.thumb", "delete", None)
    journal.done("workflow.thumb", None)
    journal.intend("function.resize", "update", resource("function.resize", memory=1024))
    journal.failed("function.resize", "quota exceeded")
    journal.intend("function.half", "create", resource("function.half", memory=64))
    journal.intend("runtime.py", "delete", None)
    journal.intend("function.changing", "update", resource("function.changing", memory=2))
    journal.close()
    with backend.journal_path.open("ab") as handle:
        handle.write(b'{"kind":"done","address":"function.half","res')  # torn by a crash

    replayed = LocalBackend(state_path).read()
    resources = replayed.resources
    assert resources["function.new"].attributes == {"memory": 256, "arn": "x"}
    assert resources["function.new"].pending is None
    assert "workflow.thumb" not in resources
    assert resources["function.resize"] == state.resources["function.resize"]
    assert resources["function.half"].pending == "create"
    assert resources["function.half"].attributes == {"memory": 64}
    assert resources["runtime.py"].pending == "delete"
    assert resources["function.changing"].pending == "update"
    assert replayed.serial == state.serial and replayed.lineage == state.lineage

    backend.write(replayed)
    assert not backend.journal_path.exists()
    assert LocalBackend(state_path).read().resources["function.half"].pending == "create"


def test_journal_before_the_first_save_keeps_its_lineage(state_path: Path) -> None:
    backend = LocalBackend(state_path)
    state = backend.read()
    journal = backend.journal(state)
    journal.intend("function.a", "create", resource("function.a"))
    journal.done("function.a", resource("function.a", arn="1"))
    journal.close()
    assert not state_path.exists()
    replayed = LocalBackend(state_path).read()
    assert replayed.lineage == state.lineage
    assert replayed.resources["function.a"].attributes == {"arn": "1"}


def test_journal_of_another_lineage_is_refused(state_path: Path) -> None:
    backend, _ = _saved(state_path)
    journal = backend.journal(State())
    journal.intend("function.a", "create", resource("function.a"))
    journal.close()
    with pytest.raises(StateError, match="belongs to another state"):
        backend.read()


def test_corrupt_line_in_the_middle_is_refused_with_its_line_number(state_path: Path) -> None:
    backend, state = _saved(state_path)
    journal = backend.journal(state)
    journal.intend("function.a", "create", resource("function.a"))
    journal.close()
    with backend.journal_path.open("ab") as handle:
        handle.write(b"not json\n" + b'{"kind":"failed","address":"function.a","error":"x"}\n')
    with pytest.raises(StateError, match=r"state.json.journal:3: the apply journal is corrupt"):
        backend.read()


def test_a_new_journal_cuts_a_torn_tail_and_appends_a_segment(state_path: Path) -> None:
    backend, state = _saved(state_path)
    first = backend.journal(state)
    first.intend("function.a", "create", resource("function.a"))
    first.close()
    with backend.journal_path.open("ab") as handle:
        handle.write(b'{"kind":"do')
    second = backend.journal(backend.read())
    second.done("function.a", resource("function.a", arn="2"))
    second.close()
    replayed = LocalBackend(state_path).read()
    assert replayed.resources["function.a"].attributes == {"arn": "2"}
    assert replayed.resources["function.a"].pending is None


def test_closing_an_empty_journal_removes_it(state_path: Path) -> None:
    backend, state = _saved(state_path)
    backend.journal(state).close()
    assert not backend.journal_path.exists()


def test_saving_during_an_apply_keeps_unfinished_intents(state_path: Path) -> None:
    backend, state = _saved(state_path)
    journal = backend.journal(state)
    journal.intend("function.a", "create", resource("function.a"))
    journal.intend("function.b", "create", resource("function.b"))
    done = resource("function.a", arn="a")
    journal.done("function.a", done)
    state.resources["function.a"] = done
    backend.write(state)
    journal.intend("function.c", "create", resource("function.c"))
    # killed here: b and c never finished
    replayed = LocalBackend(state_path).read()
    assert replayed.resources["function.a"].pending is None
    assert replayed.resources["function.b"].pending == "create"
    assert replayed.resources["function.c"].pending == "create"
    journal.close()


def test_records_from_many_threads_all_survive(state_path: Path) -> None:
    backend, state = _saved(state_path)
    journal = backend.journal(state)

    def work(worker: int) -> None:
        for index in range(200):
            address = f"function.w{worker}_{index}"
            journal.intend(address, "create", resource(address))
            journal.done(address, resource(address, n=index))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    journal.close()
    replayed = LocalBackend(state_path).read()
    created = [a for a in replayed.resources if a.startswith("function.w")]
    assert len(created) == 1600
    assert all(replayed.resources[a].pending is None for a in created)


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fnplan.state.local import LocalBackend
    from fnplan.state.model import ResourceState
    backend = LocalBackend(Path(sys.argv[1]))
    journal = backend.journal(backend.read())
    index = 0
    while True:
        address = f"function.k{index}"
        item = ResourceState(address=address, type="function", provider="local")
        journal.intend(address, "create", item)
        journal.done(address, item.model_copy(update={"attributes": {"n": index}}))
        print(address, flush=True)
        index += 1
    """
)


def test_kill_9_of_a_journal_writer_loses_no_completed_record(state_path: Path) -> None:
    _saved(state_path)
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(state_path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    reported = [child.stdout.readline().strip() for _ in range(300)]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    reported += [line.strip() for line in child.stdout.read().splitlines()]
    replayed = LocalBackend(state_path).read()
    for address in reported:
        assert replayed.resources[address].pending is None
        assert replayed.resources[address].attributes == {"n": int(address[len("function.k") :])}


def test_ten_thousand_intend_done_pairs_are_all_written_and_replayed(state_path: Path) -> None:
    """Their speed is measured by benchmarks/components.py (journal_write, journal_replay)."""
    backend, state = _saved(state_path)
    items = [resource(f"function.t{index}", memory=128, env={"A": "b"}) for index in range(10_000)]
    journal = backend.journal(state)
    for item in items:
        journal.intend(item.address, "create", item)
        journal.done(item.address, item)
    journal.close()
    assert len(LocalBackend(state_path).read().resources) == 10_003
    lines = backend.journal_path.read_text().splitlines()
    assert json.loads(lines[0])["kind"] == "begin" and len(lines) == 20_001


def test_journal_left_by_a_crash_after_the_save_is_not_replayed_twice(state_path: Path) -> None:
    backend, state = _saved(state_path)
    journal = backend.journal(state)
    journal.intend("function.gone", "delete", None)
    journal.done("function.gone", None)
    journal.intend("function.x", "create", resource("function.x"))
    journal.close()
    leftover = backend.journal_path.read_bytes()
    backend.write(backend.read())  # saves, then removes the journal...
    backend.journal_path.write_bytes(leftover)  # ...unless it crashed just before that
    replayed = LocalBackend(state_path).read()
    assert replayed.resources["function.x"].pending == "create"
    del replayed.resources["function.x"]
    backend.write(replayed)
    backend.journal_path.write_bytes(leftover)
    assert "function.x" not in LocalBackend(state_path).read().resources


def test_malformed_record_is_refused(state_path: Path) -> None:
    backend, state = _saved(state_path)
    backend.journal(state).close()
    with backend.journal_path.open("ab") as handle:
        handle.write(json.dumps({"kind": "begin", "lineage": state.lineage, "serial": 1}).encode())
        handle.write(b'\n{"kind":"intend","address":"function.a","action":"explode"}\n')
    with pytest.raises(StateError, match="a record is malformed"):
        backend.read()
