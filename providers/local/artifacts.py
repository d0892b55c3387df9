"""The "render" capability of the local provider: what it would store for a resource, for
review before an apply (`fnplan render`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fnplan.resources import Resource

#: attributes a function version's manifest leaves out: they describe the deployment
_NOT_IN_MANIFEST = frozenset({"keep_versions", "retain_versions"})


class LocalArtifacts:
    """A workflow's document (as stored in local/workflows/) and a function version's
    manifest (as stored beside its code); other kinds have nothing worth reviewing."""

    def render(self, resource: Resource) -> dict[str, str]:
        """File name -> text for one desired resource."""
        attributes = resource.attributes
        if resource.type == "workflow":
            return {"workflow.json": _json(attributes.get("document"))}
        if resource.type == "function":
            manifest = {
                "address": resource.address,
                "version": attributes.get("version"),
                "attributes": {k: v for k, v in attributes.items() if k not in _NOT_IN_MANIFEST},
            }
            return {"manifest.json": _json(manifest)}
        return {}


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
