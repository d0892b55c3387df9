"""`fnplan render`: the local provider shows, before an apply, exactly the workflow document
and function manifest it then stores; --out writes them inside the chosen directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error
from tests.conftest import EXAMPLES


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    target = tmp_path / "minimal"
    shutil.copytree(EXAMPLES / "minimal", target, ignore=shutil.ignore_patterns(".fnplan"))
    return target


def test_render_prints_what_apply_then_stores(minimal: Path, fnplan: Runner) -> None:
    printed = fnplan("render", cwd=minimal).stdout
    headers = [line for line in printed.splitlines() if line.startswith("# ")]
    assert headers == ["# function.hello/manifest.json", "# workflow.hello/workflow.json"]

    written = fnplan("render", "--out", "rendered", cwd=minimal)
    assert written.stdout.strip() == "Wrote 2 file(s) to rendered."
    workflow = json.loads((minimal / "rendered/workflow.hello/workflow.json").read_text())
    manifest = json.loads((minimal / "rendered/function.hello/manifest.json").read_text())

    fnplan("apply", "--auto-approve", cwd=minimal)
    state = json.loads((minimal / ".fnplan" / "state.json").read_text())["resources"]
    stored = json.loads(Path(state["workflow.hello"]["outputs"]["document_path"]).read_text())
    assert workflow == stored
    code = Path(state["function.hello"]["outputs"]["code"])
    published = json.loads((code.parent / "manifest.json").read_text())
    assert manifest["version"] == published["version"]
    # `source` is where the code was read from: apply publishes the copy it staged
    rendered, stored = manifest["attributes"], published["attributes"]
    assert rendered.pop("source") == str(minimal / "functions" / "hello")
    stored.pop("source")
    assert rendered == stored


def test_render_of_one_address_and_of_one_provider(minimal: Path, fnplan: Runner) -> None:
    one = fnplan("render", "workflow.hello", cwd=minimal).stdout
    assert one.startswith("# workflow.hello/workflow.json\n{")
    assert json.loads(one.partition("\n")[2])["address"] == "workflow.hello"
    local = fnplan("render", "--provider", "local", cwd=minimal).stdout
    assert local == fnplan("render", cwd=minimal).stdout


def test_render_names_that_match_nothing_are_clean_errors(minimal: Path, fnplan: Runner) -> None:
    missing = fnplan("render", "workflow.helo", cwd=minimal, check=None)
    assert_clean_error(missing, "no resource workflow.helo in the configuration", "workflow.hello")
    provider = fnplan("render", "--provider", "aws", cwd=minimal, check=None)
    assert_clean_error(provider, "--provider aws: no resource of the configuration goes to it")
    assert "allowed: local" in provider.stderr
