"""What the benchmarks share: running fnplan as a user would, and measuring it."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result whose every measured figure (a float, also inside a nested dict) is the
    median of the runs' own, with `range` giving the smallest and largest of each top-level
    one; counts and exit codes are kept (a list when the runs disagree); a key only some
    runs have is summarised over those."""
    result: dict[str, Any] = {}
    spread: dict[str, list[float]] = {}
    for key in dict.fromkeys(key for run in runs for key in run):  # in order, once each
        values = [run[key] for run in runs if key in run]
        value = values[0]
        if isinstance(value, dict):
            result[key] = {k: v for k, v in median_of(values).items() if k not in _ADDED}
        elif isinstance(value, float):
            result[key] = round(statistics.median(values), 3)
            spread[key] = [min(values), max(values)]
        else:
            result[key] = value if all(v == value for v in values) else values
    result["runs"] = len(runs)
    result["range"] = spread
    return result


#: what median_of adds to a result
_ADDED = frozenset({"runs", "range"})


def repeated(measure: Callable[[], dict[str, Any] | None], runs: int) -> dict[str, Any] | None:
    """The median of `runs` measurements (None when a measurement could not be made)."""
    found = []
    for _ in range(runs):
        one = measure()
        if one is None:
            return None
        found.append(one)
    return median_of(found)
