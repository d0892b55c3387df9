"""`lifecycle { ignore_changes, prevent_destroy, create_before_destroy }`, through the CLI on
the local provider."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import assert_clean_error
from tests.cli.conftest import run_fnplan as fnplan
from tests.plan.lifecycle_project import actions, plan_json, write_project

EVENT_FILE = Path(".fnplan/local/events/test.uploaded.json")


def _edit_in_console(project: Path) -> None:
    """Change the deployed event's `source` outside fnplan, as a console edit would."""
    path = project / EVENT_FILE
    entry = json.loads(path.read_text())
    entry["source"] = "console"
    path.write_text(json.dumps(entry))


def test_ignore_changes_keeps_drift_out_of_the_plan(tmp_path: Path) -> None:
    project = write_project(tmp_path, event="  lifecycle {\n    ignore_changes = [source]\n  }")
    fnplan("apply", "--auto-approve", cwd=project)
    _edit_in_console(project)

    result = fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    assert "Changed outside fnplan" not in result.stdout
    fnplan("apply", "--auto-approve", cwd=project)
    assert json.loads((project / EVENT_FILE).read_text())["source"] == "console"

    write_project(tmp_path)  # without the lifecycle block the edit is reverted
    result = fnplan("plan", "--detailed-exitcode", cwd=project, check=2)
    assert "Changed outside fnplan" in result.stdout
    assert actions(plan_json(project)) == {"event.uploaded": "update"}


def test_ignore_changes_keeps_a_configuration_edit_out(tmp_path: Path) -> None:
    lifecycle = "  lifecycle {\n    ignore_changes = [env.MODE]\n  }"
    project = write_project(tmp_path, function=lifecycle)
    fnplan("apply", "--auto-approve", cwd=project)
    main = project / "main.hcl"
    main.write_text(main.read_text().replace('MODE = "a"', 'MODE = "b"'))

    # neither the function nor the workflow pinning its version changes
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    main.write_text(main.read_text().replace("ignore_changes = [env.MODE]", ""))
    assert actions(plan_json(project)) == {"function.f": "update", "workflow.w": "update"}


def test_ignore_changes_all(tmp_path: Path) -> None:
    project = write_project(tmp_path, event='  lifecycle {\n    ignore_changes = "all"\n  }')
    fnplan("apply", "--auto-approve", cwd=project)
    main = project / "main.hcl"
    main.write_text(main.read_text().replace('source = "a"', 'source = "b"'))
    _edit_in_console(project)
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_unknown_ignore_changes_attribute_is_an_error_at_its_place(tmp_path: Path) -> None:
    project = write_project(tmp_path, event="  lifecycle {\n    ignore_changes = [sorce]\n  }")
    result = fnplan("validate", cwd=project, check=None)
    assert_clean_error(
        result, "main.hcl:16:23", "event has no attribute 'sorce'", "did you mean 'source'?"
    )


def test_prevent_destroy_refuses_destroy_and_replacement(tmp_path: Path) -> None:
    project = write_project(tmp_path, function="  lifecycle {\n    prevent_destroy = true\n  }")
    fnplan("apply", "--auto-approve", cwd=project)

    destroy = fnplan("destroy", "--auto-approve", cwd=project, check=None)
    assert_clean_error(destroy, "main.hcl:9:3", "function.f has lifecycle.prevent_destroy set")
    replace = fnplan("plan", "--replace", "function.f", cwd=project, check=None)
    assert_clean_error(replace, "main.hcl:9:3", "would replace it")
    assert (project / ".fnplan/local/functions/function.f").is_dir()


def test_prevent_destroy_refuses_removing_the_block(tmp_path: Path) -> None:
    project = write_project(tmp_path, event="  lifecycle {\n    prevent_destroy = true\n  }")
    fnplan("apply", "--auto-approve", cwd=project)
    main = project / "main.hcl"
    text = main.read_text()
    start = text.index('event "uploaded"')
    main.write_text(text[:start] + text[text.index('workflow "w"') :])

    result = fnplan("plan", cwd=project, check=None)
    assert_clean_error(
        result,
        "event.uploaded has lifecycle.prevent_destroy set (as recorded",
        "not in configuration",
    )
    fnplan("state", "rm", "event.uploaded", cwd=project)
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_replacement_on_the_local_provider_is_destroy_first(tmp_path: Path) -> None:
    """Local objects live under their address: a new one cannot be made beside the old."""
    project = write_project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    plan = plan_json(project, "--replace", "function.f")
    (change,) = [c for c in plan["changes"] if c["address"] == "function.f"]
    assert change["action"] == "replace" and not change["create_before_destroy"]
    fnplan("apply", "--auto-approve", "--replace", "function.f", cwd=project)
    assert (project / ".fnplan/local/functions/function.f").is_dir()
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)

    write_project(tmp_path, function="  lifecycle {\n    create_before_destroy = true\n  }")
    result = fnplan("plan", "--replace", "function.f", cwd=project, check=None)
    assert_clean_error(
        result, "main.hcl:9:3", "function.f cannot be replaced create-before-destroy"
    )
