"""Fixtures of the scan and convert tests: the real `fnplan` command."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Runner, run_fnplan


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan
