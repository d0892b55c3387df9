"""The handler of a shell step's generated Lambda function (shipped as `fnplan_shell.py`
next to the step's `script.sh`): runs the script with /bin/sh in a scratch directory, with
the environment a shell step gets locally (fnplan.run.nodes.shell): PATH, locale and time
zone, HOME, plus the step's `env` from the payload; nothing else of Lambda's (no AWS
credentials). Output {"stdout", "exit_code": 0}; a non-zero exit raises ShellError, which
Step Functions reports as the step's error type. Standard library only: it runs on Lambda."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("script.sh")
INHERITED = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
#: seconds kept back from Lambda's deadline to report a timeout as the step's own
_MARGIN = 1.0


class ShellError(Exception):
    """The script exited with a non-zero code."""


class Timeout(Exception):
    """The script did not finish before the function's timeout."""


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    script = SCRIPT.read_text()
    remaining = context.get_remaining_time_in_millis() / 1000 - _MARGIN if context else None
    with tempfile.TemporaryDirectory(prefix="fnplan-shell-") as scratch:
        env = {name: os.environ[name] for name in INHERITED if name in os.environ}
        env["HOME"] = scratch
        env.update({str(k): _text(v) for k, v in (event.get("env") or {}).items()})
        try:
            done = subprocess.run(
                ["/bin/sh", "-c", script],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                cwd=scratch,
                env=env,
                timeout=max(remaining, 0.1) if remaining is not None else None,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise Timeout(f"script did not finish within {remaining:g} s") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise ShellError(
            f"script exited with code {done.returncode}" + "".join(f"\n{line}" for line in detail)
        )
    return {"stdout": done.stdout.decode(errors="replace"), "exit_code": 0}


def _text(value: Any) -> str:
    """An env value as the local executor passes it: strings as they are, others as JSON."""
    return value if isinstance(value, str) else json.dumps(value)
