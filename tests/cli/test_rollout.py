"""`fnplan rollout status|promote|abort`: through the "rollouts" capability of the provider
that deployed the address; a clean error naming what the provider can do otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fnplan.cli.main import cli
from fnplan.errors import FnplanError
from tests.cli.conftest import Runner, assert_clean_error
from tests.conftest import EXAMPLES
from tests.operations.providers import CanaryProvider, register


def _minimal(tmp_path: Path, provider: str) -> Path:
    """examples/minimal, deploying to `provider`."""
    root = tmp_path / "minimal"
    shutil.copytree(EXAMPLES / "minimal", root, ignore=shutil.ignore_patterns(".fnplan"))
    main = root / "main.hcl"
    main.write_text(main.read_text().replace('provider "local" {}', f'provider "{provider}" {{}}'))
    return root


def _fnplan(root: Path, *args: str) -> Result:
    """The fnplan command in this process (where the test provider is registered)."""
    result = CliRunner().invoke(cli, ["-C", str(root), *args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, FnplanError):
        raise result.exception
    return result


def test_local_cannot_manage_rollouts(tmp_path: Path, fnplan: Runner) -> None:
    root = _minimal(tmp_path, "local")
    fnplan("apply", "--auto-approve", cwd=root)
    result = fnplan("rollout", "status", "function.hello", cwd=root, check=None)
    assert_clean_error(result, "error: provider local cannot manage rollouts")
    assert "allowed: deliver-events, invoke-function, render, run-history" in result.stderr


def test_status_promote_and_abort_through_the_capability(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, CanaryProvider)
    root = _minimal(tmp_path, "canary")
    assert _fnplan(root, "apply", "--auto-approve").exit_code == 0

    status = _fnplan(root, "rollout", "status", "function.hello")
    assert status.output.splitlines() == [
        "address: function.hello",
        "version: 1",
        "phase: progressing",
        "weight: 10",
    ]
    promoted = _fnplan(root, "rollout", "promote", "function.hello")
    assert promoted.output == "Promoted the rollout of function.hello.\n"
    after = json.loads(_fnplan(root, "rollout", "status", "function.hello", "--json").output)
    assert (after["phase"], after["weight"]) == ("promoted", 100)

    again = _fnplan(root, "rollout", "abort", "function.hello")
    assert isinstance(again.exception, FnplanError)
    assert again.exception.message == "the rollout of function.hello is already promoted"


def test_abort_and_an_address_that_is_not_deployed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, CanaryProvider)
    root = _minimal(tmp_path, "canary")
    _fnplan(root, "apply", "--auto-approve")
    assert _fnplan(root, "rollout", "abort", "function.hello").output == (
        "Aborted the rollout of function.hello.\n"
    )
    assert "phase: aborted" in _fnplan(root, "rollout", "status", "function.hello").output
    missing = _fnplan(root, "rollout", "status", "function.helo")
    assert isinstance(missing.exception, FnplanError)
    assert (
        missing.exception.message == "function.helo is not deployed: the state has no such resource"
    )
    assert missing.exception.hint == "did you mean 'function.hello'?"


def test_a_provider_that_only_deploys_says_what_it_cannot_do(
    tmp_path: Path, fnplan: Runner
) -> None:
    """netsim declares no capabilities: each command names what it lacks."""
    root = _minimal(tmp_path, "netsim")
    fnplan("apply", "--auto-approve", cwd=root)
    for args, doing in [
        (("rollout", "status", "function.hello"), "manage rollouts"),
        (("runs", "hello"), "read run history and logs"),
        (("logs", "hello"), "read run history and logs"),
        (("run", "hello"), "run workflows"),
        (("invoke", "hello"), "invoke functions"),
        (("render",), "render its artifacts"),
    ]:
        result = fnplan(*args, cwd=root, check=None)
        assert_clean_error(result, f"error: provider netsim cannot {doing}")
