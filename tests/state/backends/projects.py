"""Small projects for the CLI tests of backends and workspaces, and an apply to freeze."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import user_environment


def write_project(root: Path, count: int = 3, backend: str = "", version: int = 0) -> Path:
    """A project with one runtime, `count` tiny functions, an output naming the workspace and
    the given `fnplan { backend ... }` text (empty: the default local backend)."""
    parts = [
        'runtime "python" {\n  language = "python3.12"\n}\n',
        'output "env" {\n  value = "env-${fnplan.workspace}"\n}\n',
    ]
    if backend:
        parts.insert(0, f"fnplan {{\n  {backend}\n}}\n")
    for i in range(count):
        code = root / "functions" / f"f{i}"
        code.mkdir(parents=True, exist_ok=True)
        (code / "main.py").write_text(f"def handler(event, context):\n    return {i + version}\n")
        parts.append(
            f'function "f{i}" {{\n  runtime = runtime.python\n  source  = "./functions/f{i}"\n}}\n'
        )
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.hcl").write_text("\n".join(parts))
    return root


def pg_backend(schema: str) -> str:
    """The backend block for a pg schema; the connection string comes from PG_CONN_STR."""
    return f'backend "pg" {{\n    schema_name = "{schema}"\n  }}'


def s3_backend(bucket: str, endpoint: str) -> str:
    """The backend block for a bucket on a test S3 endpoint (moto)."""
    return (
        f'backend "s3" {{\n    bucket = "{bucket}"\n    key = "app/state.json"\n'
        f'    endpoint = "{endpoint}"\n  }}'
    )


def kubernetes_backend(kubeconfig: Path, namespace: str) -> str:
    """The backend block for a namespace of a test Kubernetes API (the fake, or a cluster)."""
    return (
        f'backend "kubernetes" {{\n    secret_suffix = "app"\n    namespace = "{namespace}"\n'
        f'    config_path = "{kubeconfig}"\n  }}'
    )


class FrozenApply:
    """`fnplan apply --auto-approve --json` stopped (SIGSTOP) once its first resource is done:
    it holds the state lock, deterministically, until `resume()`."""

    def __init__(self, project: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fnplan", "apply", "--auto-approve", "--json"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=user_environment(env),
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            record = json.loads(line)
            if record.get("type") == "event" and record.get("phase") == "done":
                os.kill(self.process.pid, signal.SIGSTOP)
                return
        raise AssertionError(f"apply ended before any resource was done: {self.finish()}")

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def finish(self) -> tuple[int, str]:
        """Exit code and stderr once it ended (stdout is drained)."""
        _out, err = self.process.communicate(timeout=120)
        return self.process.returncode, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)
