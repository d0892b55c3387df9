"""examples/quickstart: loads with the real loader, compiles, and its handlers really run."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from fnplan.compile.compile import compile_config
from fnplan.config.loader import load_config


def _handler(project: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(
        f"qs_{name}", project / "functions" / name / "main.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def test_quickstart_compiles(quickstart: Path) -> None:
    desired = compile_config(load_config(quickstart), cache_dir=quickstart / ".cache")
    assert set(desired.resources) == {
        "runtime.python", "runtime.python-tools",
        "function.fetch", "function.resize", "function.report_failure",
        "workflow.thumbnail", "trigger.nightly",
        "workflow.catalog", "workflow.catalog.function.fetch",
        "workflow.catalog.module.vision.function.detect",
        "workflow.catalog.module.vision.function.tag",
        "module.vision.runtime.python", "module.vision.function.detect",
        "module.vision.function.tag", "module.vision.workflow.classify",
    }  # fmt: skip
    tools = desired.resources["runtime.python-tools"].attributes
    assert tools["base"] == "runtime.python" and tools["env"]["LOG_FORMAT"] == "json"
    assert tools["packages"] == []
    resize = desired.resources["function.resize"].attributes
    assert resize["runtime"]["address"] == "runtime.python-tools"
    assert resize["input_schema"]["properties"]["image"] == {"type": "string"}
    document = desired.resources["workflow.thumbnail"].attributes["document"]
    kinds = {edge["kind"] for edge in document["edges"]}
    assert kinds == {"data", "conditional", "error"}
    assert document["input_schema"]["required"] == ["url"]
    trigger = desired.resources["trigger.nightly"].attributes
    assert trigger["kind"] == "schedule" and trigger["target"] == "workflow.thumbnail"
    assert desired.outputs["thumbnail_endpoint"].value == {
        "$ref": "workflow.thumbnail",
        "attr": "endpoint",
    }
    assert desired.backend.type == "local"


def test_quickstart_handlers_run(quickstart: Path) -> None:
    fetched = _handler(quickstart, "fetch")({"url": str(quickstart / "data" / "sample.txt")}, None)
    assert fetched["bytes"] > 0 and Path(fetched["path"]).is_file()
    resized = _handler(quickstart, "resize")({"image": fetched["path"], "width": 8}, None)
    assert 0 < resized["bytes"] <= 64 and Path(resized["path"]).is_file()
    reported = _handler(quickstart, "report_failure")({"url": "x", "reason": "test"}, None)
    assert reported["reported"] is True
