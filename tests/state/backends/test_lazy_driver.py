"""The PostgreSQL driver is imported only by projects whose backend block names pg."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .projects import pg_backend, write_project

_PROBE = """
import sys
from pathlib import Path
from fnplan.workspace import Workspace
Workspace(Path(sys.argv[1])).state_backend()
print("psycopg" in sys.modules)
"""


def _imports_driver(project: Path) -> bool:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(project)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PG_CONN_STR": "postgresql://nobody@127.0.0.1:1/none"},
    )
    return result.stdout.strip() == "True"


def test_only_a_pg_backend_imports_the_driver(tmp_path: Path) -> None:
    assert not _imports_driver(write_project(tmp_path / "local"))
    assert _imports_driver(write_project(tmp_path / "pg", backend=pg_backend("lazy")))
