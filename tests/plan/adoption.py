"""A project whose objects are deployed on the local provider but whose state was lost: what
`fnplan import` and import blocks adopt."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import run_fnplan
from tests.providers.local.test_ownership import CONFIG


def orphaned_project(tmp_path: Path) -> Path:
    """A project whose objects are deployed but whose state was lost."""
    code = tmp_path / "functions" / "hello"
    code.mkdir(parents=True)
    (code / "main.py").write_text("def handler(event, context):\n    return {'hi': event}\n")
    (tmp_path / "main.hcl").write_text(CONFIG)
    run_fnplan("apply", "--auto-approve", cwd=tmp_path)
    for path in (tmp_path / ".fnplan").glob("state.json*"):
        path.unlink()
    return tmp_path
