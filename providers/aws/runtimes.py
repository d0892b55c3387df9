"""runtime → a Lambda layer when it has `packages` (layers.py), else no AWS object: its
language is the Lambda runtime identifier, and its memory, timeout and environment reach each
function through the function's attributes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation

from .clients import Clients
from .layers import (
    build_layer,
    content_hash,
    delete_layer_versions,
    find_layer,
    layer_name,
    publish_layer,
)

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

ARCHITECTURE = "x86_64"
#: what observe reports as `packages` when the layer version functions would use is not the
#: one fnplan published (a version with fnplan's content hash published by hand)
REPLACED_LAYER = "(layer version replaced outside fnplan)"


def lambda_runtime(language: str) -> str | None:
    """Lambda's runtime identifier for a runtime's `language` (None: Lambda has none)."""
    if language.startswith("python3.") and language.removeprefix("python3.").isdigit():
        return language
    if language.startswith("nodejs") and language.endswith(".x"):
        return language
    return None


def layer_key(runtime: dict[str, Any]) -> str | None:
    """The content hash of a runtime's layer (None: it has no packages)."""
    packages = list(runtime.get("packages") or [])
    if not packages:
        return None
    python = str(runtime.get("language", "")).removeprefix("python")
    return content_hash(packages, python, ARCHITECTURE)


class Runtimes:
    """A runtime's layer: published when its packages are new, found again by content."""

    def __init__(self, clients: Clients, prefix: str, cache_dir: Path) -> None:
        self.clients = clients
        self.prefix = prefix
        self.cache_dir = cache_dir

    def observe(self, prior: ResourceState) -> Observation:
        # what AWS holds of a runtime is its layer, found by the key of its packages: the
        # attributes read back are the recorded ones, or none when the layer is gone
        attributes = dict(prior.attributes)
        key = layer_key(prior.attributes)
        if key is None:
            return Observation(exists=True, attributes=attributes, outputs=dict(prior.outputs))
        name = layer_name(prior.address, self.prefix)
        found = find_layer(self.clients, prior.address, name, key)
        if found is None:
            return Observation(exists=False)
        if found != prior.outputs.get("layer_arn", found):
            attributes["packages"] = [REPLACED_LAYER]
        return Observation(exists=True, attributes=attributes, outputs=dict(prior.outputs))

    def create(self, resource: Resource, replacing: str | None = None) -> dict[str, Any]:
        runtime = lambda_runtime(str(resource.attributes.get("language", "")))
        if runtime is None:
            raise ProviderError(f"{resource.address}: Lambda has no runtime for this language")
        key = layer_key(resource.attributes)
        if key is None:
            return {"lambda_runtime": runtime, "layer_arn": None}
        python = runtime.removeprefix("python")
        packages = list(resource.attributes["packages"])
        data = build_layer(packages, python, ARCHITECTURE, self.cache_dir)
        name = layer_name(resource.address, self.prefix)
        arn = publish_layer(
            self.clients, resource.address, name, data, key, runtime, replacing=replacing
        )
        return {"lambda_runtime": runtime, "layer_arn": arn}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Publish the layer of the new packages; a layer version that replaced fnplan's
        outside fnplan is superseded by a new one fnplan builds."""
        same_packages = layer_key(resource.attributes) == layer_key(prior.attributes)
        replaced = self._replaced_by(prior) if same_packages else None
        return self.create(resource, replacing=replaced)

    def _replaced_by(self, prior: ResourceState) -> str | None:
        """The layer version functions of this runtime would use, when it is not the one
        fnplan published."""
        key, recorded = layer_key(prior.attributes), prior.outputs.get("layer_arn")
        if key is None or not recorded:
            return None
        name = layer_name(prior.address, self.prefix)
        found = find_layer(self.clients, prior.address, name, key)
        return found if found not in (None, recorded) else None

    def delete(self, prior: ResourceState) -> None:
        """Delete the layer versions fnplan published for this runtime."""
        if layer_key(prior.attributes) is not None:
            name = layer_name(prior.address, self.prefix)
            delete_layer_versions(self.clients, prior.address, name)
