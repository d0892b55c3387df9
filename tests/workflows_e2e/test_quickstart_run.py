"""examples/quickstart end to end: its README commands, both workflows, logs against the schema."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_fnplan
from tests.conftest import EXAMPLES, REPO
from tests.workflows_e2e.conftest import records, run_json, step_events

SAMPLE = {"url": "data/sample.txt"}  # relative, exactly as the README writes it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _copy(base: Path) -> Path:
    root = base / "quickstart"
    shutil.copytree(
        EXAMPLES / "quickstart", root, ignore=shutil.ignore_patterns(".fnplan", "__pycache__")
    )
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quickstart applied with `fnplan -C DIR apply` from elsewhere; status_url: nobody."""
    base = tmp_path_factory.mktemp("quickstart-e2e")
    root = _copy(base)
    closed = f"status_url=http://127.0.0.1:{_free_port()}/healthz"
    run_fnplan("-C", str(root), "apply", "--auto-approve", "--var", closed, cwd=base)
    return root


def _validator() -> Any:
    import jsonschema

    schema = json.loads((REPO / "schemas" / "execution-log.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_catalog_runs_every_node_type_and_its_logs_validate(root: Path) -> None:
    report = run_json(root, "catalog", SAMPLE)
    assert report["status"] == "succeeded"
    output = report["output"]
    assert output["bytes"] == (root / "data" / "sample.txt").stat().st_size
    assert output["files"] == 1 and output["status"] is None
    assert output["tags"] == [f"vision:{label}" for label in output["labels"]]
    events = step_events(report)
    assert events["status"] == ["started", "caught"], "nothing listens: the catch fires"
    assert events["offline"] == ["started", "succeeded"]
    own = records(report)
    assert {r["node_type"] for r in own if r["node_type"]} == {
        "function",
        "workflow",
        "sql",
        "shell",
        "http",
    }
    child_logs = list((root / ".fnplan" / "runs" / "classify").glob("*.jsonl"))
    assert len(child_logs) == 1, "the call form writes the child's own log"
    child = [json.loads(line) for line in child_logs[0].read_text().splitlines()]
    validator = _validator()
    for record in own + child:
        validator.validate(record)
    assert child[-1]["parent_execution_id"] == report["execution_id"]


def test_inline_classify_matches_the_called_classify(root: Path) -> None:
    report = run_json(root, "catalog", SAMPLE)
    outputs = {
        r["step"]: r["output"] for r in records(report) if r["event"] == "succeeded" and r["step"]
    }
    detect, tag = outputs["classify__detect"], outputs["classify__tag"]
    inline = {
        "labels": detect["labels"],
        "bytes": detect["bytes"],
        "tags": tag["tags"],
        "summary": tag["summary"],
    }
    assert inline == outputs["classify_call"]


def test_readme_thumbnail_command_works_as_written(root: Path) -> None:
    result = run_fnplan("run", "thumbnail", "--input", json.dumps(SAMPLE), cwd=root)
    output = json.loads(result.stdout)
    assert output["bytes"] > 0 and output["thumbnail"].endswith(".w64.thumb")
    validator = _validator()
    log = sorted((root / ".fnplan" / "runs" / "thumbnail").glob("*.jsonl"))[-1]
    for line in log.read_text().splitlines():
        validator.validate(json.loads(line))


def test_status_step_succeeds_while_fnplan_serve_runs(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    run_fnplan("apply", "--auto-approve", "--var", f"status_url={url}", cwd=root)
    serve = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "fnplan serve did not start"
                time.sleep(0.1)
        report = run_json(root, "catalog", SAMPLE)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    assert report["output"]["status"] == 200
    events = step_events(report)
    assert events["status"] == ["started", "succeeded"]
    assert events["offline"] == ["skipped"]
