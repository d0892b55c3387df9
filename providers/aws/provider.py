"""AwsProvider: deploys fnplan's resources to AWS (docs/providers/aws.md).

Every call goes to the services at the provider block's `endpoint` when one is given (how
the tests run it, against moto in server mode), else to AWS itself. Objects are named from
their addresses within AWS's limits (fnplan.naming) and tagged with the address and the
state's lineage, so that `create` adopts only its own objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError

from fnplan.errors import ProviderError
from fnplan.provider import BaseProvider, Observation, ProviderContext
from fnplan.provider_schema import Diagnostic

from .clients import Clients
from .config import AwsConfig
from .functions import Functions
from .layers import check_requirement
from .ownership import object_tags
from .runtimes import Runtimes, lambda_runtime
from .schemas import RESOURCE_SCHEMAS

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState


class AwsProvider(BaseProvider):
    """Lambda functions from fnplan's functions and runtimes (workflows, events and
    triggers come next: validate says which types it deploys)."""

    name: ClassVar[str] = "aws"
    node_types: ClassVar[frozenset[str]] = frozenset()
    resource_schemas = RESOURCE_SCHEMAS
    config_model = AwsConfig
    #: every call waits on the network: threads overlap the waits
    threaded: ClassVar[bool] = True
    capabilities: ClassVar[frozenset[str]] = frozenset()
    keyed_by_address: ClassVar[bool] = False

    def __init__(self, context: ProviderContext) -> None:
        self.context = context
        try:
            self.config = AwsConfig.model_validate(context.config)
        except ValidationError as exc:  # validate reports it at the block; this is the backstop
            raise ProviderError(f"provider aws: {exc.errors()[0]['msg']}") from None
        self.clients = Clients(self.config)
        cache_dir = context.cache_dir or context.data_dir / "cache"
        self._runtimes = Runtimes(self.clients, self.config.name_prefix, cache_dir)

    def observe(self, prior: ResourceState) -> Observation:
        if prior.type == "runtime":
            return self._runtimes.observe(prior)
        return self._functions(prior.address).observe(prior)

    def create(self, resource: Resource) -> dict[str, Any]:
        if resource.type == "runtime":
            return self._runtimes.create(resource)
        return self._functions(resource.address).create(resource, self.context.lineage)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        if resource.type == "runtime":
            return self._runtimes.update(resource, prior)
        return self._functions(resource.address).update(resource, prior)

    def delete(self, prior: ResourceState) -> None:
        if prior.type == "runtime":
            return self._runtimes.delete(prior)
        return self._functions(prior.address).delete(prior)

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
        return found

    def _functions(self, address: str) -> Functions:
        tags = object_tags(address, self.context.lineage, self.config.tags)
        return Functions(self.clients, self.config.name_prefix, self.config.role_arn, tags)
