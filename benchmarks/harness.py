"""What the benchmarks share: running fnplan as a user would, and measuring it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    wall_s: float
    cpu_s: float  # user + system of the process and its reaped children (workers)
    peak_rss_mb: float
    exit_code: int


def environment() -> dict[str, str]:
    """fnplan's environment as installed: byte code read and written even when the caller
    sets PYTHONDONTWRITEBYTECODE. (No PYTHONPYCACHEPREFIX: it would hide the byte code
    `pip install` wrote for the dependencies, leaving the timed command to compile them.)"""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def compile_fnplan() -> None:
    """Write fnplan's byte code next to its sources once before timing, as `pip install`
    does for an installed package (the dependencies' was written when they were installed)."""
    import fnplan

    package = Path(fnplan.__file__).resolve().parent
    providers = package.parent / "providers"
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package), str(providers)],
        env=environment(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fnplan(*args: str, cwd: Path, ok: tuple[int, ...] = (0,)) -> Measured:
    """Run `python -m fnplan ARGS` in cwd and measure it; an exit code not in `ok` stops."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "fnplan", *args],
            cwd=cwd,
            stdout=output,
            stderr=output,
            env=environment(),
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            output.seek(0)
            raise SystemExit(f"fnplan {' '.join(args)} exited {code}:\n{output.read().decode()}")
    return Measured(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)
