"""The provider protocol: the only thing the engine knows about a cloud.

A provider is Crossplane-style: observe / create / update / delete, each idempotent.
Providers are found through the entry-point group "fnplan.providers" and imported only
when a configuration uses them, so `fnplan --version` never imports a cloud SDK.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast, runtime_checkable

# the context of each provider call (progress, deadline, cancellation): docs/providers/protocol.md
from fnplan.provider_call import Call as Call
from fnplan.provider_call import current_call as current_call
from fnplan.provider_schema import DataSourceSchema, Diagnostic, PlannedChange, ResourceSchema

if TYPE_CHECKING:
    from pydantic import BaseModel

    from fnplan.resources import Resource
    from fnplan.run.executor import RunResult
    from fnplan.run.history import Execution
    from fnplan.run.options import RunOptions
    from fnplan.run.records import LogRecord
    from fnplan.state.model import ResourceState

ENTRY_POINT_GROUP = "fnplan.providers"


@dataclass(frozen=True, slots=True)
class ProviderContext:
    """What a provider instance is given when it is configured.

    project_dir  the directory the configuration was loaded from (paths resolve against it)
    data_dir     the private data directory of the selected workspace (".fnplan" under
                 project_dir; ".fnplan/workspaces/NAME" for a workspace other than default)
    config       the evaluated attributes of the `provider "NAME" {}` block
    alias        the alias of that block, or None for the default configuration
    lineage      the lineage of the state being planned or applied (None outside of one):
                 a provider marks the objects it creates with it, so that `create` adopts
                 only its own and refuses foreign ones (`fnplan import` adopts those)
    cache_dir    the user's fnplan cache (FNPLAN_CACHE_DIR, else ~/.cache/fnplan), for what
                 a provider builds and can rebuild (e.g. packages for a cloud's platform)
    """

    project_dir: Path
    data_dir: Path
    config: dict[str, Any] = field(default_factory=dict)
    alias: str | None = None
    lineage: str | None = None
    cache_dir: Path | None = None


@dataclass(slots=True)
class Observation:
    """What really exists for one address.

    exists      False when the object is gone (or was never created).
    attributes  the actual attributes in fnplan's vocabulary (same keys as Resource.attributes);
                providers may omit keys they cannot read back, which are then not compared.
    outputs     values known only after creation (ids, endpoints, version numbers).
    """

    exists: bool
    attributes: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    def differs_from(self, desired: dict[str, Any]) -> list[str]:
        """Top-level attribute names whose actual value is not the desired one."""
        return sorted(k for k, v in self.attributes.items() if k in desired and desired[k] != v)

    def up_to_date(self, desired: dict[str, Any]) -> bool:
        return self.exists and not self.differs_from(desired)


@runtime_checkable
class Provider(Protocol):
    """A deployment target (protocol v2, docs/providers/protocol.md). Methods may be called
    concurrently from several threads unless `threaded` is False.

    observe/create/update/delete are the heart: create/update return the resource's outputs
    (recorded in state); delete of an object that is gone succeeds. Failures raise
    fnplan.errors.ProviderError with the platform's own message. Real providers subclass
    BaseProvider, which gives every optional declaration and hook a default.
    """

    name: ClassVar[str]
    #: workflow step node types this provider can run: function, workflow, sql, shell, http
    #: (validate rejects a step of another type on this provider)
    node_types: ClassVar[frozenset[str]]
    #: per resource type: the attributes it accepts, the outputs it returns, the replace paths
    resource_schemas: ClassVar[Mapping[str, ResourceSchema]]
    #: per data source type: the arguments a `data` block passes and the attributes it reads
    data_sources: ClassVar[Mapping[str, DataSourceSchema]]
    #: the pydantic model of the `provider "NAME" {}` block, checked by validate (None: the
    #: provider checks its configuration itself)
    config_model: ClassVar[type[BaseModel] | None]
    #: whether calls gain from running in several threads at once (network-bound providers:
    #: True); a provider whose calls are local CPU and file work says False, and refresh and
    #: apply then call it from one thread at a time
    threaded: ClassVar[bool]
    #: what the provider can do besides deploying (the names of the Capability constants
    #: below, e.g. "run-workflow"); the engine asks for one with `capability()`
    capabilities: ClassVar[frozenset[str]]
    #: whether objects are stored under fnplan's address (moving one needs `move`)
    keyed_by_address: ClassVar[bool]

    def __init__(self, context: ProviderContext) -> None: ...

    def observe(self, prior: ResourceState) -> Observation: ...

    def create(self, resource: Resource) -> dict[str, Any]: ...

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]: ...

    def delete(self, prior: ResourceState) -> None: ...

    def validate_resource(self, resource: Resource) -> list[Diagnostic]: ...

    def plan_change(self, change: PlannedChange) -> PlannedChange: ...

    def import_object(self, type_: str, address: str, id: str) -> Observation: ...

    def read_data(self, type_: str, arguments: dict[str, Any]) -> dict[str, Any]: ...

    def move(self, prior: ResourceState, new_address: str) -> dict[str, Any]: ...

    def close(self) -> None: ...


class BaseProvider:
    """What real providers subclass: every optional declaration and hook with its default,
    so a provider implements observe/create/update/delete and only what it needs beyond."""

    name: ClassVar[str]
    node_types: ClassVar[frozenset[str]] = frozenset()
    resource_schemas: ClassVar[Mapping[str, ResourceSchema]] = {}
    data_sources: ClassVar[Mapping[str, DataSourceSchema]] = {}
    config_model: ClassVar[type[BaseModel] | None] = None
    threaded: ClassVar[bool] = True
    capabilities: ClassVar[frozenset[str]] = frozenset()
    keyed_by_address: ClassVar[bool] = False
    #: seconds an operation ("observe", "create", "update", "delete") may take, where the
    #: engine's defaults do not suit (fnplan.apply.calls.DEFAULT_TIMEOUTS); --timeout wins
    timeouts: ClassVar[Mapping[str, float]] = {}

    def validate_resource(self, resource: Resource) -> list[Diagnostic]:
        """Provider rules beyond the schema (naming, limits); none by default."""
        return []

    def plan_change(self, change: PlannedChange) -> PlannedChange:
        """Refine a planned change (force replacement, predict outputs); unchanged by default."""
        return change

    def import_object(self, type_: str, address: str, id: str) -> Observation:
        """Read the existing object `id` so that `address` adopts it."""
        from fnplan.errors import ProviderError

        raise ProviderError(f"{address}: provider {self.name} cannot import {type_} objects")

    def read_data(self, type_: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Read an existing object a `data` block names."""
        from fnplan.errors import ProviderError

        raise ProviderError(
            f"provider {self.name} has no data source {type_!r}", allowed=self.data_sources
        )

    def move(self, prior: ResourceState, new_address: str) -> dict[str, Any]:
        """The outputs of `prior`'s object at `new_address`: unchanged when objects are not
        keyed by address; a provider that keys them so must move them itself."""
        from fnplan.errors import ProviderError

        if self.keyed_by_address:
            raise ProviderError(
                f"provider {self.name} cannot move {prior.address} to {new_address}: "
                "its objects are named after their address"
            )
        return dict(prior.outputs)

    def close(self) -> None:
        """Release connections and background work at the end of a command; nothing here."""


@runtime_checkable
class WorkflowRunner(Protocol):
    """Capability "run-workflow": run a deployed workflow for `fnplan run` (and triggers).

    Runs one execution to its end and returns how it ended (step failures do not raise);
    raises FnplanError when the workflow cannot be started (not deployed, bad options).
    """

    def run_workflow(self, address: str, input: Any, *, options: RunOptions) -> RunResult: ...


@runtime_checkable
class FunctionInvoker(Protocol):
    """Capability "invoke-function": invoke one deployed function version for `fnplan invoke`
    (the latest one when `version` is None); like WorkflowRunner.run_workflow."""

    def invoke_function(
        self, address: str, input: Any, *, version: str | None, options: RunOptions
    ) -> RunResult: ...


@runtime_checkable
class EventDelivery(Protocol):
    """Capability "deliver-events": the triggers and event types the provider deployed, so
    that `fnplan emit` and `fnplan serve` can deliver events, requests and ticks to them.

    triggers      every deployed trigger: its attributes plus "address"
    event_types   event type -> {"address", "name", "type", "schema"} of deployed event blocks
    input_schema  the input schema of a deployed workflow or function (None: any input);
                  FnplanError when the target is not deployed
    """

    def triggers(self) -> list[dict[str, Any]]: ...

    def event_types(self) -> dict[str, dict[str, Any]]: ...

    def input_schema(self, address: str) -> dict[str, Any] | None: ...


@runtime_checkable
class RunHistory(Protocol):
    """Capability "run-history": past executions and their log records (`runs`, `logs`).

    execution_records  the records of one execution (the latest when None), following it
                       until it ends with `follow`; returns its id and the records
    """

    def executions(self, address: str, limit: int) -> list[Execution]: ...

    def execution_records(
        self, address: str, execution_id: str | None, *, follow: bool
    ) -> tuple[str, Iterator[LogRecord]]: ...


@runtime_checkable
class ExecutionStopper(Protocol):
    """Capability "stop-execution": stop a running execution of a deployed workflow."""

    def stop_execution(self, address: str, execution_id: str) -> None: ...


@runtime_checkable
class ArtifactRenderer(Protocol):
    """Capability "render": the provider's own artifacts for a resource, for review (a state
    machine definition, Kubernetes manifests): file name -> text."""

    def render(self, resource: Resource) -> dict[str, str]: ...


@runtime_checkable
class RolloutController(Protocol):
    """Capability "rollouts": gradual rollouts of new versions (`fnplan rollout ...`). Each
    call gets the resource's record in the state: its address and what its apply recorded
    (such as the name an imported object kept)."""

    def rollout_status(self, deployed: ResourceState) -> dict[str, Any]: ...

    def promote_rollout(self, deployed: ResourceState) -> None: ...

    def abort_rollout(self, deployed: ResourceState) -> None: ...


C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class Capability(Generic[C]):
    """A named capability: what a provider lists in `capabilities` and the protocol it then
    implements; `doing` completes "provider X cannot ..."."""

    name: str
    doing: str
    protocol: type  # C itself: mypy cannot take a Protocol for type[C]


RUN_WORKFLOW: Capability[WorkflowRunner] = Capability(
    "run-workflow", "run workflows", WorkflowRunner
)
INVOKE_FUNCTION: Capability[FunctionInvoker] = Capability(
    "invoke-function", "invoke functions", FunctionInvoker
)
DELIVER_EVENTS: Capability[EventDelivery] = Capability(
    "deliver-events", "deliver events to triggers", EventDelivery
)
RUN_HISTORY: Capability[RunHistory] = Capability(
    "run-history", "read run history and logs", RunHistory
)
STOP_EXECUTION: Capability[ExecutionStopper] = Capability(
    "stop-execution", "stop a running execution", ExecutionStopper
)
RENDER: Capability[ArtifactRenderer] = Capability(
    "render", "render its artifacts", ArtifactRenderer
)
ROLLOUTS: Capability[RolloutController] = Capability(
    "rollouts", "manage rollouts", RolloutController
)
#: every capability, by name
CAPABILITIES: dict[str, Capability[Any]] = {
    cap.name: cap
    for cap in (
        RUN_WORKFLOW,
        INVOKE_FUNCTION,
        DELIVER_EVENTS,
        RUN_HISTORY,
        STOP_EXECUTION,
        RENDER,
        ROLLOUTS,
    )
}


def has_capability(provider: Provider, wanted: Capability[Any]) -> bool:
    """Whether `provider` declares `wanted` in its `capabilities`."""
    return wanted.name in provider.capabilities


def capability(provider: Provider, wanted: Capability[C], address: str | None = None) -> C:
    """`provider` as the implementation of `wanted`, which it must declare; else a
    FnplanError "provider ADDRESS cannot ..." naming what it can do."""
    from fnplan.errors import FnplanError, ProviderError

    label = address or provider.name
    if not has_capability(provider, wanted):
        raise FnplanError(f"provider {label} cannot {wanted.doing}", allowed=provider.capabilities)
    if not isinstance(provider, wanted.protocol):
        raise ProviderError(
            f"provider {label} declares {wanted.name!r} but does not implement "
            f"{wanted.protocol.__name__}"
        )
    return cast(C, provider)


def keyed_by_address(provider_address: str) -> bool:
    """Whether a provider stores what it deploys under fnplan's address (the local provider
    does): such objects cannot follow `fnplan state mv`, they would be left behind."""
    cls = provider_class(provider_address.partition(".")[0])
    return bool(getattr(cls, "keyed_by_address", False))


def is_threaded(provider: Provider) -> bool:
    """Whether to call `provider` from several threads at once (see Provider.threaded)."""
    return bool(getattr(provider, "threaded", True))


def provider_class(name: str) -> type[Provider]:
    """Load the provider class registered under `name` in the entry-point group."""
    from importlib.metadata import entry_points

    from fnplan.errors import ConfigError

    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if name not in found:
        raise ConfigError(f"unknown provider {name!r}", allowed=found)
    cls: type[Provider] = found[name].load()
    check_capabilities(cls)
    return cls


def check_capabilities(cls: type[Provider]) -> None:
    """A provider class must declare its capabilities, by known names (a typo would silently
    take a command away from its users)."""
    from fnplan.errors import ProviderError

    declared = getattr(cls, "capabilities", None)
    if not isinstance(declared, frozenset):
        raise ProviderError(
            f"provider {cls.name} declares no `capabilities` "
            "(a frozenset of names; empty when it only deploys)"
        )
    unknown = sorted(declared - CAPABILITIES.keys())
    if unknown:
        raise ProviderError(
            f"provider {cls.name} declares unknown capabilities: {', '.join(unknown)}",
            allowed=CAPABILITIES,
        )


def open_providers(
    configs: Mapping[str, Mapping[str, Any]],
    needed: set[str],
    project_dir: Path,
    *,
    lineage: str | None = None,
) -> dict[str, Provider]:
    """Instantiate one provider per address in `needed` ("local", "aws", "aws.west").

    `configs` maps provider addresses to their evaluated `provider` block attributes; an
    address with no block (typically "local") gets an empty configuration; `lineage` is the
    state's (ProviderContext.lineage).
    """
    from fnplan.workspace import user_cache_dir, workspace_data_dir

    data_dir = workspace_data_dir(project_dir)  # each workspace deploys its own objects
    providers: dict[str, Provider] = {}
    for address in sorted(needed):
        name, _, alias = address.partition(".")
        block = configs.get(address)
        context = ProviderContext(
            project_dir=project_dir,
            data_dir=data_dir,
            config=dict(block) if block is not None else {},
            alias=alias or None,
            lineage=lineage,
            cache_dir=user_cache_dir(),
        )
        providers[address] = provider_class(name)(context)
    _OPENED.extend(providers.values())
    return providers


#: every provider opened by this process and not closed yet (close_opened_providers)
_OPENED: list[Provider] = []
#: what failed to close so far, reported by close_opened_providers
_CLOSE_FAILURES: list[str] = []


def close_providers(providers: Iterable[Provider]) -> None:
    """Close each of `providers` (instances open_providers returned) unless it is closed
    already: close() is called once per instance, however many places close it."""
    for provider in providers:
        if not any(opened is provider for opened in _OPENED):
            continue
        _OPENED[:] = [opened for opened in _OPENED if opened is not provider]
        close = getattr(provider, "close", None)  # a class without BaseProvider may lack it
        try:
            if close is not None:
                close()
        except Exception as error:  # one failing close must not keep the others open
            _CLOSE_FAILURES.append(
                f"provider {provider.name}: close failed: {type(error).__name__}: {error}"
            )


def close_opened_providers() -> list[str]:
    """Close every provider opened and not closed yet (the CLI does at the end of every
    command, also after an error); the messages of those that failed to close."""
    close_providers(list(reversed(_OPENED)))
    failures = list(_CLOSE_FAILURES)
    _CLOSE_FAILURES.clear()
    return failures
