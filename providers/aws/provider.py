"""AwsProvider: deploys fnplan's resources to AWS (docs/providers/aws.md).

Every call goes to the services at the provider block's `endpoint` when one is given (how
the tests run it, against moto in server mode), else to AWS itself. Objects are named from
their addresses within AWS's limits (fnplan.naming) and tagged with the address and the
state's lineage, so that `create` adopts only its own objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import ValidationError

from fnplan.errors import ProviderError
from fnplan.provider import (
    INVOKE_FUNCTION,
    RENDER,
    ROLLOUTS,
    RUN_HISTORY,
    RUN_WORKFLOW,
    BaseProvider,
    Observation,
    ProviderContext,
)
from fnplan.provider_schema import Diagnostic, PlannedChange
from fnplan.run import RunDirectoryHistory

from .clients import Clients
from .config import AwsConfig
from .data import DATA_SOURCES, read_data
from .events import Events
from .functions import Functions
from .importing import import_object
from .layers import check_requirement
from .ownership import object_tags
from .rollouts import AwsRollouts, rollout_diagnostics, rollout_notes
from .runner import AwsRunner
from .runtimes import Runtimes, lambda_runtime
from .scaling import scaling_diagnostics
from .schemas import RESOURCE_SCHEMAS
from .secrets import secret_diagnostics
from .step_resources import workflow_diagnostics
from .trigger_access import TriggerContext
from .triggers import Triggers
from .triggers_validate import trigger_diagnostics
from .workflows import Workflows

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState


class AwsProvider(AwsRunner, AwsRollouts, RunDirectoryHistory, BaseProvider):
    """Lambda functions and layers from fnplan's functions and runtimes, Step Functions state
    machines from its workflows, EventBridge rules, schedules and the other sources of its
    triggers (triggers.py); events are detail-types on the default bus."""

    name: ClassVar[str] = "aws"
    #: http, sql and shell steps run through objects of their own (step_resources.py)
    node_types: ClassVar[frozenset[str]] = frozenset(
        {"function", "workflow", "http", "sql", "shell"}
    )
    resource_schemas = RESOURCE_SCHEMAS
    #: existing buckets, roles, secrets and event buses read by name (providers/aws/data.py)
    data_sources = DATA_SOURCES
    config_model = AwsConfig
    #: every call waits on the network: threads overlap the waits
    threaded: ClassVar[bool] = True
    #: `fnplan render` prints the state machine definitions; `fnplan run` / `invoke` start
    #: executions and Lambda invocations; `fnplan runs` / `logs` read the logs they wrote;
    #: `fnplan rollout` moves a function's alias `live` (rollouts.py)
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {RENDER.name, RUN_WORKFLOW.name, INVOKE_FUNCTION.name, RUN_HISTORY.name, ROLLOUTS.name}
    )
    keyed_by_address: ClassVar[bool] = False

    def __init__(self, context: ProviderContext) -> None:
        self.context = context
        try:
            self.config = AwsConfig.model_validate(context.config)
        except ValidationError as exc:  # validate reports it at the block; this is the backstop
            raise ProviderError(f"provider aws: {exc.errors()[0]['msg']}") from None
        self.clients = Clients(self.config)
        self.prefix = self.config.name_prefix
        self.cache_dir = context.cache_dir or context.data_dir / "cache"
        self._runtimes = Runtimes(self.clients, self.config.name_prefix, self.cache_dir)

    def observe(self, prior: ResourceState) -> Observation:
        return self._kind(prior.type, prior.address).observe(prior)

    def create(self, resource: Resource) -> dict[str, Any]:
        return self._kind(resource.type, resource.address).create(resource)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self._kind(resource.type, resource.address).update(resource, prior)

    def delete(self, prior: ResourceState) -> None:
        self._kind(prior.type, prior.address).delete(prior)

    def import_object(self, type_: str, address: str, id: str) -> Observation:
        """An existing Lambda function or state machine by ARN or name (importing.py)."""
        return import_object(self.clients, type_, address, id)

    def read_data(self, type_: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return read_data(self.clients, type_, arguments)

    def render(self, resource: Resource) -> dict[str, str]:
        """Capability "render": a workflow's state machine definition (ASL JSON)."""
        if resource.type != "workflow":
            return {}
        return self._workflows(resource.address).render(resource)

    def validate_resource(self, resource: Resource) -> list[Diagnostic]:
        """Types this provider does not deploy yet, Lambda's runtimes and limits."""
        if resource.type not in RESOURCE_SCHEMAS:
            return [Diagnostic(f"the aws provider does not deploy {resource.type} blocks yet")]
        attributes = resource.attributes
        found: list[Diagnostic] = []
        if resource.type == "runtime":
            for spec in attributes.get("packages") or []:
                problem = check_requirement(str(spec))
                if problem:
                    found.append(Diagnostic(problem, "packages"))
        if resource.type == "workflow":
            found += workflow_diagnostics(attributes, self.config)
        if resource.type == "trigger":
            found += trigger_diagnostics(attributes)
        if resource.type != "function":
            return found
        language = str(attributes.get("runtime", {}).get("language", ""))
        if lambda_runtime(language) is None:
            found.append(Diagnostic(f"Lambda has no runtime for language {language!r}", "runtime"))
        memory, timeout = attributes.get("memory"), attributes.get("timeout")
        if isinstance(memory, int | float) and not 128 <= memory <= 10_240:
            found.append(
                Diagnostic(f"Lambda functions take 128 to 10240 MB, not {memory}", "memory")
            )
        if isinstance(timeout, int | float) and not 1 <= timeout <= 900:
            found.append(Diagnostic(f"Lambda functions run 1 to 900 s, not {timeout}", "timeout"))
        found += scaling_diagnostics(attributes) + rollout_diagnostics(attributes)
        return found + secret_diagnostics(attributes)

    def plan_change(self, change: PlannedChange) -> PlannedChange:
        """A function update's rollout steps, in order, as notes of the plan."""
        change.notes.extend(rollout_notes(change))
        return change

    def _kind(self, type_: str, address: str) -> _Kind:
        if type_ == "runtime":
            return self._runtimes
        if type_ == "function":
            return self._functions(address)
        if type_ == "workflow":
            return self._workflows(address)
        if type_ == "event":
            return Events(self.clients, self.config.event_bus)
        if type_ == "trigger":
            return self._triggers(address)
        raise ProviderError(
            f"{address}: the aws provider cannot manage {type_!r} objects yet",
            allowed=RESOURCE_SCHEMAS,
        )

    def _tags(self, address: str) -> dict[str, str]:
        return object_tags(address, self.context.lineage, self.config.tags)

    def _functions(self, address: str) -> Functions:
        config, lineage = self.config, self.context.lineage
        return Functions(
            self.clients, config.name_prefix, config.role_arn, self._tags(address), lineage
        )

    def _triggers(self, address: str) -> Triggers:
        config = self.config
        context = TriggerContext(
            self.clients,
            address,
            config.name_prefix,
            self._tags(address),
            self.context.lineage,
            config.role_arn,
            config.event_bus,
        )
        return Triggers(context)

    def _workflows(self, address: str) -> Workflows:
        tags, lineage = self._tags(address), self.context.lineage
        return Workflows(self.clients, self.config.name_prefix, tags, lineage, self.cache_dir)


class _Kind(Protocol):
    """What each resource type's module implements."""

    def observe(self, prior: ResourceState) -> Observation: ...

    def create(self, resource: Resource) -> dict[str, Any]: ...

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]: ...

    def delete(self, prior: ResourceState) -> None: ...
