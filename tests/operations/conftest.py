"""A deployed copy of examples/minimal, made in this process."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from fnplan.cli.main import cli
from fnplan.workspace import Workspace
from tests.conftest import EXAMPLES


def deployed_minimal(tmp_path: Path, provider: str = "local", extra: str = "") -> Workspace:
    """examples/minimal deployed to `provider` (which must be registered), with `extra`
    blocks, as a Workspace."""
    root = tmp_path / "minimal"
    shutil.copytree(EXAMPLES / "minimal", root, ignore=shutil.ignore_patterns(".fnplan"))
    main = root / "main.hcl"
    text = main.read_text().replace('provider "local" {}', f'provider "{provider}" {{}}')
    main.write_text(text + extra)
    result = CliRunner().invoke(cli, ["-C", str(root), "apply", "--auto-approve"])
    assert result.exit_code == 0, (result.output, result.exception)
    return Workspace(root)
