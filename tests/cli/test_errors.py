"""Every kind of bad input gets a clear message at its place, exit code 1 and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error

BASE = """\
runtime "python" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
}
"""


def _project(root: Path, extra: str = "", base: str = BASE) -> Path:
    code = root / "functions" / "hello"
    code.mkdir(parents=True, exist_ok=True)
    (code / "main.py").write_text("def handler(event, context):\n    return {'ok': True}\n")
    (root / "main.hcl").write_text(base + textwrap.dedent(extra))
    return root


CONFIG_ERRORS = {
    "syntax error": (
        'workflow "w" {\n  step "a" {\n    function = function.hello\n',
        ["main.hcl:", "error:"],
    ),
    "unknown block": ('funtion "x" {\n}\n', ["main.hcl:9:1", "funtion", "did you mean 'function'"]),
    "unknown attribute": (
        'function "other" {\n  runtime = runtime.python\n  source  = "./functions/hello"\n'
        "  memroy  = 128\n}\n",
        ["main.hcl:12:3", "memroy", "allowed:", "did you mean 'memory'"],
    ),
    "wrong type": (
        'function "other" {\n  runtime = runtime.python\n  source  = "./functions/hello"\n'
        '  memory  = "big"\n}\n',
        ["main.hcl:12:", "memory", "number"],
    ),
    "unknown reference": (
        'workflow "w" {\n  step "a" {\n    function = function.helo\n  }\n}\n',
        ["main.hcl:11:", "helo", "did you mean 'hello'"],
    ),
    "reference cycle": (
        "locals {\n  a = local.b\n  b = local.a\n}\n",
        ["cycle", "local.a", "local.b", "main.hcl:10:", "main.hcl:11:"],
    ),
    "step cycle": (
        'workflow "w" {\n  step "a" {\n    function   = function.hello\n'
        "    depends_on = [step.b]\n  }\n"
        '  step "b" {\n    function   = function.hello\n    depends_on = [step.a]\n  }\n}\n',
        ["cycle", "a", "b", "main.hcl:"],
    ),
    "shared override": (
        'workflow "w" {\n  isolation = "shared"\n  step "a" {\n    function = function.hello\n'
        "    resources {\n      memory = 1024\n    }\n  }\n}\n",
        ["main.hcl:", "shared", "dedicated"],
    ),
}


@pytest.mark.parametrize("case", sorted(CONFIG_ERRORS))
def test_config_errors(fnplan: Runner, tmp_path: Path, case: str) -> None:
    extra, fragments = CONFIG_ERRORS[case]
    project = _project(tmp_path, extra)
    assert_clean_error(fnplan("validate", cwd=project, check=None), *fragments)
    assert_clean_error(fnplan("plan", cwd=project, check=None), *fragments)


def test_module_version_mismatch(fnplan: Runner, tmp_path: Path) -> None:
    child = tmp_path / "modules" / "child"
    _project(child, base='fnplan {\n  version = "1.4.0"\n}\n' + BASE)
    project = _project(
        tmp_path, 'module "child" {\n  source  = "./modules/child"\n  version = "~> 2.0"\n}\n'
    )
    assert_clean_error(fnplan("validate", cwd=project, check=None), "main.hcl:", "~> 2.0", "1.4.0")


def test_module_nesting_cycle(fnplan: Runner, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _project(a, 'module "b" {\n  source = "../b"\n}\n')
    _project(b, 'module "a" {\n  source = "../a"\n}\n')
    assert_clean_error(fnplan("validate", cwd=a, check=None), "cycle", "main.hcl:")


def test_workflow_nesting_cycle(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        'workflow "a" {\n  step "s" {\n    workflow = workflow.b\n  }\n}\n'
        'workflow "b" {\n  step "s" {\n    workflow = workflow.a\n  }\n}\n',
    )
    assert_clean_error(
        fnplan("validate", cwd=project, check=None), "cycle", "workflow.a", "workflow.b"
    )


def test_missing_variable(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(tmp_path, 'variable "region" {\n  type = string\n}\n')
    assert_clean_error(fnplan("plan", cwd=project, check=None), "region", "--var")


def _applied(fnplan: Runner, tmp_path: Path) -> Path:
    project = _project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    return project


def test_corrupted_state_is_refused_and_kept(fnplan: Runner, tmp_path: Path) -> None:
    project = _applied(fnplan, tmp_path)
    state = project / ".fnplan" / "state.json"
    state.write_text('{"format_version": 1, "resources": [')
    for command in (["plan"], ["apply", "--auto-approve"]):
        assert_clean_error(fnplan(*command, cwd=project, check=None), "state.json")
    assert state.read_text() == '{"format_version": 1, "resources": ['


def test_newer_state_format_is_refused(fnplan: Runner, tmp_path: Path) -> None:
    project = _applied(fnplan, tmp_path)
    state = project / ".fnplan" / "state.json"
    data = json.loads(state.read_text())
    data["format_version"] = 99
    state.write_text(json.dumps(data))
    assert_clean_error(fnplan("plan", cwd=project, check=None), "99", "upgrade fnplan")
    assert json.loads(state.read_text())["format_version"] == 99


def test_stale_saved_plan_is_refused(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("plan", "--out", "first.plan", cwd=project)
    fnplan("apply", "--auto-approve", cwd=project)
    assert_clean_error(fnplan("apply", "first.plan", cwd=project, check=None), "stale")


def test_held_lock_names_its_holder(fnplan: Runner, tmp_path: Path) -> None:
    project = _applied(fnplan, tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from fnplan.state.local import LocalBackend
            with LocalBackend(Path({str(project / ".fnplan" / "state.json")!r})).lock("apply"):
                print("locked", flush=True)
                time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = fnplan("plan", cwd=project, check=None)
        assert_clean_error(result, "apply", str(holder.pid), "force-unlock")
        started = time.monotonic()
        result = fnplan("plan", "--lock-timeout", "1", cwd=project, check=None)
        assert_clean_error(result, str(holder.pid))
        assert time.monotonic() - started >= 1
    finally:
        holder.kill()
        holder.wait()


def test_internal_errors_hide_the_traceback_unless_debugging(tmp_path: Path) -> None:
    env = {**os.environ, "FNPLAN_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "fnplan", "-C", str(tmp_path / "missing"), "plan"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_plan_saved_before_the_first_apply_applies(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("plan", "--out", "first.plan", cwd=project)
    fnplan("apply", "first.plan", cwd=project)
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


OUT_OF_RANGE = {
    "negative memory": (
        'function "other" {\n  runtime = runtime.python\n  source  = "./functions/hello"\n'
        "  memory  = -5\n}\n",
        ["main.hcl:12:", "memory", "greater than or equal to 1"],
    ),
    "zero attempts": (
        'workflow "w" {\n  step "a" {\n    function = function.hello\n'
        "    retry {\n      max_attempts = 0\n    }\n  }\n}\n",
        ["main.hcl:", "max_attempts", "greater than or equal to 1"],
    ),
    "scaling min over max": (
        'function "other" {\n  runtime = runtime.python\n  source  = "./functions/hello"\n'
        "  scaling {\n    min = 5\n    max = 2\n  }\n}\n",
        ["main.hcl:", "min (5) must not exceed max (2)"],
    ),
}


@pytest.mark.parametrize("case", sorted(OUT_OF_RANGE))
def test_values_out_of_range(fnplan: Runner, tmp_path: Path, case: str) -> None:
    extra, fragments = OUT_OF_RANGE[case]
    project = _project(tmp_path, extra)
    assert_clean_error(fnplan("validate", cwd=project, check=None), *fragments)


def test_two_http_triggers_on_one_route_are_an_error(fnplan: Runner, tmp_path: Path) -> None:
    trigger = (
        'trigger "{name}" {{\n  source {{\n    http {{\n      path = "{path}"\n    }}\n  }}\n'
        "  target = function.hello\n}}\n"
    )
    project = _project(
        tmp_path, trigger.format(name="a", path="/hook") + trigger.format(name="b", path="hook")
    )
    assert_clean_error(
        fnplan("validate", cwd=project, check=None),
        "trigger.b and trigger.a both serve POST /hook",
        "main.hcl:",
    )
    _project(tmp_path, trigger.format(name="a", path="/metrics"))
    assert_clean_error(
        fnplan("validate", cwd=project, check=None), "/metrics is answered by `fnplan serve`"
    )
