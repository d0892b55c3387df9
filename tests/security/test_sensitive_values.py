"""A sensitive variable stays hidden: values derived from it (functions, templates,
jsonencode, collections) never print in plan text, errors, `output` listings or `show`; they
appear only where Terraform keeps them (`output --raw`/`--json`, `plan --json`, the state)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error, run_fnplan


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


SECRET = "SuperSecretKey123"
_DERIVED = (SECRET, SECRET.upper(), SECRET.lower(), "SuperS", "ecretKey123")

_PROJECT = """
variable "api_key" {
  type      = string
  sensitive = true
}

runtime "python" {
  language = "python3.12"
}

function "echo" {
  runtime = runtime.python
  source  = "./fn"
  env = {
    TOKEN = upper(var.api_key)
    AUTH  = "Bearer ${var.api_key}"
    DATA  = jsonencode({ k = var.api_key })
    PARTS = join("|", split("e", var.api_key))
  }
}

workflow "call" {
  step "shell" {
    shell {
      script = "echo ok"
      env = {
        KEY = lower(var.api_key)
      }
    }
  }
  step "echo" {
    function = function.echo
    input    = { auth = "${var.api_key}-${try(input.name, "")}" }
  }
}

output "token" {
  value     = upper(var.api_key)
  sensitive = true
}

output "plain" {
  value = "visible"
}
"""


def _project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "main.hcl").write_text(_PROJECT + extra)
    return tmp_path


def _env() -> dict[str, str]:
    return {"FNPLAN_VAR_api_key": SECRET}


def _assert_hidden(text: str) -> None:
    for secret in _DERIVED:
        assert secret not in text, f"{secret!r} shown in:\n{text}"


def test_plan_text_hides_every_value_derived_from_a_sensitive_variable(
    fnplan: Runner, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    plan = fnplan("plan", cwd=project, env=_env())
    _assert_hidden(plan.stdout + plan.stderr)
    assert "(sensitive value)" in plan.stdout
    as_json = fnplan("plan", "--json", cwd=project, env=_env()).stdout
    assert SECRET.upper() in as_json  # machine-readable plans keep clear values, as Terraform's


def test_outputs_listing_and_show_hide_sensitive_values(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(tmp_path)
    applied = fnplan("apply", "--auto-approve", cwd=project, env=_env())
    _assert_hidden(applied.stdout + applied.stderr)
    listing = fnplan("output", cwd=project, env=_env()).stdout
    assert "token = (sensitive)" in listing and 'plain = "visible"' in listing
    _assert_hidden(listing)
    _assert_hidden(fnplan("output", "token", cwd=project, env=_env()).stdout)
    raw = fnplan("output", "--raw", "token", cwd=project, env=_env()).stdout
    assert raw.strip() == SECRET.upper()
    as_json = json.loads(fnplan("output", "--json", cwd=project, env=_env()).stdout)
    assert as_json["token"]["value"] == SECRET.upper()
    for args in (("show",), ("show", "--json"), ("state", "show", "workflow.call")):
        _assert_hidden(fnplan(*args, cwd=project, env=_env()).stdout)
    state = (project / ".fnplan" / "state.json").read_text()
    assert SECRET.upper() in state
    document = json.loads(state)["resources"]["workflow.call"]["attributes"]["document"]
    assert SECRET.lower() in document["sensitive_values"]
    assert SECRET in document["sensitive_values"]
    assert SECRET.upper() in document["sensitive_values"]  # the called function's env


def test_an_output_derived_from_a_sensitive_value_must_be_declared_sensitive(
    fnplan: Runner, tmp_path: Path
) -> None:
    project = _project(tmp_path, 'output "leak" {\n  value = "k=${var.api_key}"\n}\n')
    result = fnplan("validate", cwd=project, env=_env(), check=None)
    assert_clean_error(
        result,
        "Output refers to sensitive values",
        f"main.hcl:{_PROJECT.count(chr(10)) + 2}:11",
        "sensitive = true",
    )
    _assert_hidden(result.stdout + result.stderr)


def test_errors_never_show_a_sensitive_value(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(tmp_path, 'output "n" {\n  value = tonumber(var.api_key)\n}\n')
    result = fnplan("validate", cwd=project, env=_env(), check=None)
    assert_clean_error(result, "must be a number")
    _assert_hidden(result.stdout + result.stderr)
    (project / "main.hcl").write_text(
        _PROJECT.replace(
            "sensitive = true\n}",
            "sensitive = true\n  validation {\n    condition     = length(var.api_key) < 5\n"
            '    error_message = "too long: ${var.api_key}"\n  }\n}',
            1,
        )
    )
    result = fnplan("validate", cwd=project, env=_env(), check=None)
    assert_clean_error(result, "invalid value for variable 'api_key'")
    _assert_hidden(result.stdout + result.stderr)


def test_file_functions_refuse_run_time_paths(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "main.hcl").write_text(
        _PROJECT.replace("input    = {", "input    = { f = file(input.path),", 1)
    )
    line = _PROJECT.splitlines().index(
        '    input    = { auth = "${var.api_key}-${try(input.name, "")}" }'
    )
    result = fnplan("validate", cwd=project, env=_env(), check=None)
    assert_clean_error(result, f"main.hcl:{line + 1}:", "file() reads files at plan time only")
