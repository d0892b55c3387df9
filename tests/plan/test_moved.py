"""`moved { from, to }` blocks through the CLI on the local provider: the plan shows the move
and no destroy or create, apply moves the stored object with its record, mistakes are
errors at the block."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import assert_clean_error
from tests.cli.conftest import run_fnplan as fnplan
from tests.plan.lifecycle_project import plan_json, state_of, write_project

MOVED_F_TO_G = "\nmoved {\n  from = function.f\n  to   = function.g\n}\n"
STORE = Path(".fnplan/local")


def _rename_function(project: Path, moved: str = MOVED_F_TO_G, new: str = "g") -> None:
    main = project / "main.hcl"
    text = main.read_text().replace('function "f"', f'function "{new}"')
    main.write_text(text.replace("function = function.f", f"function = function.{new}") + moved)


def test_a_moved_block_renames_without_destroy_or_create(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    _rename_function(project)

    text = fnplan("plan", cwd=project).stdout
    assert "function.f has moved to function.g" in text
    plan = plan_json(project)
    moved = {c["address"]: c["moved_from"] for c in plan["changes"] if c["moved_from"]}
    assert moved == {"function.g": "function.f"}
    actions = {c["address"]: c["action"] for c in plan["changes"]}
    assert "function.f" not in actions
    assert actions["function.g"] == "update"  # its name is part of it
    assert plan["summary"]["add"] == plan["summary"]["destroy"] == 0

    fnplan("apply", "--auto-approve", cwd=project)
    assert set(state_of(project)["resources"]) == {
        "runtime.python",
        "function.g",
        "event.uploaded",
        "workflow.w",
    }
    assert (project / STORE / "functions/function.g").is_dir()
    assert not (project / STORE / "functions/function.f").exists()
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)  # the block may stay
    ran = fnplan("run", "w", "--input", '{"x": 1}', cwd=project)
    assert "succeeded" in ran.stdout + ran.stderr


def test_moved_block_mistakes_are_errors_at_the_block(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    main = project / "main.hcl"
    original = main.read_text()

    main.write_text(original + "\nmoved {\n  from = function.f\n  to   = function.f\n}\n")
    assert_clean_error(
        fnplan("validate", cwd=project, check=None), "main.hcl:27:10", "from and to are the same"
    )
    main.write_text(original + "\nmoved {\n  from = function.f\n  to   = event.x\n}\n")
    assert_clean_error(
        fnplan("validate", cwd=project, check=None),
        "cannot move function.f to event.x: a function stays a function",
    )
    main.write_text(original + MOVED_F_TO_G)
    assert_clean_error(fnplan("validate", cwd=project, check=None), "function.f is still declared")
    main.write_text(original)
    chain = MOVED_F_TO_G + "\nmoved {\n  from = function.g\n  to   = function.h\n}\n"
    _rename_function(project, chain, new="h")
    assert_clean_error(
        fnplan("validate", cwd=project, check=None),
        "moved blocks form a chain: function.f -> function.g -> function.h",
        "write one moved block from function.f to function.h",
    )


def test_a_move_onto_a_recorded_address_is_refused(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    main = project / "main.hcl"
    both = main.read_text() + (
        '\nfunction "g" {\n  runtime = runtime.python\n  source  = "./functions/f"\n}\n'
    )
    main.write_text(both)
    fnplan("apply", "--auto-approve", cwd=project)
    start = both.index('function "f"')
    without_f = both[:start] + both[both.index('event "uploaded"') :]
    main.write_text(without_f.replace("function.f", "function.g") + MOVED_F_TO_G)

    result = fnplan("plan", cwd=project, check=None)
    assert_clean_error(
        result, "cannot move function.f to function.g: function.g already exists in the state"
    )
    assert (project / STORE / "functions/function.f").is_dir()


def test_state_mv_moves_the_local_object_with_its_record(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    moved = fnplan("state", "mv", "function.f", "function.g", cwd=project)
    assert "Moved function.f to function.g." in moved.stdout
    assert (project / STORE / "functions/function.g").is_dir()
    assert not (project / STORE / "functions/function.f").exists()

    _rename_function(project, moved="")
    plan = plan_json(project)
    actions = {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}
    assert actions == {"function.g": "update", "workflow.w": "update"}  # names, no recreate
    fnplan("apply", "--auto-approve", cwd=project)
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_a_moved_workflow_takes_its_dedicated_copies(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    main = project / "main.hcl"
    main.write_text(
        main.read_text().replace('workflow "w" {', 'workflow "w" {\n  isolation = "dedicated"')
    )
    fnplan("apply", "--auto-approve", cwd=project)
    text = main.read_text().replace('workflow "w" {', 'workflow "v" {')
    main.write_text(text + "\nmoved {\n  from = workflow.w\n  to   = workflow.v\n}\n")

    shown = fnplan("plan", cwd=project).stdout
    assert "# workflow.w has moved to workflow.v" in shown  # and its name changes
    assert "-> workflow.w.function.f has moved to workflow.v.function.f" in shown  # nothing else
    fnplan("apply", "--auto-approve", cwd=project)
    assert sorted(p.name for p in (project / STORE / "functions").iterdir()) == [
        "function.f",
        "workflow.v.function.f",
    ]
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
