"""Shell steps: the script runs locally with /bin/sh in a scratch directory (image ignored).

Its environment is what function workers get (fnplan.run.environment): the minimal base plus
the step's declared `env`, nothing else of fnplan's.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
from typing import Any

from fnplan.run.context import AttemptContext
from fnplan.run.environment import process_environment
from fnplan.run.failure import StepFailure
from fnplan.run.nodes import Resolve
from fnplan.run.processes import busy
from fnplan.workflow.model import Step


def prepare(step: Step, resolve: Resolve) -> tuple[Any, Any]:
    """Resolve the env (values become strings, non-strings as JSON); the env is not logged."""
    task = step.shell
    assert task is not None, "a shell step carries a shell task"
    env = {name: _env_value(value) for name, value in resolve(task.env).items()}
    request = {"script": task.script, "env": env, "image": task.image}
    return request, {"script": task.script}


def run(request: Any, ctx: AttemptContext) -> Any:
    """Run the script once: output {"stdout", "exit_code": 0}; a non-zero exit is ShellError."""
    if request["image"]:
        ctx.notice(f"image {request['image']!r} ignored: shell steps run locally with /bin/sh")
    timeout = ctx.step.resources.timeout if ctx.step.resources else None
    env = process_environment(request["env"])
    if "\0" in request["script"]:
        raise StepFailure("ShellError", "the script contains a NUL byte, which /bin/sh cannot run")
    out_fd, err_fd = ctx.open_captures()
    with (
        tempfile.TemporaryDirectory(prefix="fnplan-shell-") as scratch,
        os.fdopen(out_fd, "wb") as stdout,
        os.fdopen(err_fd, "wb") as stderr,
    ):
        process = subprocess.Popen(
            ["/bin/sh", "-c", request["script"]],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            cwd=scratch,
            env=env,
            start_new_session=True,  # its own process group, so a timeout kills its children
        )
        try:
            with busy(process.pid):
                returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise StepFailure("Timeout", f"script did not finish within {timeout:g} s") from None
        except BaseException:  # Ctrl-C: leave nothing running
            _kill_group(process)
            raise
    output = ctx.stdout_path.read_text(errors="replace")
    if returncode != 0:
        detail = ctx.stderr_path.read_text(errors="replace").strip().splitlines()[-5:]
        raise StepFailure(
            "ShellError",
            f"script exited with code {returncode}" + "".join(f"\n{line}" for line in detail),
        )
    return {"stdout": output, "exit_code": 0}


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the script and everything it started, and reap the script."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _env_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
