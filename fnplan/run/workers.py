"""Warm worker processes: one pool of handler processes per deployed function version.

A worker is started with the function's interpreter, cwd = its code directory and env =
its env, imports the handler on first use and then serves invocations over JSON lines
(fnplan/run/worker_main.py). Pools grow to the parallelism a run needs and are reused by
later steps and runs of the same process. A worker that dies fails only its own attempt
("WorkerCrashed") and a timed-out one is killed ("Timeout"); both are replaced on demand.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnplan.run.environment import base_environment, process_environment
from fnplan.run.failure import StepFailure
from fnplan.run.processes import busy
from fnplan.run.protocols import FunctionSpec
from fnplan.run.zygote import ForkedProcess, Zygote, forkable

WORKER_MAIN = str(Path(__file__).with_name("worker_main.py"))
_PoolKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Invocation:
    """One attempt of a function step, as sent to a worker."""

    request_id: str
    event: Any
    stdout_path: Path
    stderr_path: Path
    timeout: float  # seconds


class Worker:
    """A live handler process and the parent's end of its pipes."""

    def __init__(self, spec: FunctionSpec, startup_stderr: Path, zygote: Zygote | None) -> None:
        self.spec = spec
        env = worker_environment(spec)
        self.process: subprocess.Popen[bytes] | ForkedProcess
        try:
            self.process = _fork(zygote, spec, env, startup_stderr) or _popen(
                spec, env, startup_stderr
            )
        except OSError as error:
            raise StepFailure(
                "WorkerStartFailed", f"cannot start {spec.python} for {spec.address}: {error}"
            ) from None
        self._pending = bytearray()

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def call(self, invocation: Invocation) -> dict[str, Any]:
        """Send one request and wait for its response; a timeout kills the process."""
        spec = self.spec
        request = {
            "request_id": invocation.request_id,
            "event": invocation.event,
            "stdout": str(invocation.stdout_path),
            "stderr": str(invocation.stderr_path),
            "timeout_ms": int(invocation.timeout * 1000),
            "function_name": spec.address,
            "function_version": spec.version,
            "memory": spec.memory,
        }
        assert self.process.stdin is not None
        with busy(self.process.pid):
            try:
                self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
                self.process.stdin.flush()
            except OSError:
                raise self._crashed(invocation) from None
            line = self._read_line(invocation, time.monotonic() + invocation.timeout)
        response: dict[str, Any] = json.loads(line)
        return response

    def kill(self) -> None:
        """Kill the worker and anything it started (its own process group)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):  # a fork not yet its own group leader
                os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._close_pipes()

    def stop(self) -> None:
        """Ask the worker to exit (close its stdin), killing it if it does not within a second."""
        self.request_exit()
        self.finish_exit(time.monotonic() + 1.0)

    def request_exit(self) -> None:
        """Close the worker's stdin: it exits after its current invocation."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()

    def finish_exit(self, deadline: float) -> None:
        """Wait until `deadline` for the exit asked by request_exit, then kill the worker."""
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipes()

    def _read_line(self, invocation: Invocation, deadline: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        start = 0
        while (end := self._pending.find(b"\n", start)) < 0:
            start = len(self._pending)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise StepFailure(
                    "Timeout", f"{self.spec.address} did not return within {invocation.timeout:g} s"
                )
            if not select.select([fd], [], [], remaining)[0]:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise self._crashed(invocation)
            self._pending += chunk
        line = bytes(self._pending[:end])
        del self._pending[: end + 1]
        return line

    def _crashed(self, invocation: Invocation) -> StepFailure:
        self.kill()
        code = self.process.wait()
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        return StepFailure(
            "WorkerCrashed",
            f"the worker process of {self.spec.address} died during the invocation ({how})",
            _tail(invocation.stderr_path),
        )

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(OSError):
                    pipe.close()


class WorkerPool:
    """Warm workers per (function address, version, interpreter); thread-safe."""

    def __init__(self) -> None:
        self._idle: dict[_PoolKey, list[Worker]] = {}
        self._all: set[Worker] = set()
        self._zygotes: dict[str, Zygote | None] = {}
        self._lock = threading.Lock()
        self._closed = False

    def invoke(self, spec: FunctionSpec, invocation: Invocation) -> Any:
        """Run one invocation on a warm worker: the handler's output, or StepFailure."""
        key = (spec.address, spec.version, spec.python)
        worker = self._acquire(key, spec, invocation.stderr_path)
        try:
            response = worker.call(invocation)
        except BaseException:
            self._discard(worker)
            raise
        self._release(key, worker)
        if response["ok"]:
            return response["output"]
        error = response["error"]
        raise StepFailure(error["type"], error["message"], error.get("traceback"))

    def worker_count(self) -> int:
        """How many worker processes are alive (busy or idle)."""
        with self._lock:
            return sum(1 for worker in self._all if worker.alive())

    def close(self) -> None:
        """Stop every worker; the pool refuses invocations afterwards."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            zygotes = [zygote for zygote in self._zygotes.values() if zygote is not None]
            self._all.clear()
            self._idle.clear()
            self._zygotes.clear()
        for worker in workers:  # all at once: each worker exits in parallel with the others
            worker.request_exit()
        deadline = time.monotonic() + 1.0
        for worker in workers:
            worker.finish_exit(deadline)
        for zygote in zygotes:  # after its workers: it reports their exits
            zygote.close()

    def _acquire(self, key: _PoolKey, spec: FunctionSpec, startup_stderr: Path) -> Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            idle = self._idle.get(key, [])
            while idle:
                worker = idle.pop()
                if worker.alive():
                    return worker
                self._all.discard(worker)
                worker.kill()
            zygote = self._zygote(spec.python)
        worker = Worker(spec, startup_stderr, zygote)
        with self._lock:
            self._all.add(worker)
        return worker

    def _zygote(self, python: str) -> Zygote | None:
        """The zygote of an interpreter, started on first use (None: start workers directly)."""
        if python not in self._zygotes:
            zygote = None
            if forkable({}):
                with contextlib.suppress(OSError):
                    zygote = Zygote(python, base_environment())
            self._zygotes[python] = zygote
        zygote = self._zygotes[python]
        return zygote if zygote is None or zygote.alive() else None

    def _release(self, key: _PoolKey, worker: Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.setdefault(key, []).append(worker)
                return
        worker.stop()

    def _discard(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()


def worker_environment(spec: FunctionSpec) -> dict[str, str]:
    """The environment of a worker: the process base, the function's env, fnplan's settings."""
    env = process_environment({name: str(value) for name, value in spec.env.items()})
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["FNPLAN_FUNCTION_NAME"] = spec.address
    env["FNPLAN_FUNCTION_VERSION"] = spec.version
    return env


def _fork(
    zygote: Zygote | None, spec: FunctionSpec, env: dict[str, str], startup_stderr: Path
) -> ForkedProcess | None:
    """Fork a worker from the interpreter's zygote; None when it cannot (then start one)."""
    if zygote is None or not zygote.alive() or not forkable(env):
        return None
    try:
        return zygote.spawn(spec.code_dir, spec.handler, env, startup_stderr)
    except OSError:
        return None


def _popen(
    spec: FunctionSpec, env: dict[str, str], startup_stderr: Path
) -> subprocess.Popen[bytes]:
    """Start a worker as a fresh interpreter (when it cannot be forked from a zygote)."""
    with startup_stderr.open("ab") as stderr:
        return subprocess.Popen(
            [spec.python, WORKER_MAIN, str(spec.code_dir), spec.handler],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=spec.code_dir,
            env=env,
            start_new_session=True,
        )


_shared_lock = threading.Lock()
_shared: WorkerPool | None = None


def shared_pool() -> WorkerPool:
    """The process-wide pool that runs use by default; stopped when the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool()
            atexit.register(_shared.close)
        return _shared


def _tail(path: Path, limit: int = 4000) -> str | None:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    return text[-limit:] or None
