"""A project on netsim through the real CLI: latency, eventual consistency, server-assigned
ids and versions, drift, foreign objects and injected faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fnplan.providers.netsim import edit_object
from fnplan.providers.netsim.cloud import Cloud

from tests.cli.conftest import Runner, assert_clean_error, user_environment

from .conftest import ADDRESSES, objects, write_project

SLOW_CLOUD = 'provider "netsim" {\n  latency_ms = 30\n  consistency_ms = 120000\n}\n'


def test_plan_apply_destroy_with_latency_and_consistency_delay(
    fnplan: Runner, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "project", SLOW_CLOUD)
    root = project / ".fnplan" / "netsim"
    fnplan("plan", "--detailed-exitcode", cwd=project, check=2)
    fnplan("apply", "--auto-approve", cwd=project)
    deployed = objects(root)
    assert sorted(deployed) == ADDRESSES
    assert all(obj["id"].startswith(obj["type"][:1]) for obj in deployed.values())

    # nothing is visible to reads yet: the plan must neither recreate nor forget anything
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    assert all(obj["visible_at"] > time.time() for obj in objects(root).values())
    assert objects(root) == deployed

    fnplan("destroy", "--auto-approve", cwd=project)
    assert objects(root) == {}
    fnplan("plan", "--detailed-exitcode", cwd=project, check=2)


def test_outputs_are_the_servers_and_a_code_change_publishes_version_2(
    fnplan: Runner, project: Path
) -> None:
    root = project / ".fnplan" / "netsim"
    fnplan("apply", "--auto-approve", cwd=project)
    before = objects(root)["function.hello"]
    shown = fnplan("state", "show", "function.hello", cwd=project).stdout
    assert before["id"] in shown and before["arn"] in shown

    (project / "functions" / "hello" / "main.py").write_text("def handler(e, c):\n    return 2\n")
    plan = fnplan("plan", cwd=project).stdout
    assert "function.hello will be updated" in plan
    fnplan("apply", "--auto-approve", cwd=project)
    after = objects(root)["function.hello"]
    assert after["id"] == before["id"]
    assert after["version_number"] == 2
    assert [v["number"] for v in after["versions"]] == [1, 2]
    assert "version_number" in fnplan("state", "show", "function.hello", cwd=project).stdout
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_an_edit_in_the_console_is_drift_that_apply_reverts(fnplan: Runner, project: Path) -> None:
    root = project / ".fnplan" / "netsim"
    fnplan("apply", "--auto-approve", cwd=project)
    edit_object(root, objects(root)["function.bye"]["id"], {"memory": 512})

    plan = fnplan("plan", "--detailed-exitcode", cwd=project, check=2).stdout
    assert "function.bye" in plan and "memory" in plan
    fnplan("apply", "--auto-approve", cwd=project)
    assert objects(root)["function.bye"]["spec"]["memory"] == 128
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_an_object_deleted_outside_is_created_again(fnplan: Runner, project: Path) -> None:
    root = project / ".fnplan" / "netsim"
    fnplan("apply", "--auto-approve", cwd=project)
    gone = objects(root)["event.greeted"]["id"]
    Cloud(root).delete(gone)

    plan = fnplan("plan", cwd=project).stdout
    assert "event.greeted will be created" in plan
    fnplan("apply", "--auto-approve", cwd=project)
    assert objects(root)["event.greeted"]["id"] != gone
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_an_object_another_configuration_created_is_refused_with_an_import_hint(
    fnplan: Runner, tmp_path: Path
) -> None:
    shared = 'provider "netsim" {\n  root = "../cloud"\n}\n'
    first = write_project(tmp_path / "first", shared)
    second = write_project(tmp_path / "second", shared)
    fnplan("apply", "--auto-approve", cwd=first)
    ids = {obj["id"] for obj in objects(tmp_path / "cloud").values()}

    result = fnplan("apply", "--auto-approve", cwd=second, check=None)
    assert_clean_error(result, "(not created by this configuration)", "fnplan import ")
    output = result.stdout + result.stderr
    assert any(f" {object_id}`" in output for object_id in ids), output
    assert {obj["id"] for obj in Cloud(tmp_path / "cloud").objects()} == ids


def test_an_injected_failure_fails_that_resource_and_the_next_apply_finishes(
    fnplan: Runner, project: Path
) -> None:
    root = project / ".fnplan" / "netsim"
    faults = {"FNPLAN_NETSIM_FAULTS": "create:function.bye=fail"}
    result = fnplan("apply", "--auto-approve", cwd=project, env=faults, check=None)
    assert_clean_error(result, "function.bye: main.hcl:15:1: injected fault: create failed")
    assert "function.bye" not in objects(root)

    fnplan("apply", "--auto-approve", cwd=project)
    assert sorted(objects(root)) == ADDRESSES
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_a_lost_answer_to_create_leaves_no_duplicate(fnplan: Runner, project: Path) -> None:
    root = project / ".fnplan" / "netsim"
    faults = {"FNPLAN_NETSIM_FAULTS": "create:function.*=lost"}
    result = fnplan("apply", "--auto-approve", cwd=project, env=faults, check=None)
    assert_clean_error(result, "injected fault: the answer to create was lost")
    assert {"function.bye", "function.hello"} <= set(objects(root))

    fnplan("apply", "--auto-approve", cwd=project)
    assert sorted(objects(root)) == ADDRESSES  # objects() refuses two objects per address
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_a_hanging_create_announces_itself_and_survives_kill_9(
    fnplan: Runner, project: Path
) -> None:
    root = project / ".fnplan" / "netsim"
    apply = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "apply", "--auto-approve"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=user_environment({"FNPLAN_NETSIM_FAULTS": "create:function.bye=hang"}),
    )
    marker = root / "hanging-create-function.bye"
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert apply.poll() is None, "apply ended before hanging"
        assert time.monotonic() < deadline, "no hang marker after 60 s"
        time.sleep(0.02)
    assert marker.read_text().strip() == str(apply.pid)
    os.kill(apply.pid, signal.SIGKILL)
    apply.wait()

    marker.unlink()
    fnplan("apply", "--auto-approve", cwd=project)
    assert sorted(objects(root)) == ADDRESSES
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_a_bad_provider_setting_is_a_clean_error(fnplan: Runner, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", 'provider "netsim" {\n  latency_ms = -5\n}\n')
    assert_clean_error(fnplan("plan", cwd=project, check=None), "latency_ms")


def test_a_malformed_fault_rule_is_a_clean_error(fnplan: Runner, project: Path) -> None:
    result = fnplan(
        "apply", "--auto-approve", cwd=project, env={"FNPLAN_NETSIM_FAULTS": "boom"}, check=None
    )
    assert_clean_error(result, "netsim fault 'boom' is not OP:ADDRESS=ACTION")
