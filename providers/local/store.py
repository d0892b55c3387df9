"""Read-side API of the local store, for the workflow executor and `fnplan emit/serve`.

It only reads what LocalProvider wrote (atomically), so it is safe while an apply runs.
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnplan.errors import ProviderError
from fnplan.workflow.model import WorkflowDocument

from .disk import Layout, read_json
from .functions import CODE, MANIFEST, VERSIONS
from .leases import holding
from .registry import JsonRegistry
from .workflows import CURRENT, document_file


@dataclass(frozen=True, slots=True)
class DeployedFunction:
    """One published function version, with everything needed to run it."""

    address: str
    version: str
    number: int
    code_dir: Path
    handler: str
    python: str
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0
    memory: int = 128
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None


class LocalStore:
    """What is deployed under <data_dir>/local (data_dir is the project's .fnplan directory),
    or <data_dir>/local.ALIAS for an aliased configuration."""

    def __init__(self, data_dir: Path, alias: str | None = None) -> None:
        self._layout = Layout.under(data_dir, alias)

    def workflow_document(self, address: str, version: str | None = None) -> WorkflowDocument:
        """The deployed document of a workflow: the current version, or a kept earlier one."""
        directory = self._layout.workflow_dir(address)
        if version is None:
            pointer = read_json(directory / CURRENT)
            if not isinstance(pointer, dict) or not isinstance(pointer.get("version"), str):
                raise ProviderError(f"workflow {address} is not deployed on the local provider")
            version = pointer["version"]
        document = read_json(document_file(directory, version))
        if document is None:
            raise ProviderError(f"workflow {address} has no deployed version {version}")
        return WorkflowDocument.model_validate(document)

    def hold_versions(self, document: WorkflowDocument) -> AbstractContextManager[None]:
        """Keep every function version and nested workflow version `document` may run from
        being pruned by an apply until the block ends (see .leases)."""
        return holding(self._layout.root, self._versions_used(document))

    def _versions_used(self, document: WorkflowDocument) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        pending = [document]
        while pending:
            current = pending.pop()
            for step in current.steps:
                call = step.function or step.workflow
                if call is None or call.version in found.setdefault(call.address, set()):
                    continue
                found[call.address].add(call.version)
                if step.workflow is not None:
                    # a missing child is reported by the run when it gets there
                    with contextlib.suppress(ProviderError):
                        pending.append(self.workflow_document(call.address, call.version))
        return found

    def function_version(self, address: str, version: str) -> DeployedFunction:
        """A published version of a function by its content hash."""
        version_dir = self._layout.function_dir(address) / version
        inside = version_dir.parent == self._layout.function_dir(address) and version[:1] != "."
        manifest = read_json(version_dir / MANIFEST) if inside else None
        if not isinstance(manifest, dict):
            raise ProviderError(
                f"function {address} has no deployed version {version}",
                allowed=self.function_versions(address),
            )
        return _deployed(address, self._layout.function_dir(address) / version, manifest)

    def function_versions(self, address: str) -> list[str]:
        """The hashes of a function's stored versions, oldest first."""
        record = read_json(self._layout.function_dir(address) / VERSIONS)
        if not isinstance(record, dict):
            return []
        return [str(v["hash"]) for v in record.get("versions", [])]

    def latest_function_version(self, address: str) -> DeployedFunction:
        """The version a function's deployment currently points at."""
        record = read_json(self._layout.function_dir(address) / VERSIONS)
        if not isinstance(record, dict) or not record.get("latest"):
            raise ProviderError(f"function {address} is not deployed on the local provider")
        return self.function_version(address, str(record["latest"]))

    def triggers(self) -> list[dict[str, Any]]:
        """Every registered trigger: its attributes plus "address", sorted by address."""
        entries = JsonRegistry(self._layout.triggers, self._layout.root).all()
        return [{**entry, "address": address} for address, entry in entries.items()]

    def events(self) -> dict[str, dict[str, Any]]:
        """Registered event types: type -> {"address", "name", "type", "schema", "source"}."""
        return JsonRegistry(self._layout.events, self._layout.root).all()


def _deployed(address: str, version_dir: Path, manifest: dict[str, Any]) -> DeployedFunction:
    attributes = manifest["attributes"]
    runtime = attributes.get("runtime") or {}
    env = {**(runtime.get("env") or {}), **(attributes.get("env") or {})}
    timeout = attributes.get("timeout") or runtime.get("timeout") or 30.0
    memory = attributes.get("memory") or runtime.get("memory") or 128
    return DeployedFunction(
        address=address,
        version=str(manifest["version"]),
        number=int(manifest["version_number"]),
        code_dir=version_dir / CODE,
        handler=str(attributes.get("handler")),
        python=str(manifest["python"]),
        env={str(k): str(v) for k, v in env.items()},
        timeout=float(timeout),
        memory=int(memory),
        input_schema=attributes.get("input_schema"),
        output_schema=attributes.get("output_schema"),
    )
