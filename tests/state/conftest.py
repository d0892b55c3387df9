"""Shared helpers for the state tests: sample states and a real lock-holding subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fnplan.state.model import OutputValue, ResourceState, State


def resource(address: str, **attributes: object) -> ResourceState:
    """A ResourceState whose type is taken from the address ("...function.x" -> function)."""
    kind = address.split(".")[-2]
    return ResourceState(address=address, type=kind, provider="local", attributes=dict(attributes))


def sample_state() -> State:
    """A small state with resources inserted out of order, outputs and dependencies."""
    state = State()
    for item in (
        resource("workflow.thumb", steps=["a"]),
        resource("function.resize", memory=128, env={"b": 1, "a": 2}),
        resource("runtime.py"),
    ):
        state.resources[item.address] = item
    state.resources["function.resize"].dependencies = ["runtime.py"]
    state.outputs["url"] = OutputValue(value="http://x")
    return state


_HOLDER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from fnplan.state.local import LocalBackend
    path, lease = Path(sys.argv[1]), float(sys.argv[2])
    backend = LocalBackend(path, lease=lease, operation_holder="tester@ci")
    with backend.lock("apply") as info:
        print(info.model_dump_json(), flush=True)
        sys.stdin.readline()
    print("released", flush=True)
    """
)


class Holder:
    """A real subprocess holding the state lock until told to go."""

    def __init__(self, path: Path, *, lease: float = 30.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(path), str(lease)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.info = json.loads(self.process.stdout.readline())

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        self.process.wait(timeout=10)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def holder_factory() -> Iterator[type[Holder]]:
    """Start lock holders; any still running at the end of the test are killed."""
    started: list[Holder] = []

    class _Tracked(Holder):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            started.append(self)

    yield _Tracked
    for holder in started:
        holder.kill()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / ".fnplan" / "state.json"
