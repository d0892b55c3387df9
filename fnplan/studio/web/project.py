"""What the studio shows and changes of one project: its workflows as laid-out graphs with
each step's details, and edits through the graph operations API (fnplan.studio.apply_ops),
so the files change only where the edit must.

Every call reads the files afresh (through the workspace's caches), so the page always
shows the text on disk, whoever edited it; a lock keeps an edit from interleaving with a
read of a half-written file.
"""

from __future__ import annotations

import difflib
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from fnplan.errors import FnplanError

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.config.model import Config, Step
    from fnplan.workspace import Workspace

#: what a workflow name in a URL may be (a block label): nothing that walks a path
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
#: fields of a step block that are not attributes the user wrote
_BOOKKEEPING = {"pos", "positions", "name"}


class NotFound(FnplanError):
    """A workflow, execution or step that does not exist (answered 404)."""


class Refused(FnplanError):
    """A request the project cannot carry out as asked (answered 422 with the reason)."""


def checked_name(name: str) -> str:
    """A workflow name from a URL, refused unless it is a plain block label."""
    if not NAME.match(name):
        raise NotFound(
            f"{name!r} is not a workflow name",
            hint="a workflow name is a block label: letters, digits, _ and -",
        )
    return name


class StudioProject:
    """The configuration of one project directory, as the studio's pages need it."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._lock = threading.Lock()

    @property
    def directory(self) -> Path:
        return self.workspace.directory

    def workflows(self) -> list[dict[str, Any]]:
        """The project's own workflows: name, address, step count and where each is declared."""
        with self._lock:
            config = self.workspace.load()
        return [
            {
                "name": name,
                "address": f"workflow.{name}",
                "steps": len(workflow.steps),
                "pos": self._relative(workflow.pos),
            }
            for name, workflow in sorted(config.workflows.items())
        ]

    def workflow(self, name: str) -> dict[str, Any]:
        """One workflow's laid-out graph (schemas/graph.schema.json) plus, per step id, its
        attributes as HCL source, its input/output schemas and its source position; and what
        a new step may call (the functions, the other workflows)."""
        from fnplan.operations.workflow_graphs import graph_of

        name = checked_name(name)
        with self._lock:
            config = self.workspace.load()
            desired = self.workspace.compile(config, self._state(config))
        workflow = config.workflows.get(name)
        if workflow is None:
            raise NotFound(
                f"no workflow {name!r} in this project", allowed=sorted(config.workflows)
            )
        graph = graph_of(config, desired, f"workflow.{name}", directory=self.directory)
        steps = {
            f"step.{step_name}": {
                "name": step_name,
                "type": step.node_type,
                "pos": self._relative(step.pos),
                "attributes": step_attributes(step),
                **schemas_of(step, desired),
            }
            for step_name, step in workflow.steps.items()
        }
        return {
            "graph": graph.model_dump(mode="json"),
            "steps": steps,
            "functions": sorted(a for a, r in desired.resources.items() if r.type == "function"),
            "workflows": [
                f"workflow.{other}" for other in sorted(config.workflows) if other != name
            ],
            "pos": self._relative(workflow.pos),
        }

    def edit(self, name: str, operations: object) -> dict[str, Any]:
        """Apply graph operations to the workflow `name` (each defaults to it); refused with
        the validation error, and nothing written, when the result would be invalid."""
        from fnplan.studio.apply_ops import apply_operations
        from fnplan.studio.ops import parse_operations

        name = checked_name(name)
        if not isinstance(operations, list):
            raise Refused("the body must be a JSON list of graph operations")
        address = f"workflow.{name}"
        entries = [
            {"workflow": address, **entry} if isinstance(entry, dict) else entry
            for entry in operations
        ]
        try:
            ops = parse_operations(entries)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise Refused(
                f"invalid operation at [{where}]: {first['msg']}",
                hint="schemas/graph-ops.schema.json describes every operation",
            ) from None
        with self._lock:
            changes = apply_operations(self.directory, ops, self._validate)
        return {"files": [self._stat(path, *texts) for path, texts in sorted(changes.items())]}

    def _validate(self, directory: Path) -> None:
        self.workspace.compile(self.workspace.load(), None)

    def _state(self, config: Config) -> Any:
        return self.workspace.backend(config.backend).read()

    def _stat(self, path: Path, before: bytes, after: bytes) -> dict[str, Any]:
        """A changed file as `git diff --stat` counts it: lines added and removed."""
        old, new = before.decode().splitlines(), after.decode().splitlines()
        diff = list(difflib.unified_diff(old, new, lineterm="", n=0))
        added = sum(1 for line in diff if line.startswith("+") and not line.startswith("+++"))
        removed = sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))
        return {
            "file": path.relative_to(self.directory).as_posix(),
            "added": added,
            "removed": removed,
        }

    def _relative(self, pos: Any) -> str | None:
        return relative_pos(pos, self.directory)


def relative_pos(pos: Any, directory: Path) -> str | None:
    """A "file:line:column" position (or SourcePos) with the file relative to the project,
    as the user sees it in their editor."""
    if not pos:
        return None
    file, line, column = str(pos).rsplit(":", 2)
    root = directory.resolve()
    if Path(file).is_relative_to(root):
        file = Path(file).relative_to(root).as_posix()
    return f"{file}:{line}:{column}"


def step_attributes(step: Step) -> dict[str, str]:
    """The attributes a step block sets (those that differ from their defaults), each as
    the HCL source text a `set_attribute` operation takes."""
    from fnplan.config.model import Step
    from fnplan.studio.hcl_text import hcl, plain

    default = Step(name="_")
    return {
        key: hcl(plain(getattr(step, key)))
        for key in type(step).model_fields
        if key not in _BOOKKEEPING and plain(getattr(step, key)) != plain(getattr(default, key))
    }


def schemas_of(step: Step, desired: Desired) -> dict[str, Any]:
    """The input and output JSON Schemas of what a step calls (a function's or a workflow's),
    None where none is declared."""
    target = step.function or step.workflow
    resource = desired.resources.get(target.address) if target is not None else None
    if resource is None:
        return {"input_schema": None, "output_schema": None}
    attributes = resource.attributes
    found = attributes.get("document")
    document: dict[str, Any] = found if isinstance(found, dict) else {}
    return {
        "input_schema": attributes.get("input_schema") or document.get("input_schema"),
        "output_schema": attributes.get("output_schema") or document.get("output_schema"),
    }
