"""What the executor needs from a deployment: deployed function versions and workflow documents.

The local provider's `LocalStore` satisfies these structurally; tests use their own objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from fnplan.workflow.model import WorkflowDocument


class FunctionSpec(Protocol):
    """A deployed, immutable function version (like the local provider's DeployedFunction)."""

    @property
    def address(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def code_dir(self) -> Path: ...
    @property
    def handler(self) -> str: ...  # "module.attribute", e.g. "main.handler"
    @property
    def python(self) -> str: ...  # interpreter that runs the handler
    @property
    def env(self) -> Mapping[str, str]: ...
    @property
    def timeout(self) -> float: ...  # seconds
    @property
    def memory(self) -> int: ...  # MB
    @property
    def input_schema(self) -> dict[str, Any] | None: ...
    @property
    def output_schema(self) -> dict[str, Any] | None: ...


class FunctionResolver(Protocol):
    """Finds the deployed code of a function version named by a function step."""

    def function_version(self, address: str, version: str) -> FunctionSpec: ...


class WorkflowResolver(Protocol):
    """Finds the document of a workflow version called by a workflow step (nesting = "call")."""

    def workflow_document(self, address: str, version: str) -> WorkflowDocument: ...


@runtime_checkable
class VersionHolder(Protocol):
    """Optional for a resolver: keeps the versions a run uses from being pruned while it runs
    (an apply during the run must not delete the version its next step needs)."""

    def hold_versions(self, document: WorkflowDocument) -> AbstractContextManager[None]: ...


def hold_versions(resolver: object, document: WorkflowDocument) -> AbstractContextManager[None]:
    """The resolver's hold on `document`'s versions, or nothing when it has none to give."""
    if isinstance(resolver, VersionHolder):
        return resolver.hold_versions(document)
    return nullcontext()
