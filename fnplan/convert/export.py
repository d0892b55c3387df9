"""`fnplan export`: a workflow of the project written in another format."""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from fnplan.convert.export_sw import export_workflow
from fnplan.errors import FnplanError
from fnplan.operations.workflow_graphs import workflow_documents

if TYPE_CHECKING:
    from fnplan.workspace import Workspace

FORMATS = ("serverless-workflow",)


def export_text(workspace: Workspace, address: str, version: str) -> str:
    """The workflow at `address` as a Serverless Workflow DSL 1.0 YAML document."""
    config = workspace.load()
    desired = workspace.compile(config, workspace.backend(config.backend).read())
    documents = workflow_documents(desired)
    if address not in documents:
        raise FnplanError(
            f"no workflow {address!r} in this configuration",
            allowed=[a for a in documents if a.startswith("workflow.")],
        )
    exported = export_workflow(documents[address], version)
    return yaml.safe_dump(exported, sort_keys=False, allow_unicode=True)
