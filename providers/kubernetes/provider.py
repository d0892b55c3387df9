"""KubernetesProvider: deploys fnplan's resources to a Kubernetes cluster
(docs/providers/kubernetes.md).

Objects go to the provider block's namespace, named from their addresses under
fnplan.naming's DNS_1035_LABEL rule and labelled with fnplan.io/* labels (ownership.py).
Every call goes through client.py (the official client, server-side apply). Each resource
type's module plugs in through `_kind`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import ValidationError

from fnplan.errors import ProviderError
from fnplan.provider import (
    RENDER,
    RUN_HISTORY,
    RUN_WORKFLOW,
    BaseProvider,
    Observation,
    ProviderContext,
)
from fnplan.provider_schema import Diagnostic
from fnplan.run import RunDirectoryHistory

from .config import KubernetesConfig
from .ownership import object_annotations, object_labels
from .schemas import RESOURCE_SCHEMAS

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.run import RunOptions, RunResult
    from fnplan.state.model import ResourceState

    from .client import KubeClient


class KubernetesProvider(RunDirectoryHistory, BaseProvider):
    """Functions, runtimes, workflows, events and triggers as Kubernetes objects."""

    name: ClassVar[str] = "kubernetes"
    node_types: ClassVar[frozenset[str]] = frozenset(
        {"function", "workflow", "http", "sql", "shell"}
    )
    resource_schemas = RESOURCE_SCHEMAS
    config_model = KubernetesConfig
    #: every call waits on the API server: threads overlap the waits
    threaded: ClassVar[bool] = True
    keyed_by_address: ClassVar[bool] = False
    #: `fnplan render` writes what a user reviews or builds (a runtime's image build context);
    #: `fnplan run` submits Argo Workflows and `fnplan runs` / `logs` read the logs it wrote
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {RENDER.name, RUN_WORKFLOW.name, RUN_HISTORY.name}
    )

    def __init__(self, context: ProviderContext) -> None:
        self.context = context
        try:
            self.config = KubernetesConfig.model_validate(context.config)
        except ValidationError as exc:  # validate reports it at the block; this is the backstop
            raise ProviderError(f"provider kubernetes: {exc.errors()[0]['msg']}") from None
        self._client: KubeClient | None = None

    @property
    def client(self) -> KubeClient:
        """The API client, connected on first use (validate and plan-only paths never do)."""
        if self._client is None:
            from .client import KubeClient

            self._client = KubeClient.connect(
                self.config.kubeconfig, self.config.context, self.config.namespace
            )
        return self._client

    def observe(self, prior: ResourceState) -> Observation:
        return self._kind(prior.type, prior.address).observe(prior)

    def create(self, resource: Resource) -> dict[str, Any]:
        return self._kind(resource.type, resource.address).create(resource)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self._kind(resource.type, resource.address).update(resource, prior)

    def delete(self, prior: ResourceState) -> None:
        self._kind(prior.type, prior.address).delete(prior)

    def run_workflow(self, address: str, input: Any, *, options: RunOptions) -> RunResult:
        """Capability "run-workflow": an Argo Workflow of the newest template (runner.py)."""
        from .runner import KubeRunner

        runner = KubeRunner(self.client, self.config, self.context.data_dir)
        return runner.run_workflow(address, input, options=options)

    def render(self, resource: Resource) -> dict[str, str]:
        """Capability "render": each type's artifacts (none for types without any)."""
        if resource.type == "runtime":
            from .runtimes import render_runtime

            return render_runtime(resource)
        if resource.type == "workflow":
            from .workflows import Workflows

            return Workflows(self).render(resource)
        if resource.type == "function":
            from .functions import Functions

            return Functions(self).render(resource)
        if resource.type in ("event", "trigger"):
            from .triggers_kind import Events, Triggers

            return (Events(self) if resource.type == "event" else Triggers(self)).render(resource)
        return {}

    def import_object(self, type_: str, address: str, id: str) -> Observation:
        """`fnplan import`: an existing object by `namespace/name` (importing.py)."""
        from .importing import import_object

        return import_object(self.client, self.config.namespace, type_, address, id)

    def validate_resource(self, resource: Resource) -> list[Diagnostic]:
        """Types this provider does not deploy yet."""
        if resource.type not in RESOURCE_SCHEMAS:
            return [
                Diagnostic(f"the kubernetes provider does not deploy {resource.type} blocks yet")
            ]
        if resource.type == "function":
            from .functions import validate_function

            return validate_function(resource)
        if resource.type == "workflow":
            from .workflows import validate_workflow

            return validate_workflow(resource)
        if resource.type == "trigger":
            from .triggers import unsupported

            refused = unsupported(resource.attributes)
            return [Diagnostic(refused[0], refused[1])] if refused else []
        return []

    def labels(self, address: str) -> dict[str, str]:
        """The labels every object made for `address` carries."""
        return object_labels(address, self.context.lineage, self.config.labels)

    def annotations(self, address: str) -> dict[str, str]:
        """The annotations every object made for `address` carries."""
        return object_annotations(address, self.config.annotations)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _kind(self, type_: str, address: str) -> _Kind:
        if type_ == "function":
            from .functions import Functions

            return Functions(self)
        if type_ == "runtime":
            from .runtimes import Runtimes

            return Runtimes()
        if type_ == "workflow":
            from .workflows import Workflows

            return Workflows(self)
        if type_ in ("event", "trigger"):
            from .triggers_kind import Events, Triggers

            return Events(self) if type_ == "event" else Triggers(self)
        raise ProviderError(
            f"{address}: the kubernetes provider cannot manage {type_!r} objects yet",
            allowed=RESOURCE_SCHEMAS,
        )


class _Kind(Protocol):
    """What each resource type's module implements."""

    def observe(self, prior: ResourceState) -> Observation: ...

    def create(self, resource: Resource) -> dict[str, Any]: ...

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]: ...

    def delete(self, prior: ResourceState) -> None: ...
