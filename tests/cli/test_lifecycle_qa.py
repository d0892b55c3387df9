"""Deployment lifecycle edge cases found in QA: state commands on a broken configuration,
saved plans with options that cannot apply to them, and failed applies that say why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error, run_fnplan
from tests.conftest import EXAMPLES


@pytest.fixture
def applied(fnplan: Runner, quickstart: Path) -> Path:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    return quickstart


def test_state_commands_work_while_the_configuration_is_broken(
    fnplan: Runner, applied: Path
) -> None:
    shutil.rmtree(applied / "functions" / "resize")
    assert_clean_error(fnplan("plan", cwd=applied, check=None), "functions/resize")
    assert "function.resize" in fnplan("state", "list", cwd=applied).stdout.split()
    assert json.loads(fnplan("state", "show", "function.resize", cwd=applied).stdout)
    assert json.loads(fnplan("state", "pull", cwd=applied).stdout)["serial"] == 1
    assert fnplan("output", "environment", cwd=applied).stdout.strip() == "dev"
    assert "function.resize" in fnplan("show", cwd=applied).stdout
    fnplan("state", "rm", "trigger.nightly", cwd=applied)
    assert "trigger.nightly" not in fnplan("state", "list", cwd=applied).stdout.split()


@pytest.mark.parametrize(
    "option",
    [
        ("--target", "function.fetch"),
        ("--replace", "function.fetch"),
        ("--var", "env=prod"),
        ("--destroy",),
    ],
)
def test_apply_of_a_saved_plan_refuses_plan_options(
    fnplan: Runner, applied: Path, option: tuple[str, ...]
) -> None:
    (applied / "functions" / "resize" / "main.py").write_text(
        (applied / "functions" / "resize" / "main.py").read_text() + "\n# changed\n"
    )
    fnplan("plan", "--out", "change.plan", cwd=applied)
    before = (applied / ".fnplan" / "state.json").read_text()
    result = fnplan("apply", "change.plan", *option, cwd=applied, check=None)
    assert_clean_error(result, option[0])
    assert (applied / ".fnplan" / "state.json").read_text() == before


def test_failed_apply_shows_the_providers_details_once(fnplan: Runner, applied: Path) -> None:
    with (applied / "main.hcl").open("a") as handle:
        handle.write(
            '\nruntime "broken" {\n  language = "python3.12"\n'
            '  packages = ["./no-such-package-dir"]\n}\n'
        )
    result = fnplan("apply", "--auto-approve", cwd=applied, check=None)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    assert "runtime.broken: runtime.broken:" not in output
    summary = output[output.index("Apply failed") :]
    assert "pip install failed" in summary
    assert "no-such-package-dir" in summary  # pip's own words, from the tail of pip.log
    assert "main.hcl:" in summary  # where the runtime is declared
    line = next(x for x in output.splitlines() if "create failed" in x)
    assert "pip.log" in line or "pip install failed with exit code" in line
    assert "runtime.broken" in fnplan("plan", cwd=applied).stdout


def test_targeted_destroy_keeps_the_other_root_outputs(fnplan: Runner, applied: Path) -> None:
    fnplan("destroy", "--target", "trigger.nightly", "--auto-approve", cwd=applied)
    outputs = json.loads(fnplan("output", "--json", cwd=applied).stdout)
    assert outputs["environment"]["value"] == "dev"
    assert outputs["thumbnail_endpoint"]["value"] == "local://workflow/workflow.thumbnail"
    fnplan("destroy", "--target", "workflow.thumbnail", "--auto-approve", cwd=applied)
    outputs = json.loads(fnplan("output", "--json", cwd=applied).stdout)
    assert outputs["environment"]["value"] == "dev"
    assert outputs["thumbnail_endpoint"]["value"] is None
    plan = json.loads(fnplan("plan", "--json", cwd=applied).stdout)
    assert {o["name"]: o["action"] for o in plan["outputs"]}["environment"] == "noop"


def test_a_saved_plan_applies_even_after_the_configuration_broke(tmp_path: Path) -> None:
    """The plan file carries everything apply needs; only the backend block is read."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES / "quickstart", project, ignore=shutil.ignore_patterns(".fnplan"))
    run_fnplan("plan", "--out", "saved.plan", cwd=project)
    main = project / "main.hcl"
    main.write_text(
        main.read_text()
        + '\nfunction "broken" {\n  runtime = runtime.nope\n  source  = "./gone"\n}\n'
    )
    assert_clean_error(run_fnplan("plan", cwd=project, check=None), "unknown runtime")
    run_fnplan("apply", "saved.plan", cwd=project)
    assert "function.resize" in run_fnplan("state", "list", cwd=project).stdout.split()
