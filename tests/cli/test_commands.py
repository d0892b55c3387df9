"""The inspection and state commands, end to end on an applied quickstart."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error


@pytest.fixture
def applied(fnplan: Runner, quickstart: Path) -> Path:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    return quickstart


def test_show_output_and_state_views(fnplan: Runner, applied: Path) -> None:
    shown = fnplan("show", cwd=applied).stdout
    assert "workflow.thumbnail" in shown and "function.resize" in shown
    state = json.loads(fnplan("show", "--json", cwd=applied).stdout)
    assert "function.resize" in state["resources"]
    pulled = json.loads(fnplan("state", "pull", cwd=applied).stdout)
    assert pulled["lineage"] == state["lineage"]
    listed = fnplan("state", "list", "function.*", cwd=applied).stdout.split()
    assert "function.resize" in listed and all(a.startswith("function.") for a in listed)
    one = json.loads(fnplan("state", "show", "function.resize", cwd=applied).stdout)
    assert one["outputs"]["version_number"] == 1
    outputs = json.loads(fnplan("output", "--json", cwd=applied).stdout)
    assert outputs["environment"]["value"] == "dev"
    assert fnplan("output", "environment", cwd=applied).stdout.strip() == "dev"
    assert_clean_error(fnplan("output", "nope", cwd=applied, check=None), "nope")


def test_state_rm_forgets_and_the_next_plan_creates_again(fnplan: Runner, applied: Path) -> None:
    fnplan("state", "rm", "trigger.nightly", cwd=applied)
    assert "trigger.nightly" not in fnplan("state", "list", cwd=applied).stdout.split()
    plan = json.loads(fnplan("plan", "--json", cwd=applied).stdout)
    actions = {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}
    assert actions == {"trigger.nightly": "create"}
    assert_clean_error(
        fnplan("state", "show", "function.resiz", cwd=applied, check=None),
        "function.resiz",
        "did you mean",
    )


def test_state_mv_moves_the_local_object_with_the_record(fnplan: Runner, applied: Path) -> None:
    """The record and the deployed object move together (through the provider's move); a
    second move of the old address is refused, the state kept."""
    fnplan("state", "mv", "trigger.nightly", "trigger.renamed", cwd=applied)
    listed = fnplan("state", "list", cwd=applied).stdout.split()
    assert "trigger.renamed" in listed and "trigger.nightly" not in listed
    before = (applied / ".fnplan" / "state.json").read_bytes()
    again = fnplan("state", "mv", "trigger.nightly", "trigger.other", cwd=applied, check=None)
    assert_clean_error(again, "trigger.nightly")
    assert (applied / ".fnplan" / "state.json").read_bytes() == before


def test_graph_formats(fnplan: Runner, quickstart: Path) -> None:
    dot = fnplan("graph", cwd=quickstart).stdout
    assert dot.startswith("digraph") and '"function.resize" -> "workflow.thumbnail";' in dot
    mermaid = fnplan("graph", "--format", "mermaid", cwd=quickstart).stdout
    assert mermaid.startswith("flowchart LR")
    graph = json.loads(fnplan("graph", "--format", "json", cwd=quickstart).stdout)
    assert ["runtime.python", "function.fetch"] in graph["edges"]


def test_init_validate_and_version(fnplan: Runner, quickstart: Path) -> None:
    assert "provider local: ready" in fnplan("init", cwd=quickstart).stdout
    assert "Success!" in fnplan("validate", cwd=quickstart).stdout
    assert "provider local" in fnplan("version", cwd=quickstart).stdout


def test_version_flag_imports_no_cloud_sdk_or_engine(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fnplan", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    for heavy in ("boto3", "kubernetes", "pydantic", "rich", "networkx", "deepdiff"):
        assert heavy not in imported, f"`fnplan --version` imports {heavy}"


def test_targeted_plan_and_replace(fnplan: Runner, applied: Path) -> None:
    plan = json.loads(fnplan("plan", "--json", "--replace", "function.fetch", cwd=applied).stdout)
    actions = {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}
    assert actions["function.fetch"] == "replace"
    destroy = json.loads(
        fnplan("plan", "--json", "--destroy", "--target", "trigger.nightly", cwd=applied).stdout
    )
    actions = {c["address"]: c["action"] for c in destroy["changes"] if c["action"] != "noop"}
    assert actions == {"trigger.nightly": "delete"}
    assert_clean_error(
        fnplan("plan", "--target", "function.nope", cwd=applied, check=None), "function.nope"
    )


def test_force_unlock_removes_a_stale_lock(fnplan: Runner, applied: Path) -> None:
    lock = applied / ".fnplan" / "state.json.lock"
    lock.write_text(
        json.dumps(
            {
                "id": "0f0f0f0f-0000-4000-8000-000000000000",
                "operation": "apply",
                "who": "ci@elsewhere",
                "pid": 1,
                "host": "elsewhere",
                "created": "2026-01-01T00:00:00+00:00",
                "expires": "2026-01-01T00:00:30+00:00",
            }
        )
    )
    assert_clean_error(fnplan("plan", cwd=applied, check=None), "ci@elsewhere", "force-unlock")
    fnplan("force-unlock", "0f0f0f0f-0000-4000-8000-000000000000", cwd=applied)
    fnplan("plan", "--detailed-exitcode", cwd=applied, check=0)


def test_apply_asks_for_yes_on_a_terminal(quickstart: Path) -> None:
    """On a terminal apply shows the plan and waits for 'yes'; anything else cancels."""
    for answer, code in ((b"no\n", 1), (b"yes\n", 0)):
        pid, fd = pty.fork()
        if pid == 0:  # the child: fnplan on a pseudo-terminal
            os.chdir(quickstart)
            os.environ["NO_COLOR"] = "1"
            os.execv(sys.executable, [sys.executable, "-m", "fnplan", "apply"])
        output = _answer_prompt(fd, answer)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == code, output
        assert "Only 'yes' will be accepted" in output
    assert (quickstart / ".fnplan" / "state.json").exists()


def _answer_prompt(fd: int, answer: bytes) -> str:
    seen = b""
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"accepted" in seen:
            os.write(fd, answer)
            answered = True
    os.close(fd)
    return seen.decode(errors="replace")


def test_plan_output_hides_sensitive_variable_values(fnplan: Runner, tmp_path: Path) -> None:
    code = tmp_path / "functions" / "hello"
    code.mkdir(parents=True)
    (code / "main.py").write_text("def handler(event, context):\n    return {}\n")
    (tmp_path / "main.hcl").write_text(
        'variable "api_key" {\n  type      = string\n  sensitive = true\n}\n\n'
        'runtime "python" {\n  language = "python3.12"\n  env = {\n'
        '    API_KEY = var.api_key\n    AUTH    = "Bearer ${var.api_key}"\n  }\n}\n\n'
        'function "hello" {\n  runtime = runtime.python\n  source  = "./functions/hello"\n}\n'
    )
    shown = fnplan("plan", "--var", "api_key=s3cr3t-value", cwd=tmp_path).stdout
    assert "s3cr3t-value" not in shown
    assert "(sensitive value)" in shown and "Bearer" not in shown
    fnplan("apply", "--auto-approve", "--var", "api_key=s3cr3t-value", cwd=tmp_path)
    changed = fnplan("plan", "--var", "api_key=0ther-s3cret", cwd=tmp_path).stdout
    assert "s3cr3t-value" not in changed and "0ther-s3cret" not in changed
    assert "(sensitive value)" in changed
