"""A sensitive variable used in shell steps' env stays out of everything a run writes and
prints (masked `***`), shell steps see only their declared env, and a value no process
environment can hold fails its step clearly, end to end."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan

SECRET = "SuperSecretKey123"
CALLER_SECRET = "unrelated-secret-value"
WHOAMI = """
import os


def handler(event, context):
    print("api is " + os.environ["API"])
    return {"api": os.environ["API"]}
"""
CONFIG = """
variable "api_key" {
  type      = string
  sensitive = true
}

runtime "python" {
  language = "python3.12"
}

function "whoami" {
  runtime = runtime.python
  source  = "./functions/whoami"
  handler = "main.handler"
  env     = { API = var.api_key }
}

workflow "show" {
  step "show" {
    shell {
      script = "echo \\"key=$TOKEN upper=$UPPER\\"; echo \\"bearer $TOKEN\\" >&2; env"
      env = {
        TOKEN = var.api_key
        UPPER = upper(var.api_key)
      }
    }
  }
  output = step.show.output.stdout
}

workflow "echo" {
  step "echo" {
    shell {
      script = "printf %s \\"$V\\""
      env    = { V = input.v }
    }
  }
}

workflow "fail" {
  step "fail" {
    shell {
      script = "echo \\"failing with $TOKEN\\" >&2; exit 3"
      env = {
        TOKEN = "Bearer ${var.api_key}"
      }
    }
  }
}
"""


ENV = {"FNPLAN_VAR_api_key": SECRET, "SECRET_X": CALLER_SECRET}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sensitive")
    (root / "main.hcl").write_text(CONFIG)
    (root / "functions" / "whoami").mkdir(parents=True)
    (root / "functions" / "whoami" / "main.py").write_text(WHOAMI)
    run_fnplan("apply", "--auto-approve", cwd=root, env=ENV)
    return root


def test_sensitive_values_are_masked_in_run_output_logs_and_captures(project: Path) -> None:
    tmp_path, env = project, ENV

    shown = run_fnplan("run", "show", cwd=tmp_path, env=env)
    stdout = json.loads(shown.stdout)
    assert stdout.startswith("key=*** upper=***\n")
    names = {line.partition("=")[0] for line in stdout.splitlines()}
    assert "TOKEN" in names and "UPPER" in names
    assert not names & {"FNPLAN_VAR_api_key", "SECRET_X"}  # only what the step declares
    failed = run_fnplan("run", "fail", cwd=tmp_path, env=env, check=None)
    assert_clean_error(failed, "failed at step 'fail'", "failing with ***")
    logs = run_fnplan("logs", "show", "--json", cwd=tmp_path, env=env)
    assert "***" in logs.stdout
    invoked = run_fnplan("invoke", "whoami", cwd=tmp_path, env=env)
    assert json.loads(invoked.stdout) == {"api": "***"}
    stdout_file = tmp_path / ".fnplan" / "runs" / "whoami"
    assert [p.read_text() for p in stdout_file.rglob("*.stdout")] == ["api is ***\n"]

    printed = "".join(result.stdout + result.stderr for result in (shown, failed, logs, invoked))
    runs = tmp_path / ".fnplan" / "runs"
    written = b"".join(path.read_bytes() for path in runs.rglob("*") if path.is_file())
    for value in (SECRET, SECRET.upper(), CALLER_SECRET):
        assert value not in printed
        assert value.encode() not in written
    for path in [runs, *runs.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_nul_byte_for_a_process_environment_fails_the_step_clearly(project: Path) -> None:
    value = json.dumps({"v": "a\u0000b"})
    result = run_fnplan("run", "echo", "--input", value, cwd=project, env=ENV, check=None)
    assert_clean_error(result, "failed at step 'echo': InvalidEnvironment", "NUL byte")
    assert "bug in fnplan" not in result.stderr
