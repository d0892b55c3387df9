"""The JSON Schemas checked in under schemas/, generated from the models that define them.

`python -m fnplan.schemas [DIR]` regenerates them all; a test fails when any is out of date.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

# file name -> "module:Model" (or "module:function" returning a schema); imported lazily so
# importing this module stays cheap.
SCHEMA_MODELS: dict[str, str] = {
    "config.schema.json": "fnplan.config.json_schema:config_schema",
    "state.schema.json": "fnplan.state.model:State",
    "plan.schema.json": "fnplan.plan.model:Plan",
    "workflow.schema.json": "fnplan.workflow.model:WorkflowDocument",
    "execution-log.schema.json": "fnplan.run.records:LogRecord",
    "graph.schema.json": "fnplan.studio.graph:WorkflowGraph",
    "graph-ops.schema.json": "fnplan.studio.ops:operations_schema",
}


def generate(name: str) -> str:
    """The schema text for one file name in SCHEMA_MODELS (deterministic, with trailing newline)."""
    module_name, _, model_name = SCHEMA_MODELS[name].partition(":")
    source = getattr(importlib.import_module(module_name), model_name)
    body = source.model_json_schema() if hasattr(source, "model_json_schema") else source()
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", **body}
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write(names: list[str] | None = None, directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write the named schemas (all by default) into `directory`; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or sorted(SCHEMA_MODELS):
        target = directory / name
        target.write_text(generate(name))
        written.append(target)
    return written


def out_of_date(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of the schemas whose checked-in file is missing or differs from the generated one."""
    stale = []
    for name in sorted(SCHEMA_MODELS):
        target = directory / name
        if not target.exists() or target.read_text() != generate(name):
            stale.append(name)
    return stale


def main(argv: list[str], names: list[str] | None = None) -> None:
    """Command-line entry: write the schemas into argv[0] if given, else into schemas/."""
    directory = Path(argv[0]) if argv else SCHEMA_DIR
    for path in write(names, directory):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
