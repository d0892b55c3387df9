"""A saved plan carries the code of every version it publishes, and `apply PLAN` deploys
exactly those bytes, however the source changed since."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from fnplan.compile.sources import SourceHasher
from tests.cli.conftest import Runner, assert_clean_error


def _function_record(project: Path, address: str) -> dict:
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    record: dict = state["resources"][address]
    return record


def test_apply_of_a_saved_plan_publishes_the_planned_code(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    code = quickstart / "functions" / "resize" / "main.py"
    original = code.read_text()
    first, second = original + "\n# first edit\n", original + "\n# second edit\n"
    code.write_text(first)
    fnplan("plan", "--out", "change.plan", cwd=quickstart)
    saved = quickstart / "change.plan"
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        assert names[0] == "plan.json"
        assert json.loads(archive.read("plan.json"))["format_version"] >= 1
    assert "function.resize" in fnplan("show", "change.plan", cwd=quickstart).stdout
    shown = json.loads(fnplan("show", "--json", "change.plan", cwd=quickstart).stdout)
    assert {c["address"] for c in shown["changes"] if c["action"] == "update"} >= {
        "function.resize"
    }

    code.write_text(second)
    fnplan("apply", str(saved), cwd=quickstart)

    record = _function_record(quickstart, "function.resize")
    deployed = Path(record["outputs"]["code"])
    assert (deployed / "main.py").read_text() == first
    assert SourceHasher(None).source_hash(str(deployed)) == record["attributes"]["source_hash"]
    assert not (quickstart / ".fnplan" / "staged").exists(), "staged code is removed after apply"

    plan = json.loads(fnplan("plan", "--json", cwd=quickstart).stdout)
    code_changed = [
        c["address"] for c in plan["changes"] if any("code changed" in r for r in c["reasons"])
    ]
    assert code_changed == ["function.resize"]
    fnplan("apply", "--auto-approve", cwd=quickstart)
    record = _function_record(quickstart, "function.resize")
    assert (Path(record["outputs"]["code"]) / "main.py").read_text() == second
    fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)


def test_a_plan_without_new_code_stays_plain_json(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    fnplan("plan", "--destroy", "--out", "destroy.plan", cwd=quickstart)
    saved = json.loads((quickstart / "destroy.plan").read_text())
    assert saved["destroy"] is True
    fnplan("apply", "destroy.plan", cwd=quickstart)


def test_a_hostile_saved_plan_is_refused_before_anything_changes(
    fnplan: Runner, quickstart: Path
) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    code = quickstart / "functions" / "resize" / "main.py"
    code.write_text(code.read_text() + "\n# an edit\n")
    fnplan("plan", "--out", "change.plan", cwd=quickstart)
    saved = quickstart / "change.plan"
    with zipfile.ZipFile(saved) as archive:
        members = [(name, archive.read(name)) for name in archive.namelist()]
    with zipfile.ZipFile(saved, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
        archive.writestr("../../escaped.py", b"owned")
    state_before = (quickstart / ".fnplan" / "state.json").read_bytes()

    result = fnplan("apply", "change.plan", cwd=quickstart, check=None)
    assert_clean_error(result, "change.plan: not a valid saved plan", "../../escaped.py")
    assert not (quickstart.parent / "escaped.py").exists()
    assert (quickstart / ".fnplan" / "state.json").read_bytes() == state_before
    show = fnplan("show", "change.plan", cwd=quickstart, check=None)
    assert_clean_error(show, "not a valid saved plan")
