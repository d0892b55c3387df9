"""Saved plans that carry code: the archive round trip, and hostile archives refused before
anything is written (traversing names, bombs, forged hashes)."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from fnplan.compile.sources import SourceHasher
from fnplan.errors import PlanError
from fnplan.plan import archive as archive_module
from fnplan.plan.archive import PlanArchive
from fnplan.plan.code import CodeFile, tree_hash
from fnplan.plan.planner import make_plan
from fnplan.plan.saved import load_plan, open_saved_plan, save_plan
from fnplan.plan.staging import StagedCode
from tests.plan.helpers import desired, res, state_of


def _source(root: Path) -> Path:
    source = root / "src"
    (source / "pkg").mkdir(parents=True)
    (source / "main.py").write_text("def handler(event, context):\n    return 1\n")
    (source / "pkg" / "util.py").write_text("X = 1\n")
    (source / "run.sh").write_text("#!/bin/sh\n")
    (source / "run.sh").chmod(0o755)
    return source


def _plan_with_code(tmp_path: Path) -> tuple[Path, Path]:
    source = _source(tmp_path)
    function = res(
        "function.f",
        source=str(source),
        source_hash=SourceHasher(None).source_hash(str(source)),
    )
    path = tmp_path / "code.plan"
    save_plan(make_plan(desired(function), state_of()), path)
    return path, source


def test_round_trip_stages_the_exact_bytes(tmp_path: Path) -> None:
    path, source = _plan_with_code(tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert names[0] == "plan.json" and names[-1] == "code.json"
    assert len([n for n in names if n.startswith("blobs/")]) == 3
    (source / "main.py").write_text("changed after planning\n")

    plan, opened = open_saved_plan(path)
    assert opened is not None and load_plan(path) == plan
    staged = StagedCode(tmp_path / ".fnplan")
    with opened:
        staged.from_archive(plan, opened)
    function = plan.changes[0].resource
    assert function is not None
    handed = staged.handed(function)
    copy = Path(handed.attributes["source"])
    assert (copy / "main.py").read_text() == "def handler(event, context):\n    return 1\n"
    assert (copy / "run.sh").stat().st_mode & 0o100
    assert SourceHasher(None).source_hash(str(copy)) == function.attributes["source_hash"]
    staged.remove()
    assert not (tmp_path / ".fnplan" / "staged").exists()


def test_code_changed_while_saving_is_refused(tmp_path: Path) -> None:
    source = _source(tmp_path)
    function = res("function.f", source=str(source), source_hash="sha256:" + "1" * 64)
    path = tmp_path / "code.plan"
    with pytest.raises(PlanError, match="code changed after it was planned"):
        save_plan(make_plan(desired(function), state_of()), path)
    assert list(tmp_path.glob("*.plan*")) == []


Members = list[tuple[str, bytes]]


def _rewrite(path: Path, members: Members) -> None:
    with zipfile.ZipFile(path, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names we write
        for name, data in members:
            archive.writestr(name, data)


def _members(path: Path) -> Members:
    with zipfile.ZipFile(path) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def _hostile_tree(path: Path, rel: str) -> None:
    """Replace the code of the plan by one file at `rel`, consistently hashed."""
    members = _members(path)
    data = b"owned\n"
    digest = hashlib.sha256(data).hexdigest()
    code = json.loads(dict(members)["code.json"])
    forged = [CodeFile(rel, digest)]
    code["trees"] = {tree_hash(forged): [{"path": rel, "sha256": digest, "executable": False}]}
    plan = json.loads(dict(members)["plan.json"])
    plan["changes"][0]["resource"]["attributes"]["source_hash"] = tree_hash(forged)
    _rewrite(
        path,
        [
            ("plan.json", json.dumps(plan).encode()),
            (f"blobs/{digest}", data),
            ("code.json", json.dumps(code).encode()),
        ],
    )


def _stage(path: Path, data_dir: Path) -> None:
    plan, opened = open_saved_plan(path)
    assert opened is not None
    with opened:
        StagedCode(data_dir).from_archive(plan, opened)


@pytest.mark.parametrize("rel", ["../../escaped.py", "/tmp/abs.py", "a/./b.py", "a\\..\\b.py"])
def test_a_file_path_leading_outside_is_refused(tmp_path: Path, rel: str) -> None:
    path, _ = _plan_with_code(tmp_path)
    _hostile_tree(path, rel)
    before = set(tmp_path.rglob("*"))
    with pytest.raises(PlanError, match="unsafe file path"):
        _stage(path, tmp_path / "project" / ".fnplan")
    written = set(tmp_path.rglob("*")) - before
    assert {p for p in written if p.is_file()} == set(), "nothing was staged"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: [("../evil", b"x"), *m], "its first member is not plan.json"),
        (lambda m: [*m, ("../../evil", b"x")], "unexpected member '../../evil'"),
        (lambda m: [*m, (m[1][0], b"again")], "appears twice"),
        (lambda m: [n for n in m if not n[0].startswith("blobs/")], "lacks the content"),
        (lambda m: [*m[:-1], ("code.json", b"{not json")], "code.json is damaged"),
    ],
)
def test_damaged_or_hostile_archives_are_refused(
    tmp_path: Path, edit: Callable[[Members], Members], message: str
) -> None:
    path, _ = _plan_with_code(tmp_path)
    members = edit(_members(path))
    _rewrite(path, members)
    with pytest.raises(PlanError, match=message):
        _stage(path, tmp_path / ".fnplan")


def test_a_blob_that_does_not_hash_to_its_name_is_refused(tmp_path: Path) -> None:
    path, _ = _plan_with_code(tmp_path)
    members = [
        (name, b"tampered\n" if name.startswith("blobs/") else data)
        for name, data in _members(path)
    ]
    _rewrite(path, members)
    with pytest.raises(PlanError, match="does not hash to its name"):
        _stage(path, tmp_path / ".fnplan")


def test_size_limits_are_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _plan_with_code(tmp_path)
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 10)
    with pytest.raises(PlanError, match="larger than 10 bytes"):
        PlanArchive(path)
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 1 << 20)
    monkeypatch.setattr(archive_module, "MAX_TOTAL_BYTES", 100)
    with pytest.raises(PlanError, match="adds up to more than 100 bytes"):
        PlanArchive(path)
    monkeypatch.setattr(archive_module, "MAX_MEMBERS", 2)
    with pytest.raises(PlanError, match="at most 2"):
        PlanArchive(path)


def test_a_plan_whose_code_is_missing_from_the_archive_is_refused(tmp_path: Path) -> None:
    path, _ = _plan_with_code(tmp_path)
    members = _members(path)
    plan = json.loads(dict(members)["plan.json"])
    plan["changes"][0]["resource"]["attributes"]["source_hash"] = "sha256:" + "2" * 64
    _rewrite(path, [("plan.json", json.dumps(plan).encode()), *members[1:]])
    with pytest.raises(PlanError, match="that it does not carry"):
        _stage(path, tmp_path / ".fnplan")


def test_staging_from_sources_refuses_code_changed_or_gone_since_planning(
    tmp_path: Path,
) -> None:
    source = _source(tmp_path)
    function = res(
        "function.f", source=str(source), source_hash=SourceHasher(None).source_hash(str(source))
    )
    plan = make_plan(desired(function), state_of())
    (source / "pkg" / "util.py").write_text("X = 2\n")
    with pytest.raises(PlanError, match="code changed after it was planned"):
        StagedCode(tmp_path / ".fnplan").from_sources(plan)
    shutil.rmtree(source)
    with pytest.raises(PlanError, match="cannot read the function's code"):
        StagedCode(tmp_path / ".fnplan").from_sources(plan)
