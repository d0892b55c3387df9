"""docs/cli.md is generated from the commands; it must match them."""

from __future__ import annotations

from fnplan.cli.docs import render
from tests.conftest import REPO


def test_cli_reference_is_current() -> None:
    current = (REPO / "docs" / "cli.md").read_text()
    assert current == render(), "docs/cli.md is stale: python -m fnplan.cli.docs > docs/cli.md"


def test_every_command_has_an_example() -> None:
    assert render().count("Example:") >= 15
