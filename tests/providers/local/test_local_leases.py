"""Leases on deployed versions: live ones are honoured, those of dead runs are ignored."""

from __future__ import annotations

import json
from pathlib import Path

from fnplan.providers.local.leases import LEASES, holding, leased, store_guard


def test_a_held_lease_names_its_versions_until_released(tmp_path: Path) -> None:
    root = tmp_path / "local"
    with holding(root, {"function.f": {"v1"}, "workflow.w": {"d1"}}), store_guard(root):
        assert leased(root, "function.f") == {"v1"}
        assert leased(root, "function.g") == set()
    assert not root.exists(), "nothing is left once the last lease ends"


def test_the_lease_of_a_dead_run_is_ignored_and_removed(tmp_path: Path) -> None:
    root = tmp_path / "local"
    (root / LEASES).mkdir(parents=True)
    stale = root / LEASES / "999999-abc.json"
    stale.write_text(json.dumps({"pid": 999999, "versions": {"function.f": ["v1"]}}))
    with store_guard(root):
        assert leased(root, "function.f") == set()
    assert not stale.exists()
