"""fnplan.operations.rollouts: through the rollouts capability of the deploying provider."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.errors import FnplanError
from fnplan.operations import rollouts
from tests.operations.conftest import deployed_minimal
from tests.operations.providers import CanaryProvider, register


def test_status_promote_abort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(monkeypatch, CanaryProvider)
    workspace = deployed_minimal(tmp_path, "canary")
    assert rollouts.status(workspace, "function.hello")["phase"] == "progressing"
    rollouts.abort(workspace, "function.hello")
    assert rollouts.status(workspace, "function.hello")["weight"] == 0
    with pytest.raises(FnplanError, match="already aborted"):
        rollouts.promote(workspace, "function.hello")


def test_a_provider_without_rollouts(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path)
    with pytest.raises(FnplanError) as caught:
        rollouts.status(workspace, "workflow.hello")
    assert caught.value.message == "provider local cannot manage rollouts"
    assert "rollouts" not in (caught.value.allowed or [])
