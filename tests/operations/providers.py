"""Providers that exist only in tests, registered in-process as entry points: each is the
local provider under another name, declaring fewer or more capabilities."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fnplan.providers.local import LocalProvider
from fnplan.providers.local.store import LocalStore

from fnplan.errors import FnplanError
from fnplan.provider import ENTRY_POINT_GROUP
from fnplan.state.model import ResourceState


class QuietProvider(LocalProvider):
    """Deploys and runs like local, but cannot read its run history back."""

    name: ClassVar[str] = "quiet"
    capabilities: ClassVar[frozenset[str]] = LocalProvider.capabilities - {"run-history"}


class CanaryProvider(LocalProvider):
    """Local, plus "rollouts": each deployed function version starts at 10% of the traffic
    until it is promoted (100%) or aborted (0%); kept in a file beside the deployment."""

    name: ClassVar[str] = "canary"
    capabilities: ClassVar[frozenset[str]] = LocalProvider.capabilities | {"rollouts"}

    def rollout_status(self, deployed: ResourceState) -> dict[str, Any]:
        address = deployed.address
        version = LocalStore(self.context.data_dir).latest_function_version(address)
        phase, weight = self._rollouts().get(address, ("progressing", 10))
        return {"address": address, "version": version.number, "phase": phase, "weight": weight}

    def promote_rollout(self, deployed: ResourceState) -> None:
        self._set(deployed, "promoted", 100)

    def abort_rollout(self, deployed: ResourceState) -> None:
        self._set(deployed, "aborted", 0)

    def _set(self, deployed: ResourceState, phase: str, weight: int) -> None:
        address = deployed.address
        current = self.rollout_status(deployed)["phase"]
        if current != "progressing":
            raise FnplanError(f"the rollout of {address} is already {current}")
        rollouts = self._rollouts()
        rollouts[address] = (phase, weight)
        self._file().write_text(json.dumps(rollouts))

    def _rollouts(self) -> dict[str, tuple[str, int]]:
        path = self._file()
        found = json.loads(path.read_text()) if path.exists() else {}
        return {address: (phase, weight) for address, (phase, weight) in found.items()}

    def _file(self) -> Path:
        return self.context.data_dir / "canary-rollouts.json"


def register(monkeypatch: pytest.MonkeyPatch, *classes: type[LocalProvider]) -> None:
    """Make `classes` loadable by name through the provider entry points, in this process."""
    original = importlib.metadata.entry_points
    extra = [
        importlib.metadata.EntryPoint(cls.name, f"{__name__}:{cls.__name__}", ENTRY_POINT_GROUP)
        for cls in classes
    ]

    def entry_points(**selection: Any) -> Any:  # what importlib.metadata.entry_points gives
        found = original(**selection)
        if selection.get("group") != ENTRY_POINT_GROUP:
            return found
        return importlib.metadata.EntryPoints([*found, *extra])

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
