"""`fnplan graph workflow.NAME`: one workflow's steps drawn from its text, end to end."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.cli.conftest import Runner, assert_clean_error

SVG = "{http://www.w3.org/2000/svg}"


def _graph(fnplan: Runner, project: Path, *args: str) -> dict:
    return json.loads(fnplan("graph", *args, "--format", "json", cwd=project).stdout)


def test_json_has_step_addresses_kinds_positions_and_layout(
    fnplan: Runner, quickstart: Path
) -> None:
    graph = _graph(fnplan, quickstart, "workflow.thumbnail")
    nodes = {node["id"]: node for node in graph["nodes"]}
    assert set(nodes) == {"step.fetch", "step.resize", "step.report_failure"}
    assert nodes["step.resize"]["type"] == "function"
    assert nodes["step.resize"]["target"] == "function.resize"
    assert nodes["step.resize"]["pos"].startswith("main.hcl:")
    edges = {(e["source"], e["target"], e["kind"]): e for e in graph["edges"]}
    assert edges[("step.fetch", "step.resize", "data")]["fields"] == ["path"]
    condition = edges[("step.fetch", "step.resize", "conditional")]["condition"]
    assert condition == "step.fetch.output.bytes > 0"
    assert ("step.resize", "step.report_failure", "error") in edges
    assert all(node["box"]["width"] > 0 for node in graph["nodes"])
    assert all(len(edge["route"]) >= 2 for edge in graph["edges"])


def test_inline_expansion_is_a_group_and_unfold_draws_the_called_workflow(
    fnplan: Runner, quickstart: Path
) -> None:
    folded = _graph(fnplan, quickstart, "workflow.catalog")
    groups = {group["id"]: group for group in folded["groups"]}
    assert groups["step.classify"]["kind"] == "inline"
    assert groups["step.classify"]["members"] == ["step.classify__detect", "step.classify__tag"]
    types = {node["id"]: node["type"] for node in folded["nodes"]}
    assert types["step.classify_call"] == "workflow"
    assert {"sql", "shell", "http"} <= set(types.values())

    unfolded = _graph(fnplan, quickstart, "workflow.catalog", "--unfold")
    ids = {node["id"] for node in unfolded["nodes"]}
    assert "step.classify_call" not in ids
    assert {"step.classify_call.step.detect", "step.classify_call.step.tag"} <= ids
    edges = {(e["source"], e["target"]) for e in unfolded["edges"]}
    assert ("step.fetch", "step.classify_call.step.detect") in edges
    call = next(g for g in unfolded["groups"] if g["id"] == "step.classify_call")
    assert call["kind"] == "call"


def test_svg_is_valid_and_names_every_step(fnplan: Runner, quickstart: Path) -> None:
    for workflow in ("workflow.thumbnail", "workflow.catalog"):
        steps = {node["name"] for node in _graph(fnplan, quickstart, workflow)["nodes"]}
        svg = fnplan("graph", workflow, "--format", "svg", cwd=quickstart).stdout
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        float(root.attrib["width"]), float(root.attrib["height"])
        texts = {text.text for text in root.iter(f"{SVG}text")}
        assert steps <= texts, steps - texts
        assert len(list(root.iter(f"{SVG}rect"))) == len(steps)


def test_dot_and_mermaid_draw_kinds(fnplan: Runner, quickstart: Path) -> None:
    dot = fnplan("graph", "workflow.thumbnail", cwd=quickstart).stdout
    assert '"step.resize" -> "step.report_failure" [style=dotted, label="on error"' in dot
    mermaid = fnplan("graph", "workflow.catalog", "--format", "mermaid", cwd=quickstart).stdout
    assert mermaid.startswith("flowchart TB")
    assert 'subgraph g0["classify"]' in mermaid


def test_resource_graph_still_works(fnplan: Runner, quickstart: Path) -> None:
    graph = json.loads(fnplan("graph", "--format", "json", cwd=quickstart).stdout)
    assert "workflow.thumbnail" in graph["nodes"]


def test_unknown_workflow_and_svg_without_one_are_clean_errors(
    fnplan: Runner, quickstart: Path
) -> None:
    result = fnplan("graph", "workflow.nope", cwd=quickstart, check=None)
    assert_clean_error(result, "no workflow 'workflow.nope'", "workflow.catalog")
    result = fnplan("graph", "--format", "svg", cwd=quickstart, check=None)
    assert_clean_error(result, "name it, e.g. workflow.NAME")
