"""`data` blocks read existing objects through their provider (here the local provider's
`local_file`) so that resources and outputs can use them without owning them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error, run_fnplan

CONFIG = """
data "local_file" "greeting" {
  path = "config/greeting.txt"
}

runtime "python" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
  env = {
    GREETING = trimspace(data.local_file.greeting.content)
  }
}

output "greeting_sha256" {
  value = data.local_file.greeting.sha256
}
"""


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


@pytest.fixture
def project(tmp_path: Path) -> Path:
    code = tmp_path / "functions" / "hello"
    code.mkdir(parents=True)
    (code / "main.py").write_text("def handler(event, context):\n    return {}\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "greeting.txt").write_text("hello\n")
    (tmp_path / "main.hcl").write_text(CONFIG)
    return tmp_path


def _env(fnplan: Runner, project: Path) -> dict[str, str]:
    shown = json.loads(fnplan("state", "show", "function.hello", cwd=project).stdout)
    env: dict[str, str] = shown["attributes"]["env"]
    return env


def test_a_data_value_flows_into_a_resource_and_an_output(fnplan: Runner, project: Path) -> None:
    shown = fnplan("plan", cwd=project).stdout
    assert "<= reading data.local_file.greeting" in shown
    assert '"GREETING": "hello"' in shown
    fnplan("apply", "--auto-approve", cwd=project)
    assert _env(fnplan, project) == {"GREETING": "hello"}
    sha = fnplan("output", "greeting_sha256", cwd=project).stdout.strip()
    assert sha == hashlib.sha256(b"hello\n").hexdigest()
    assert fnplan("plan", "--detailed-exitcode", cwd=project, check=None).returncode == 0
    # the file changes: the next plan reads it again (no cached configuration is reused)
    (project / "config" / "greeting.txt").write_text("bonjour\n")
    changed = fnplan("plan", "--detailed-exitcode", cwd=project, check=None)
    assert changed.returncode == 2
    assert '"bonjour"' in changed.stdout
    fnplan("apply", "--auto-approve", cwd=project)
    assert _env(fnplan, project) == {"GREETING": "bonjour"}


@pytest.mark.parametrize(
    ("block", "fragments"),
    [
        (
            'data "local_fil" "x" {\n  path = "a.txt"\n}\n',
            ["extra.hcl:1:6", "provider local has no data source 'local_fil'", "local_file"],
        ),
        (
            'data "local_file" "x" {\n  path = "a.txt"\n  mode = "r"\n}\n',
            ["extra.hcl:3:3", "unknown argument 'mode'", "allowed: path, provider"],
        ),
        (
            'data "local_file" "x" {\n}\n',
            ["extra.hcl:1:1", "missing the required argument(s) 'path'"],
        ),
        (
            'data "local_file" "x" {\n  path = "../outside.txt"\n}\n',
            ["extra.hcl:1:1", "data.local_file.x", "outside the project directory"],
        ),
        (
            'data "local_file" "x" {\n  path = ".fnplan/state.json"\n}\n',
            ["extra.hcl:1:1", "inside .fnplan/"],
        ),
        (
            'data "local_file" "x" {\n  path = "nope.txt"\n}\n',
            ["extra.hcl:1:1", "'nope.txt' does not exist"],
        ),
        (
            'output "x" {\n  value = data.local_file.greeting.sha512\n}\n',
            ["extra.hcl:2:35", "has no attribute 'sha512'", "sha256"],
        ),
        (
            'output "x" {\n  value = data.local_file.greting.sha256\n}\n',
            ["extra.hcl:2:26", "unknown data 'local_file' block 'greting'"],
        ),
        (
            'data "unknown_thing" "x" {\n}\n',
            ["extra.hcl:1:1", "unknown provider 'unknown'"],
        ),
    ],
)
def test_data_block_mistakes_are_validate_errors(
    fnplan: Runner, project: Path, block: str, fragments: list[str]
) -> None:
    (project.parent / "outside.txt").write_text("secret")
    (project / "extra.hcl").write_text(block)
    assert_clean_error(fnplan("validate", cwd=project, check=None), *fragments)


def test_data_blocks_in_yaml(fnplan: Runner, project: Path) -> None:
    """YAML writes the two labels as two mapping levels: data: {TYPE: {NAME: {...}}}."""
    (project / "main.hcl").unlink()
    (project / "main.fnplan.yaml").write_text(
        "data:\n  local_file:\n    greeting:\n      path: config/greeting.txt\n"
        "runtime:\n  python:\n    language: python3.12\n"
        "function:\n  hello:\n    runtime: ${runtime.python}\n    source: ./functions/hello\n"
        "    env:\n      GREETING: ${data.local_file.greeting.content}\n"
    )
    plan = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    assert plan["reads"] == ["data.local_file.greeting"]
    hello = next(c for c in plan["changes"] if c["address"] == "function.hello")
    assert hello["resource"]["attributes"]["env"] == {"GREETING": "hello\n"}
