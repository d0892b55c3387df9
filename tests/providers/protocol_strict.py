"""A provider that exists only in tests: the local provider under the name "strict", with a
typed configuration, fewer node types and naming rules of its own, as a cloud provider would
have. `install` registers it through a real entry point for `fnplan` subprocesses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from fnplan.providers.local import LocalProvider
from pydantic import BaseModel, ConfigDict

from fnplan.provider import ENTRY_POINT_GROUP
from fnplan.provider_schema import Diagnostic, ResourceSchema
from fnplan.resources import Resource

REPO = Path(__file__).resolve().parents[2]
#: a platform's limit on function names
NAME_LIMIT = 12


class StrictConfig(BaseModel):
    """What `provider "strict" {}` takes."""

    model_config = ConfigDict(extra="forbid")

    region: str
    retries: int = 3


class StrictProvider(LocalProvider):
    """Deploys like local; runs only function and workflow steps; limits function names."""

    name: ClassVar[str] = "strict"
    config_model: ClassVar[type[BaseModel] | None] = StrictConfig
    node_types: ClassVar[frozenset[str]] = frozenset({"function", "workflow"})
    #: no event bus on this platform
    resource_schemas: ClassVar[Mapping[str, ResourceSchema]] = {
        type_: schema
        for type_, schema in LocalProvider.resource_schemas.items()
        if type_ != "event"
    }

    def validate_resource(self, resource: Resource) -> list[Diagnostic]:
        name = str(resource.attributes.get("name"))
        found = []
        if resource.type == "function" and len(name) > NAME_LIMIT:
            message = f"a function name has at most {NAME_LIMIT} characters, got {name!r}"
            found.append(Diagnostic(message, path="name"))
        if resource.type == "function" and (resource.attributes.get("memory") or 0) > 1024:
            warning = Diagnostic("above 1024 MB is billed twice", path="memory", severity="warning")
            found.append(warning)
        return found


def install(directory: Path) -> dict[str, str]:
    """Write an entry-point distribution for StrictProvider under `directory`; returns the
    environment a `fnplan` subprocess needs to find it."""
    dist = directory / "fnplan_strict_provider-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fnplan-strict-provider\nVersion: 0\n"
    )
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nstrict = {__name__}:{StrictProvider.__name__}\n"
    )
    path = os.pathsep.join([str(directory), str(REPO), os.environ.get("PYTHONPATH", "")])
    return {"PYTHONPATH": path.rstrip(os.pathsep)}
