"""A deployed copy of examples/quickstart whose handlers count their invocations."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fnplan.run import WorkerPool
from tests.cli.conftest import run_fnplan
from tests.conftest import EXAMPLES

_COUNTING = """
def _count(name):
    with open({counter!r}, "a") as handle:
        handle.write(name + "\\n")


_original_handler = handler


def handler(event, context):
    _count({name!r})
    return _original_handler(event, context)
"""


@dataclass(frozen=True)
class Project:
    """The deployed project, its sample input and the file the handlers append their names to."""

    root: Path
    counter: Path

    @property
    def input(self) -> str:
        return json.dumps({"url": str(self.root / "data" / "sample.txt")})

    def calls(self) -> list[str]:
        """Handler names in call order so far."""
        return self.counter.read_text().split() if self.counter.exists() else []


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("run-cli") / "quickstart"
    shutil.copytree(
        EXAMPLES / "quickstart", root, ignore=shutil.ignore_patterns(".fnplan", "__pycache__")
    )
    counter = root.parent / "calls.txt"
    for name in ("fetch", "resize"):
        code = root / "functions" / name / "main.py"
        code.write_text(code.read_text() + _COUNTING.format(counter=str(counter), name=name))
    run_fnplan("apply", "--auto-approve", cwd=root)
    return Project(root, counter)


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool()
    yield workers
    workers.close()
