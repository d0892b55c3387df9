"""The local backend's file handling: round trip, atomicity, backup, refusal of bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fnplan import __version__
from fnplan.errors import StateError
from fnplan.state.local import LocalBackend
from fnplan.state.model import State

from .conftest import resource, sample_state


def test_missing_file_reads_as_new_empty_state_without_writing(state_path: Path) -> None:
    state = LocalBackend(state_path).read()
    assert state.resources == {} and state.serial == 0
    assert not state_path.exists()


def test_round_trip_keeps_everything_and_bumps_serial(state_path: Path) -> None:
    backend = LocalBackend(state_path)
    state = sample_state()
    backend.write(state)
    assert state.serial == 1
    again = LocalBackend(state_path).read()
    assert again == state
    assert again.fnplan_version == __version__
    backend.write(again)
    assert LocalBackend(state_path).read().serial == 2


def test_output_is_deterministic_sorted_one_resource_per_line(
    state_path: Path, tmp_path: Path
) -> None:
    backend = LocalBackend(state_path)
    state = sample_state()
    backend.write(state)
    text = state_path.read_text()
    assert text.endswith("}\n") and '\n  "format_version": 1,' in text
    addresses = list(json.loads(text)["resources"])
    assert addresses == sorted(addresses)
    assert text.index('"a":2') < text.index('"b":1')
    assert len(text.splitlines()) == 10 + len(addresses)
    reordered = State.model_validate_json(text)
    reordered.resources = dict(reversed(list(reordered.resources.items())))
    reordered.serial -= 1
    other = LocalBackend(tmp_path / "other.json")
    other.write(reordered)
    assert (tmp_path / "other.json").read_text() == text


def test_backup_holds_the_previous_state(state_path: Path) -> None:
    backend = LocalBackend(state_path)
    state = sample_state()
    backend.write(state)
    first = state_path.read_bytes()
    del state.resources["runtime.py"]
    backend.write(state)
    assert backend.backup_path.read_bytes() == first
    assert "runtime.py" not in LocalBackend(state_path).read().resources
    assert State.model_validate_json(backend.backup_path.read_bytes()).serial == 1


_CRASH_BEFORE_REPLACE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from fnplan.state.local import LocalBackend
    backend = LocalBackend(Path(sys.argv[1]))
    state = backend.read()
    state.resources.clear()
    os.replace = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
    backend.write(state)
    """
)


def test_crash_between_temp_write_and_replace_leaves_old_file(state_path: Path) -> None:
    LocalBackend(state_path).write(sample_state())
    before = state_path.read_bytes()
    child = subprocess.run(
        [sys.executable, "-c", _CRASH_BEFORE_REPLACE, str(state_path)], check=False
    )
    assert child.returncode == -9
    assert state_path.read_bytes() == before
    leftovers = [p.name for p in state_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "the child should have died after writing its temp file"
    assert LocalBackend(state_path).read().resources.keys() == sample_state().resources.keys()


def test_unusable_path_is_a_state_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(StateError, match="cannot read the state file"):
        LocalBackend(blocker / "state.json").write(State())
    with pytest.raises(StateError, match="cannot read the state file"):
        LocalBackend(blocker / "state.json").read()


def test_failed_write_is_a_state_error_and_keeps_the_old_file(state_path: Path) -> None:
    backend = LocalBackend(state_path)
    backend.write(sample_state())
    before = state_path.read_bytes()
    (backend.backup_path / "occupied").mkdir(parents=True)  # the backup cannot be replaced
    with pytest.raises(StateError, match="could not save the state") as caught:
        backend.write(State())
    assert "previous state file is intact" in caught.value.render()
    assert state_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format_version": 1, "resources": {', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"format_version": 1, "serial": "many"}', "at serial"),
        (b'{"format_version": 1, "surprise": true}', "at surprise"),
        (
            b'{"resources": {"function.a": {"address": "function.b", "type": "function",'
            b' "provider": "local"}}}',
            "differs from its address",
        ),
    ],
)
def test_corrupt_state_is_refused_and_never_overwritten(
    state_path: Path, content: bytes, reason: str
) -> None:
    backend = LocalBackend(state_path)
    backend.write(sample_state())
    backend.write(sample_state())
    state_path.write_bytes(content)
    with pytest.raises(StateError) as caught:
        backend.read()
    message = caught.value.render()
    assert "corrupt" in message and reason in message
    assert str(backend.backup_path) in message and "cp " in message
    with pytest.raises(StateError, match="refusing to overwrite"):
        backend.write(sample_state())
    with pytest.raises(StateError, match="refusing to overwrite"):
        LocalBackend(state_path).write(sample_state())
    assert state_path.read_bytes() == content


def test_repaired_file_can_be_written_again(state_path: Path) -> None:
    backend = LocalBackend(state_path)
    backend.write(sample_state())
    backend.write(sample_state())
    state_path.write_text("garbage")
    with pytest.raises(StateError):
        backend.read()
    state_path.write_bytes(backend.backup_path.read_bytes())
    state = backend.read()
    backend.write(state)
    assert LocalBackend(state_path).read().serial == 2


def test_newer_format_is_refused_naming_both_versions(state_path: Path) -> None:
    newer = {"format_version": 7, "fnplan_version": "9.0.0", "serial": 3, "future": {}}
    state_path.parent.mkdir(parents=True)
    state_path.write_text(json.dumps(newer))
    backend = LocalBackend(state_path)
    with pytest.raises(StateError) as caught:
        backend.read()
    message = caught.value.render()
    assert "format version 7" in message and "format version 1" in message
    assert "9.0.0" in message and "upgrade fnplan" in message
    with pytest.raises(StateError, match="upgrade fnplan"):
        backend.write(State())
    assert json.loads(state_path.read_text()) == newer


def test_new_file_permissions_are_private_and_existing_ones_kept(state_path: Path) -> None:
    backend = LocalBackend(state_path)
    backend.write(State())
    assert state_path.stat().st_mode & 0o777 == 0o600
    os.chmod(state_path, 0o640)
    backend.write(backend.read())
    assert state_path.stat().st_mode & 0o777 == 0o640


def test_state_of_ten_thousand_resources_round_trips(state_path: Path) -> None:
    """Its speed is measured by benchmarks/components.py (state_write_read)."""
    state = State()
    for index in range(10_000):
        item = resource(f"function.f{index}", memory=128, env={"K": str(index)}, tags=["a", "b"])
        state.resources[item.address] = item
    backend = LocalBackend(state_path)
    backend.write(state)
    assert LocalBackend(state_path).read().resources == state.resources
