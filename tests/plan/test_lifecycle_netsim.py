"""`lifecycle` on netsim (objects with server-assigned ids, replaced by type changes):
create_before_destroy decides the replacement order; ignore_changes keeps a console edit."""

from __future__ import annotations

import json
from pathlib import Path

from fnplan.providers.netsim import cloud_objects, edit_object

from tests.cli.conftest import run_fnplan as fnplan
from tests.providers.netsim.conftest import write_project

PROVIDER = 'provider "netsim" {\n  latency_ms = 5\n}\n'


def _order(project: Path, address: str) -> bool:
    plan = json.loads(fnplan("plan", "--json", "--replace", address, cwd=project).stdout)
    (change,) = [c for c in plan["changes"] if c["address"] == address]
    assert change["action"] == "replace"
    return bool(change["create_before_destroy"])


def _add_lifecycle(project: Path, block: str, lines: str) -> None:
    main = project / "main.hcl"
    text = main.read_text()
    start = text.index(block)
    end = text.index("\n}\n", start)
    main.write_text(text[:end] + f"\n  lifecycle {{\n{lines}\n  }}" + text[end:])


def test_create_before_destroy_overrides_the_planners_choice(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", PROVIDER)
    fnplan("apply", "--auto-approve", cwd=project)
    assert _order(project, "event.greeted")  # the trigger depends on it
    assert not _order(project, "trigger.on_greeted")  # nothing depends on it

    _add_lifecycle(project, 'event "greeted"', "    create_before_destroy = false")
    _add_lifecycle(project, 'trigger "on_greeted"', "    create_before_destroy = true")
    assert not _order(project, "event.greeted")
    assert _order(project, "trigger.on_greeted")
    fnplan("apply", "--auto-approve", "--replace", "trigger.on_greeted", cwd=project)
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    root = project / ".fnplan" / "netsim"
    assert len([obj for obj in cloud_objects(root) if obj["type"] == "trigger"]) == 1


def test_ignore_changes_keeps_an_edit_made_in_the_console(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", PROVIDER)
    fnplan("apply", "--auto-approve", cwd=project)
    root = project / ".fnplan" / "netsim"
    (event,) = [obj for obj in cloud_objects(root) if obj["type"] == "event"]
    edit_object(root, event["id"], {**event["spec"], "source": "console"})
    assert fnplan("plan", "--detailed-exitcode", cwd=project, check=2)

    _add_lifecycle(project, 'event "greeted"', "    ignore_changes = [source]")
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
