"""Builders for compiled resources and a LocalProvider rooted in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from fnplan.providers.local import LocalProvider

from fnplan.compile.functions import version_of
from fnplan.compile.sources import SourceHasher
from fnplan.provider import ProviderContext
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

PYTHON_RUNTIME: dict[str, Any] = {
    "address": "runtime.python",
    "name": "python",
    "language": "python3.11",
    "image": "python:3.11-slim",
    "memory": 256,
    "timeout": 30,
    "env": {"LOG_FORMAT": "json"},
    "packages": [],
    "base": None,
}

HANDLER = "def handler(event, context):\n    return {'echo': event}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    directory.mkdir()
    return directory


@pytest.fixture
def provider(project: Path) -> LocalProvider:
    return LocalProvider(ProviderContext(project_dir=project, data_dir=project / ".fnplan"))


def write_source(directory: Path, body: str = HANDLER, extra: dict[str, str] | None = None) -> Path:
    """A function source directory with main.py (and any extra files)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.py").write_text(body)
    for name, text in (extra or {}).items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory


def source_hash(directory: Path) -> str:
    """The `source_hash` compile gives the directory (a missing one gets a made-up hash)."""
    if not directory.is_dir():
        return "sha256:" + "0" * 64
    return SourceHasher(None).source_hash(str(directory))


def function(
    address: str,
    source: Path,
    *,
    runtime: dict[str, Any] | None = None,
    keep: int | None = 3,
    retain: Iterable[str] = (),
    env: dict[str, str] | None = None,
    handler: str = "main.handler",
) -> Resource:
    """A compiled function resource whose version hashes its code and configuration."""
    attributes: dict[str, Any] = {
        "name": address.rpartition(".")[2],
        "runtime": runtime or PYTHON_RUNTIME,
        "source": str(source),
        "source_hash": source_hash(source),
        "handler": handler,
        "memory": 128,
        "timeout": 10,
        "env": env or {},
        "input_schema": {"type": "object"},
        "output_schema": None,
        "scaling": {"min": 0, "max": 20, "concurrency": 10},
        "rollout": {"strategy": "all_at_once", "steps": [100], "interval": "0s"},
    }
    attributes["version"] = version_of(attributes)
    attributes["keep_versions"] = keep
    attributes["retain_versions"] = list(retain)
    return Resource(
        address=address,
        type="function",
        attributes=attributes,
        depends_on=[str((runtime or PYTHON_RUNTIME)["address"])],
        pos="/project/main.hcl:3:1",
    )


def recorded(resource: Resource, outputs: dict[str, Any] | None = None) -> ResourceState:
    """The state entry apply would record after creating `resource`."""
    return ResourceState(
        address=resource.address,
        type=resource.type,
        provider=resource.provider,
        attributes=resource.attributes,
        outputs=outputs or {},
        dependencies=resource.depends_on,
    )


Deploy = Callable[[Resource], ResourceState]


@pytest.fixture
def deploy(provider: LocalProvider) -> Deploy:
    """Create a resource and return the state entry for it."""

    def run(resource: Resource) -> ResourceState:
        return recorded(resource, provider.create(resource))

    return run
