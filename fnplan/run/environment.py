"""The environment of the processes a run starts: function workers and shell steps alike.

They get a minimal base taken from fnplan's own environment (PATH, HOME, locale, time zone)
plus what the function or step declares, never the rest: fnplan's environment may hold
FNPLAN_VAR_* values and unrelated secrets of the caller.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from fnplan.run.failure import StepFailure

#: Variables a process inherits from fnplan's environment; everything else is declared.
INHERITED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "SYSTEMROOT")


def base_environment() -> dict[str, str]:
    """What every process's environment starts from: a few variables of fnplan's own."""
    env = {name: os.environ[name] for name in INHERITED_ENV if name in os.environ}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # never add __pycache__ to an immutable snapshot
    return env


def process_environment(declared: Mapping[str, str]) -> dict[str, str]:
    """The base plus the declared variables; StepFailure when one cannot be passed to a process."""
    for name, value in declared.items():
        _check(name, value)
    return {**base_environment(), **declared}


def _check(name: str, value: str) -> None:
    """Operating systems cannot pass a NUL byte, nor a name with '=' or an empty name."""
    problem = None
    if not name or "=" in name or "\0" in name:
        problem = f"the name {name!r} cannot be an environment variable name"
    elif "\0" in value:
        problem = f"the value of {name} contains a NUL byte, which no process environment can hold"
    if problem is not None:
        raise StepFailure("InvalidEnvironment", problem)
