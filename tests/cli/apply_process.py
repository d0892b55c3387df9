"""An `fnplan apply --json` in a subprocess whose progress is read event by event, so a test
acts at a known point of the walk (after N resources) instead of after a sleep."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.cli.conftest import user_environment


def many_functions(root: Path, count: int) -> Path:
    """A project at `root` with one runtime and `count` tiny functions."""
    parts = ['runtime "python" {\n  language = "python3.12"\n}\n']
    for i in range(count):
        code = root / "functions" / f"f{i}"
        code.mkdir(parents=True)
        (code / "main.py").write_text(f"def handler(event, context):\n    return {i}\n")
        parts.append(
            f'function "f{i}" {{\n  runtime = runtime.python\n  source  = "./functions/f{i}"\n}}\n'
        )
    (root / "main.hcl").write_text("\n".join(parts))
    return root


class ApplyProcess:
    """`fnplan apply --auto-approve --json` running in `project`; its stdout read by a thread."""

    def __init__(self, project: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fnplan", "apply", "--auto-approve", "--json", *args],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=user_environment(),
        )
        self.pid = self.process.pid
        self.done: list[str] = []
        self._lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        threading.Thread(target=self._read, daemon=True).start()

    def wait_for_done(self, count: int, timeout: float = 60.0) -> list[str]:
        """Block until `count` resources are reported done; the addresses done so far."""
        deadline = time.monotonic() + timeout
        while len(self.done) < count:
            line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.001))
            assert line is not None, f"apply ended after {len(self.done)} resources"
            record = json.loads(line)
            if record.get("type") == "event" and record.get("phase") == "done":
                self.done.append(record["address"])
        return list(self.done)

    def finish(self, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Wait for the process to end: its exit code and stderr (stdout is the progress)."""
        assert self.process.stderr is not None
        stderr = self.process.stderr.read()
        code = self.process.wait(timeout=timeout)
        return subprocess.CompletedProcess(self.process.args, code, "", stderr)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)
