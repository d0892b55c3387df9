"""Fork-based worker start: one zygote process per interpreter forks each new worker.

Starting an interpreter and importing the worker costs ~30 ms of CPU; forking a zygote that
already did both costs ~2 ms, which matters when a run fans out to dozens of workers. Each
forked worker is still its own process (own session, pipes, env and working directory), so
a crash or timeout kills only that worker. The zygote reaps its children and reports their
exit codes, which ForkedProcess exposes with the subset of subprocess.Popen that Worker uses.
Used on Linux only; a function whose env sets PYTHON* variables (read at interpreter start)
is started the ordinary way, and so is everything when the zygote cannot start.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

ZYGOTE_MAIN = str(Path(__file__).with_name("zygote_main.py"))
#: Variables that change how an interpreter starts; a worker that sets them is not forked.
_STARTUP_PREFIX = "PYTHON"
_ALLOWED_STARTUP = frozenset({"PYTHONDONTWRITEBYTECODE"})


def forkable(env: dict[str, str]) -> bool:
    """Whether a worker with this environment can be forked from a zygote."""
    return sys.platform == "linux" and not any(
        name.startswith(_STARTUP_PREFIX) and name not in _ALLOWED_STARTUP for name in env
    )


class ForkedProcess:
    """A worker forked by a zygote: pid, pipes, and the Popen-like poll/wait/returncode."""

    def __init__(self, zygote: Zygote, pid: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self._zygote = zygote

    @property
    def returncode(self) -> int | None:
        """The exit code (negative: killed by that signal), None while running."""
        return self._zygote.exit_code(self.pid)

    def poll(self) -> int | None:
        """The exit code if the worker has exited, else None."""
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the worker to exit; raises subprocess.TimeoutExpired after `timeout`."""
        code = self._zygote.wait_exit(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0.0)
        return code


class Zygote:
    """A running zygote_main.py for one interpreter, and the parent's end of its socket."""

    def __init__(self, python: str, env: dict[str, str]) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [python, ZYGOTE_MAIN, str(child.fileno())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=[child.fileno()],
                env=env,
                start_new_session=True,
            )
        finally:
            child.close()
        self._channel = parent
        self._replies: queue.Queue[int | None] = queue.Queue()
        self._exits: dict[int, int] = {}
        self._alive = True
        self._changed = threading.Condition()
        self._spawn_lock = threading.Lock()
        threading.Thread(target=self._listen, name="fnplan-zygote", daemon=True).start()

    def alive(self) -> bool:
        """Whether the zygote still answers."""
        return self._alive

    def spawn(
        self, code_dir: Path, handler: str, env: dict[str, str], stderr: Path
    ) -> ForkedProcess:
        """Fork a worker serving `handler` from `code_dir`; raises OSError if the zygote is gone."""
        stdin_read, stdin_write = os.pipe()
        stdout_read, stdout_write = os.pipe()
        stderr_fd = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        message = json.dumps({"code_dir": str(code_dir), "handler": handler, "env": env}).encode()
        try:
            with self._spawn_lock:
                pid = None
                if self._alive:
                    socket.send_fds(self._channel, [message], [stdin_read, stdout_write, stderr_fd])
                    pid = self._replies.get()
                if pid is None:
                    self._replies.put(None)  # the zygote is gone: tell every later spawn too
        except OSError:
            for fd in (stdin_write, stdout_read):
                os.close(fd)
            raise
        finally:
            for fd in (stdin_read, stdout_write, stderr_fd):
                os.close(fd)
        if pid is None:
            os.close(stdin_write)
            os.close(stdout_read)
            raise OSError("the zygote exited")
        return ForkedProcess(self, pid, os.fdopen(stdin_write, "wb"), os.fdopen(stdout_read, "rb"))

    def exit_code(self, pid: int) -> int | None:
        """The exit code of a worker the zygote reaped, else None."""
        with self._changed:
            return self._exits.get(pid)

    def wait_exit(self, pid: int, timeout: float | None) -> int | None:
        """Wait for worker `pid` to exit; None when `timeout` passes first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while pid not in self._exits:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                if self._alive:
                    self._changed.wait(remaining)
                else:
                    self._poll_orphan(pid)
            return self._exits[pid]

    def close(self) -> None:
        """Stop the zygote (its workers keep running until their stdin closes)."""
        with contextlib.suppress(OSError):
            self._channel.shutdown(socket.SHUT_RDWR)
        try:
            self.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _poll_orphan(self, pid: int) -> None:
        """After the zygote died nobody reports exits: poll the pid (init reaps it)."""
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            self._exits[pid] = -9  # the real code died with the zygote
            return
        self._changed.wait(0.05)

    def _listen(self) -> None:
        while True:
            try:
                data = self._channel.recv(4096)
            except OSError:
                data = b""
            if not data:
                break
            message = json.loads(data)
            if "pid" in message:
                self._replies.put(int(message["pid"]))
                continue
            with self._changed:
                self._exits[int(message["exit"])] = int(message["code"])
                self._changed.notify_all()
        with self._changed:
            self._alive = False
            self._changed.notify_all()
        self._replies.put(None)
