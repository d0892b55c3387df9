"""Deposed objects, on netsim through the CLI: the old object of a create-before-destroy
replacement whose delete fails, or whose apply is killed before the delete, is recorded as
deposed; the next plan deletes it and then nothing of it is left in the simulated cloud."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from fnplan.providers.netsim import cloud_objects

from tests.cli.conftest import run_fnplan as fnplan
from tests.cli.conftest import user_environment
from tests.providers.netsim.conftest import ADDRESSES, objects, write_project

NEW_TYPE = "com.example.greeted.v2"


def _project(tmp_path: Path) -> Path:
    """The netsim project, applied, then its event's type changed: a replacement, created
    first because the trigger depends on the event."""
    project = write_project(tmp_path / "project", 'provider "netsim" {\n  latency_ms = 5\n}\n')
    fnplan("apply", "--auto-approve", cwd=project)
    main = project / "main.hcl"
    main.write_text(main.read_text().replace('"com.example.greeted"', f'"{NEW_TYPE}"'))
    plan = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    (event,) = [c for c in plan["changes"] if c["address"] == "event.greeted"]
    assert event["action"] == "replace" and event["create_before_destroy"]
    return project


def _events(project: Path) -> list[dict[str, Any]]:
    root = project / ".fnplan" / "netsim"
    return [obj for obj in cloud_objects(root) if obj["type"] == "event"]


def _deposed(project: Path) -> dict[str, Any]:
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    deposed: dict[str, Any] = state.get("deposed", {})
    return deposed


def _next_plan_deletes_the_deposed_object_and_nothing_is_left(project: Path) -> None:
    plan = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    changes = [c for c in plan["changes"] if c["action"] != "noop"]
    assert [(c["address"], c["action"], bool(c["deposed"])) for c in changes] == [
        ("event.greeted", "delete", True)
    ]
    text = fnplan("plan", cwd=project).stdout
    key = changes[0]["deposed"]
    assert f"- event.greeted (deposed object {key}) will be deleted" in text

    fnplan("apply", "--auto-approve", cwd=project)
    assert [event["spec"]["type"] for event in _events(project)] == [NEW_TYPE]
    assert sorted(objects(project / ".fnplan" / "netsim")) == ADDRESSES
    assert _deposed(project) == {}
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_a_failed_delete_of_the_old_object_leaves_it_deposed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    failing = {"FNPLAN_NETSIM_FAULTS": "delete:event.greeted=fail"}
    result = fnplan("apply", "--auto-approve", cwd=project, env=failing, check=1)
    assert "event.greeted" in result.stdout + result.stderr
    assert len(_events(project)) == 2  # the new event, and the old one still there
    assert len(_deposed(project)) == 1

    _next_plan_deletes_the_deposed_object_and_nothing_is_left(project)


def test_an_apply_killed_between_create_and_delete_leaves_it_deposed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    root = project / ".fnplan" / "netsim"
    apply = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "apply", "--auto-approve"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=user_environment({"FNPLAN_NETSIM_FAULTS": "delete:event.greeted=hang"}),
    )
    marker = root / "hanging-delete-event.greeted"
    deadline = time.monotonic() + 60
    while not marker.exists():  # the new event exists: the old one's delete has begun
        assert apply.poll() is None, "apply ended before the delete"
        assert time.monotonic() < deadline, "no hang marker after 60 s"
        time.sleep(0.02)
    os.kill(apply.pid, signal.SIGKILL)
    apply.wait()
    marker.unlink()
    assert len(_events(project)) == 2

    _next_plan_deletes_the_deposed_object_and_nothing_is_left(project)
