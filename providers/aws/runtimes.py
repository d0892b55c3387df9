"""runtime → no AWS object of its own: Lambda runtimes are identifiers, and a runtime's
language, memory, timeout and environment reach each function through its attributes.
(A runtime with `packages` needs a layer, which this provider does not build yet: validate
says so.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.provider import Observation

from .functions import lambda_runtime

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState


class Runtimes:
    """Nothing to create or delete; the outputs name the Lambda runtime."""

    def observe(self, prior: ResourceState) -> Observation:
        return Observation(exists=True, outputs=dict(prior.outputs))

    def create(self, resource: Resource) -> dict[str, Any]:
        return {"lambda_runtime": lambda_runtime(str(resource.attributes.get("language", "")))}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        return None
