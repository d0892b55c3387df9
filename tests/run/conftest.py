"""Fixtures for executor tests: a private worker pool and a deployment in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fnplan.run import WorkerPool
from tests.run.runkit import Deployment


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool()
    yield workers
    workers.close()


@pytest.fixture
def deploy(tmp_path: Path, pool: WorkerPool) -> Deployment:
    return Deployment(tmp_path, pool)
