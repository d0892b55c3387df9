"""Import and data blocks on netsim, a provider with server-assigned ids: a second project
adopts the objects a first one deployed into a shared simulated cloud, by their ids, and
reads one of them through the `netsim_object` data source."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Runner, assert_clean_error
from tests.providers.netsim.conftest import ADDRESSES, fnplan, objects, write_project

__all__ = ["fnplan"]  # the fixture

SHARED_CLOUD = 'provider "netsim" {\n  root = "../cloud"\n  consistency_ms = 0\n}\n'


def test_a_project_adopts_another_ones_objects_by_id(fnplan: Runner, tmp_path: Path) -> None:
    first = write_project(tmp_path / "first", SHARED_CLOUD)
    fnplan("apply", "--auto-approve", cwd=first)
    cloud = tmp_path / "cloud"
    deployed = objects(cloud)
    second = write_project(tmp_path / "second", SHARED_CLOUD)
    hello = deployed["function.hello"]["id"]
    runtime = deployed["runtime.python"]["id"]
    assert_clean_error(
        fnplan("apply", "--auto-approve", cwd=second, check=None),
        f"fnplan import runtime.python {runtime}",
    )

    blocks = "".join(
        f'import {{\n  to = {address}\n  id = "{deployed[address]["id"]}"\n}}\n\n'
        for address in ADDRESSES
    )
    (second / "imports.hcl").write_text(
        blocks + f'data "netsim_object" "hello" {{\n  id = "{hello}"\n}}\n\n'
        'output "hello_arn" {\n  value = data.netsim_object.hello.arn\n}\n'
    )
    shown = fnplan("plan", cwd=second).stdout
    assert "<= reading data.netsim_object.hello" in shown
    assert "function.hello will be imported" in shown
    assert "Plan: 6 to import, 0 to add" in shown
    fnplan("apply", "--auto-approve", cwd=second)
    assert (
        fnplan("output", "hello_arn", cwd=second).stdout.strip()
        == deployed["function.hello"]["arn"]
    )
    assert fnplan("plan", "--detailed-exitcode", cwd=second, check=None).returncode == 0
    adopted = objects(cloud)
    assert {a: o["id"] for a, o in adopted.items()} == {a: o["id"] for a, o in deployed.items()}
    assert sorted(fnplan("state", "list", cwd=second).stdout.split()) == ADDRESSES


def test_fnplan_import_on_netsim_and_its_errors(fnplan: Runner, tmp_path: Path) -> None:
    first = write_project(tmp_path / "first", SHARED_CLOUD)
    fnplan("apply", "--auto-approve", cwd=first)
    deployed = objects(tmp_path / "cloud")
    second = write_project(tmp_path / "second", SHARED_CLOUD)
    workflow = deployed["workflow.greet"]["id"]
    assert_clean_error(
        fnplan("import", "function.hello", workflow, cwd=second, check=None),
        f"cannot import '{workflow}' as function.hello",
        "is a workflow, not a function",
    )
    fnplan("import", "workflow.greet", workflow, cwd=second)
    shown = fnplan("state", "show", "workflow.greet", cwd=second).stdout
    assert workflow in shown
