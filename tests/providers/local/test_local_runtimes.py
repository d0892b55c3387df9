"""Runtimes: the current interpreter, or a real venv with packages installed by pip."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fnplan.providers.local import LocalProvider
from fnplan.providers.local.store import LocalStore

from fnplan.errors import ProviderError
from fnplan.resources import Resource

from .conftest import function, recorded, write_source


def runtime(address: str, packages: list[str], **extra: Any) -> Resource:
    attributes = {
        "name": address.rpartition(".")[2],
        "language": "python3.11",
        "image": "python:3.11-slim",
        "memory": 256,
        "timeout": 30,
        "env": {},
        "packages": packages,
        "base": None,
        **extra,
    }
    return Resource(address=address, type="runtime", attributes=attributes)


def tiny_wheel(root: Path, name: str, value: str) -> Path:
    """A pure-Python wheel exposing VALUE, written by hand so pip needs no build or network."""
    directory = root / value
    directory.mkdir(parents=True)
    wheel = directory / f"{name}-1.0-py3-none-any.whl"
    info = f"{name}-1.0.dist-info"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"{name}/__init__.py", f"VALUE = {value!r}\n")
        archive.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        archive.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        archive.writestr(f"{info}/RECORD", "")
    return wheel


def test_a_runtime_without_packages_is_the_current_interpreter(
    provider: LocalProvider, project: Path
) -> None:
    resource = runtime("runtime.python", [])
    outputs = provider.create(resource)
    assert outputs == {"python": sys.executable, "venv": None}
    assert provider.observe(recorded(resource, outputs)).exists
    provider.delete(recorded(resource, outputs))
    assert not (project / ".fnplan").exists()


def test_a_runtime_with_packages_gets_a_real_venv(
    provider: LocalProvider, project: Path, tmp_path: Path
) -> None:
    package = tiny_wheel(tmp_path, "fnplan_tiny", "one")
    resource = runtime("runtime.tiny", [str(package)])
    outputs = provider.create(resource)
    venv = Path(outputs["venv"])
    assert venv.parent == project / ".fnplan/local/runtimes"
    assert venv.name.startswith("runtime.tiny-")
    assert "Successfully installed fnplan-tiny-1.0" in (venv / "pip.log").read_text()
    probe = [outputs["python"], "-c", "import fnplan_tiny; print(fnplan_tiny.VALUE)"]
    assert subprocess.run(probe, capture_output=True, text=True, check=True).stdout == "one\n"

    state = recorded(resource, outputs)
    assert provider.observe(state).up_to_date(resource.attributes)
    assert provider.create(resource) == outputs  # idempotent: no rebuild

    # a function on this runtime runs on the venv's interpreter
    fn = function(
        "function.f",
        write_source(project / "src"),
        runtime={"address": "runtime.tiny", **resource.attributes},
    )
    fn_outputs = provider.create(fn)
    assert fn_outputs["python"] == outputs["python"]
    store = LocalStore(project / ".fnplan")
    assert store.function_version("function.f", fn_outputs["version"]).python == outputs["python"]

    # the venv's record no longer matching means it is damaged: there, but not as recorded
    (venv / "packages.json").write_text('{"language": "python3.11", "packages": []}')
    damaged = provider.observe(state)
    assert damaged.exists and not damaged.up_to_date(resource.attributes)

    provider.delete(recorded(fn))
    provider.delete(state)
    provider.delete(state)
    assert not (project / ".fnplan/local").exists()


def test_updating_packages_builds_a_new_venv_and_drops_the_old_one_once_unused(
    provider: LocalProvider, project: Path, tmp_path: Path
) -> None:
    first = runtime("runtime.tiny", [str(tiny_wheel(tmp_path, "fnplan_tiny", "one"))])
    old = provider.create(first)
    fn = function(
        "function.f",
        write_source(project / "src"),
        runtime={"address": "runtime.tiny", **first.attributes},
    )
    provider.create(fn)

    second = runtime("runtime.tiny", [str(tiny_wheel(tmp_path, "fnplan_tiny", "two"))])
    new = provider.update(second, recorded(first, old))
    assert new["venv"] != old["venv"]
    probe = [new["python"], "-c", "import fnplan_tiny; print(fnplan_tiny.VALUE)"]
    assert subprocess.run(probe, capture_output=True, text=True, check=True).stdout == "two\n"
    assert Path(old["venv"]).exists(), "a stored function version still runs on it"

    provider.delete(recorded(fn))
    assert provider.update(second, recorded(second, new)) == new
    assert not Path(old["venv"]).exists()
    provider.delete(recorded(second, new))
    assert not (project / ".fnplan/local").exists()


def test_a_pip_failure_reports_the_end_of_pips_output(
    provider: LocalProvider, project: Path, tmp_path: Path
) -> None:
    resource = runtime("runtime.broken", [str(tmp_path / "missing-1.0-py3-none-any.whl")])
    with pytest.raises(ProviderError) as error:
        provider.create(resource)
    rendered = error.value.render()
    assert "runtime.broken: pip install failed with exit code" in rendered
    assert "pip.log" in rendered
    assert len(error.value.notes) > 0
    # the half-built venv (with pip.log) exists until it is deleted
    assert not provider.observe(recorded(resource)).up_to_date(resource.attributes)
    provider.delete(recorded(resource))
    assert not provider.observe(recorded(resource)).exists
    assert not (project / ".fnplan/local").exists()
