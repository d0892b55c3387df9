"""Runtimes on this machine: the current interpreter, or a virtual environment with packages.

A runtime with packages gets local/runtimes/<address>-<hash of language+packages>/, built with
`python -m venv` and `pip install`; pip's output goes to pip.log there, and packages.json is
written last, so a venv without it is an interrupted build and is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

from .disk import (
    LOCKS,
    Layout,
    atomic_write_json,
    encode_address,
    make_dirs,
    prune_empty,
    read_json,
    remove_tree,
)

_RECORD = "packages.json"
_LOG = "pip.log"
_LOG_TAIL = 20


def runtime_spec(attributes: dict[str, Any]) -> dict[str, Any]:
    """What a runtime's venv is built from: its language and its packages."""
    return {
        "language": attributes.get("language"),
        "packages": list(attributes.get("packages") or []),
    }


def venv_dir(layout: Layout, address: str, attributes: dict[str, Any]) -> Path | None:
    """The venv directory of a runtime, or None when it has no packages (current interpreter)."""
    spec = runtime_spec(attributes)
    if not spec["packages"]:
        return None
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
    return layout.runtimes / f"{encode_address(address)}-{digest}"


def venv_python(venv: Path) -> Path:
    """The interpreter inside a venv."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def interpreter(layout: Layout, address: str, attributes: dict[str, Any]) -> str:
    """The interpreter that runs code for a runtime: sys.executable or the venv's python."""
    venv = venv_dir(layout, address, attributes)
    return sys.executable if venv is None else str(venv_python(venv))


def referenced_interpreters(layout: Layout) -> set[str]:
    """Interpreters still used by some stored function version (so their venv must stay)."""
    used: set[str] = set()
    if not layout.functions.is_dir():
        return used
    for versions_file in layout.functions.glob("*/versions.json"):
        record = read_json(versions_file) or {}
        used.update(str(v.get("python")) for v in record.get("versions", []))
    return used


class Runtimes:
    """Create, observe, update and delete runtimes."""

    def __init__(self, layout: Layout, project_dir: Path) -> None:
        self._layout = layout
        self._project_dir = project_dir

    def observe(self, prior: ResourceState) -> Observation:
        """Exists when the venv is complete and built from the recorded packages; a runtime
        with a venv left half-built or half-deleted exists too, so that its delete is finished
        (or an apply rebuilds it)."""
        venv = venv_dir(self._layout, prior.address, prior.attributes)
        if venv is None:
            return Observation(exists=True, outputs=_outputs(None))
        record = read_json(venv / _RECORD)
        if record != runtime_spec(prior.attributes) or not venv_python(venv).exists():
            if not self._venvs_of(prior.address):
                return Observation(exists=False)
            damaged = {"packages": "damaged: the environment is incomplete"}
            return Observation(exists=True, attributes=damaged)
        return Observation(exists=True, attributes=dict(record), outputs=_outputs(venv))

    def create(self, resource: Resource) -> dict[str, Any]:
        """Build the venv unless a complete one is there (idempotent)."""
        venv = venv_dir(self._layout, resource.address, resource.attributes)
        if venv is not None:
            with LOCKS.get(str(venv)):
                self._ensure_venv(venv, runtime_spec(resource.attributes), resource.address)
        return _outputs(venv)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Build the new venv, then drop older ones no function version uses."""
        outputs = self.create(resource)
        self._remove_unused(resource.address, keep=outputs["venv"])
        return outputs

    def delete(self, prior: ResourceState) -> None:
        """Remove every venv of this runtime."""
        for venv in self._venvs_of(prior.address):
            with LOCKS.get(str(venv)):
                remove_tree(venv)
        prune_empty(self._layout.runtimes, self._layout.root)

    def _ensure_venv(self, venv: Path, spec: dict[str, Any], address: str) -> None:
        """Build the venv unless a complete one is there; packages.json marks it complete."""
        if read_json(venv / _RECORD) == spec and venv_python(venv).exists():
            return
        remove_tree(venv)
        make_dirs(venv)
        cwd = self._project_dir if self._project_dir.is_dir() else None
        log = venv / _LOG
        python = str(venv_python(venv))
        if _host_pip_can_target():
            # seconds faster than seeding pip into every venv
            venv_command = [sys.executable, "-m", "venv", "--without-pip", str(venv)]
            pip = [sys.executable, "-m", "pip", "--python", python, "install"]
        else:
            venv_command = [sys.executable, "-m", "venv", str(venv)]
            pip = [python, "-m", "pip", "install"]
        _run(venv_command, log, cwd, f"{address}: python -m venv")
        pip += ["--disable-pip-version-check", "--no-input", *spec["packages"]]
        _run(pip, log, cwd, f"{address}: pip install")
        atomic_write_json(venv / _RECORD, spec)

    def _venvs_of(self, address: str) -> list[Path]:
        if not self._layout.runtimes.is_dir():
            return []
        prefix = f"{encode_address(address)}-"
        return [
            path
            for path in self._layout.runtimes.iterdir()
            if path.name.startswith(prefix) and len(path.name) == len(prefix) + 16
        ]

    def _remove_unused(self, address: str, keep: str | None) -> None:
        """Remove this runtime's older venvs that no stored function version still runs on."""
        used = referenced_interpreters(self._layout)
        for venv in self._venvs_of(address):
            if str(venv) != keep and str(venv_python(venv)) not in used:
                with LOCKS.get(str(venv)):
                    remove_tree(venv)
        prune_empty(self._layout.runtimes, self._layout.root)


def _outputs(venv: Path | None) -> dict[str, Any]:
    if venv is None:
        return {"python": sys.executable, "venv": None}
    return {"python": str(venv_python(venv)), "venv": str(venv)}


def _host_pip_can_target() -> bool:
    """Whether this interpreter has a pip that installs into another one (`--python`, 22.3+)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor = (int(part) for part in version("pip").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (22, 3)


def _run(command: list[str], log: Path, cwd: Path | None, what: str) -> None:
    """Run a build command, appending its output to `log`; a failure shows the log's tail."""
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(command)}\n")
        handle.flush()
        result = subprocess.run(
            command, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-_LOG_TAIL:]
        raise ProviderError(
            f"{what} failed with exit code {result.returncode} (full log: {log})",
            notes=tail,
        )
