"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


@pytest.fixture
def quickstart(tmp_path: Path) -> Path:
    """A private copy of examples/quickstart (without any deployed state)."""
    target = tmp_path / "quickstart"
    shutil.copytree(
        EXAMPLES / "quickstart", target, ignore=shutil.ignore_patterns(".fnplan", "__pycache__")
    )
    return target


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep fnplan's caches (parse trees, source digests, compiled configurations) of the
    test run out of the user's ~/.cache; subprocesses inherit the variable."""
    os.environ["FNPLAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("fnplan-cache"))
