"""Small builders of evaluated Config objects (what the loader produces) for compile tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fnplan.config.model import (
    CatchRule,
    Config,
    Function,
    Output,
    ProviderConfig,
    Ref,
    Runtime,
    Step,
    StepResources,
    Trigger,
    Workflow,
)

HANDLER = "def handler(event, context):\n    return event\n"


def expr(source: str) -> dict[str, str]:
    """A run-time value, as the evaluator leaves it."""
    return {"$expr": source}


def ref(address: str, version: int | None = None, pos: str | None = None) -> Ref:
    return Ref(address=address, version=version, pos=pos)


def write_function(root: Path, name: str, code: str = HANDLER) -> str:
    """Create functions/<name>/main.py and return the absolute directory."""
    directory = root / "functions" / name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.py").write_text(code)
    return str(directory)


def write_schema(root: Path, name: str, schema: Any) -> str:
    path = root / "schemas" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema))
    return str(path)


def function(root: Path, name: str, **fields: Any) -> Function:
    source = fields.pop("source", None) or write_function(root, name)
    return Function(
        name=name,
        runtime=ref("runtime.python"),
        source=source,
        pos=f"{root}/main.hcl:10:1",
        **fields,
    )


def step(name: str, line: int = 20, **fields: Any) -> Step:
    """A step; `resources`/`catch` may be dicts, depends_on/catch next are step names."""
    if isinstance(fields.get("resources"), dict):
        fields["resources"] = StepResources(**fields["resources"])
    fields["catch"] = [
        CatchRule(errors=rule.get("errors", ["any"]), next=ref(f"step.{rule['next']}"))
        for rule in fields.get("catch", [])
    ]
    if "depends_on" in fields:
        fields["depends_on"] = [ref(f"step.{name}") for name in fields["depends_on"]]
    return Step(name=name, pos=f"main.hcl:{line}:3", **fields)


def workflow(name: str, steps: list[Step], **fields: Any) -> Workflow:
    return Workflow(name=name, steps={s.name: s for s in steps}, pos="main.hcl:1:1", **fields)


def config(
    root: Path,
    *,
    functions: list[Function] = (),  # type: ignore[assignment]
    workflows: list[Workflow] = (),  # type: ignore[assignment]
    triggers: list[Trigger] = (),  # type: ignore[assignment]
    outputs: list[Output] = (),  # type: ignore[assignment]
    providers: list[ProviderConfig] = (),  # type: ignore[assignment]
    path: tuple[str, ...] = (),
    **fields: Any,
) -> Config:
    return Config(
        directory=str(root),
        path=path,
        runtimes={"python": Runtime(name="python", env={"LOG_FORMAT": "json"}, pos="main.hcl:2:1")},
        functions={f.name: f for f in functions},
        workflows={w.name: w for w in workflows},
        triggers={t.name: t for t in triggers},
        outputs={o.name: o for o in outputs},
        providers={p.address: p for p in providers},
        **fields,
    )
