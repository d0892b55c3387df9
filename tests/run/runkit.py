"""Helpers for executor tests: real handler code directories and a resolver over them."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnplan.errors import ProviderError
from fnplan.run import RunResult, WorkerPool, run_workflow
from fnplan.run.records import LogRecord
from fnplan.workflow.model import WorkflowDocument


@dataclass(frozen=True)
class Function:
    """A deployed function version, shaped like the local provider's DeployedFunction."""

    address: str
    version: str
    code_dir: Path
    handler: str = "main.handler"
    python: str = sys.executable
    env: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 30.0
    memory: int = 128
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None


class Deployment:
    """Functions and workflow documents written to tmp_path, resolvable by the executor."""

    def __init__(self, root: Path, pool: WorkerPool) -> None:
        self.root = root
        self.pool = pool
        self.log_dir = root / "logs"
        self.functions: dict[tuple[str, str], Function] = {}
        self.workflows: dict[tuple[str, str], WorkflowDocument] = {}

    def function(self, name: str, code: str, **settings: Any) -> dict[str, str]:
        """Write `code` as main.py of function.NAME; returns the step's `function` call."""
        address, version = f"function.{name}", f"v-{name}"
        code_dir = self.root / "functions" / name
        code_dir.mkdir(parents=True)
        (code_dir / "main.py").write_text(textwrap.dedent(code))
        self.functions[address, version] = Function(address, version, code_dir, **settings)
        return {"address": address, "version": version}

    def workflow(self, document: WorkflowDocument, version: str = "v1") -> dict[str, str]:
        """Register a child document; returns the step's `workflow` call."""
        self.workflows[document.address, version] = document
        return {"address": document.address, "version": version}

    def function_version(self, address: str, version: str) -> Function:
        try:
            return self.functions[address, version]
        except KeyError:
            raise ProviderError(f"{address} version {version} is not deployed") from None

    def workflow_document(self, address: str, version: str) -> WorkflowDocument:
        try:
            return self.workflows[address, version]
        except KeyError:
            raise ProviderError(f"{address} version {version} is not deployed") from None

    def run(self, document: WorkflowDocument, input: Any = None, **options: Any) -> RunResult:
        return run_workflow(
            document,
            input,
            resolver=self,
            workflows=self,
            log_dir=self.log_dir,
            pool=self.pool,
            **options,
        )


def document(name: str, steps: list[dict[str, Any]], **fields: Any) -> WorkflowDocument:
    """A workflow document from plain step dicts (edges come from references and depends_on)."""
    return WorkflowDocument.model_validate(
        {"name": name, "address": f"workflow.{name}", "steps": steps, **fields}
    )


def expr(source: str) -> dict[str, str]:
    return {"$expr": source}


def records(result: RunResult) -> list[LogRecord]:
    """The records of a run's log file, parsed back into the model."""
    return read_records(result.log_path)


def read_records(path: Path) -> list[LogRecord]:
    """The records of an execution log file."""
    return [LogRecord.model_validate(json.loads(line)) for line in path.read_text().splitlines()]


def events(result: RunResult, step: str) -> list[str]:
    return [r.event for r in records(result) if r.step == step]


ECHO = """
def handler(event, context):
    return event
"""
