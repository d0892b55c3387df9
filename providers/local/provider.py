"""LocalProvider: deploys runtimes, functions, workflows, events and triggers on this machine.

Everything lives under <project>/.fnplan/local/; each object kind is handled by its own
module, and this class only dispatches on the resource type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from fnplan.errors import ProviderError
from fnplan.provider import (
    DELIVER_EVENTS,
    INVOKE_FUNCTION,
    RENDER,
    RUN_HISTORY,
    RUN_WORKFLOW,
    BaseProvider,
    Observation,
    ProviderContext,
)
from fnplan.provider_schema import ResourceSchema
from fnplan.run import RunDirectoryHistory

from .artifacts import LocalArtifacts
from .data import DATA_SOURCES, read_data
from .delivery import LocalDelivery
from .disk import Layout
from .events import Events
from .functions import Functions
from .moves import move_object
from .ownership import Ownership, import_prior
from .runner import LocalRunner
from .runtimes import Runtimes
from .triggers import Triggers
from .workflows import Workflows

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState


class _Kind(Protocol):
    def observe(self, prior: ResourceState) -> Observation: ...
    def create(self, resource: Resource) -> dict[str, Any]: ...
    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]: ...
    def delete(self, prior: ResourceState) -> None: ...


class LocalConfig(BaseModel):
    """`provider "local" {}` takes no settings (only `alias`, which the engine reads)."""

    model_config = ConfigDict(extra="forbid")


def _names(text: str) -> frozenset[str]:
    """Attribute names written as one space-separated line."""
    return frozenset(text.split())


class LocalProvider(BaseProvider, LocalRunner, LocalDelivery, RunDirectoryHistory, LocalArtifacts):
    """The embedded default provider: no cloud, real venvs, snapshots and registries on disk.

    Nothing needs replacing: a new function version is published beside the old ones, a
    changed runtime gets a new venv, workflows/events/triggers are rewritten in place.
    """

    name: ClassVar[str] = "local"
    node_types: ClassVar[frozenset[str]] = frozenset(
        {"function", "workflow", "sql", "shell", "http"}
    )
    #: nothing is replaced (see the class docstring); outputs are what create/update return
    resource_schemas: ClassVar[Mapping[str, ResourceSchema]] = {
        "runtime": ResourceSchema(
            attributes=_names("name language image memory timeout env packages base"),
            outputs={"python": "apply", "venv": "apply"},
        ),
        "function": ResourceSchema(
            attributes=_names(
                "name runtime source source_hash handler memory timeout env input_schema"
                " output_schema scaling rollout keep_versions retain_versions version"
            ),
            outputs={
                "version": "apply",
                "version_number": "apply",
                "versions": "apply",
                "python": "apply",
                "code": "apply",
                "handler": "apply",
            },
        ),
        "workflow": ResourceSchema(
            attributes=_names("name isolation document version"),
            #: the endpoint is derived from the address alone
            outputs={"version": "apply", "document_path": "apply", "endpoint": "create"},
        ),
        "event": ResourceSchema(
            attributes=_names("name type schema source"),
            outputs={"type": "apply"},
        ),
        "trigger": ResourceSchema(
            attributes=_names(
                "name kind schedule event_type source on_completion target target_type input"
            ),
            #: the id is the address
            outputs={"id": "create"},
        ),
    }
    #: local_file reads a text file inside the project (providers/local/data.py)
    data_sources = DATA_SOURCES
    config_model: ClassVar[type[BaseModel] | None] = LocalConfig
    #: every call is local file work under the GIL: threads would only contend for it
    threaded: ClassVar[bool] = False
    #: objects live in directories named after their address: `move` renames them
    keyed_by_address: ClassVar[bool] = True
    #: runs workflows and functions here, fires the triggers it registered, reads back its
    #: runs' logs and renders the documents and manifests it stores
    capabilities: ClassVar[frozenset[str]] = frozenset(
        cap.name for cap in (RUN_WORKFLOW, INVOKE_FUNCTION, DELIVER_EVENTS, RUN_HISTORY, RENDER)
    )

    def __init__(self, context: ProviderContext) -> None:
        self.context = context
        self.layout = Layout.under(context.data_dir, context.alias)
        self.ownership = Ownership(self.layout, context.lineage)
        project_dir = context.project_dir
        self._kinds: dict[str, _Kind] = {
            "runtime": Runtimes(self.layout, project_dir),
            "function": Functions(self.layout, project_dir),
            "workflow": Workflows(self.layout),
            "event": Events(self.layout),
            "trigger": Triggers(self.layout),
        }

    def observe(self, prior: ResourceState) -> Observation:
        """What is really stored for a recorded address (tampered snapshots show as drift)."""
        return self._kind(prior.type, prior.address).observe(prior)

    def create(self, resource: Resource) -> dict[str, Any]:
        """Create the object, or finish creating one this state began (see .ownership);
        returns its outputs. A foreign object at the address is refused."""
        kind = self._kind(resource.type, resource.address)
        with self.ownership.creating(resource):
            return kind.create(resource)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Bring the object to the desired attributes; returns its outputs. An object the
        state records is this state's, imported or not: it is marked so."""
        outputs = self._kind(resource.type, resource.address).update(resource, prior)
        self.ownership.mark(resource.address)
        return outputs

    def delete(self, prior: ResourceState) -> None:
        """Remove the object (and directories left empty); a missing object is fine. The
        marker goes first: a delete killed half-way leaves a recorded object, never a marker
        of nothing."""
        kind = self._kind(prior.type, prior.address)
        self.ownership.forget(prior.address)
        kind.delete(prior)

    def import_object(self, type_: str, address: str, id: str) -> Observation:
        """The object stored under `id` (the address it was deployed under), read without
        changing anything; an ID naming nothing is a ProviderError."""
        kind = self._kind(type_, address)
        observation = kind.observe(import_prior(self.layout, type_, address, id))
        if not observation.exists:
            raise ProviderError(f"{address}: no {type_} is stored under the ID {id!r}")
        return observation

    def move(self, prior: ResourceState, new_address: str) -> dict[str, Any]:
        """Rename the stored object (and its ownership marker) to `new_address`; its outputs
        there (some name the address, as a workflow's endpoint does)."""
        move_object(self.layout, prior, new_address)
        if self.ownership.ours(prior.address):
            self.ownership.forget(prior.address)
            self.ownership.mark(new_address)
        moved = prior.model_copy(update={"address": new_address})
        observation = self._kind(prior.type, new_address).observe(moved)
        return {**prior.outputs, **observation.outputs}

    def read_data(self, type_: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Read a data source (DATA_SOURCES) for a `data` block."""
        return read_data(self.context.project_dir, type_, arguments)

    def _kind(self, type_: str, address: str) -> _Kind:
        kind = self._kinds.get(type_)
        if kind is None:
            raise ProviderError(
                f"{address}: the local provider cannot manage {type_!r} objects",
                allowed=self._kinds,
            )
        return kind
