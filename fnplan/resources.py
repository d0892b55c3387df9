"""The compiled, desired form of one provider object: what compile emits and providers consume.

Attributes are plain JSON data (no models, no expressions still to evaluate except the
run-time ones embedded in workflow documents as {"$expr": ...}), so they diff, hash and
serialise cheaply at 10,000 resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ResourceType = Literal["runtime", "function", "workflow", "event", "trigger"]


class Resource(BaseModel):
    """One desired provider object.

    address    unique, e.g. "function.resize", "module.vision.workflow.classify",
               "workflow.thumbnail.function.resize" (a dedicated copy).
    provider   the provider configuration it belongs to: "local", "aws", "aws.west" (alias).
    group      the user's block this came from, used to group plan output
               (a dedicated copy's group is its workflow's address).
    depends_on addresses that must exist before this one (and be deleted after it).
    pos        "file:line:column" of the block that declared it, for messages.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    address: str
    type: ResourceType
    provider: str = "local"
    attributes: dict[str, Any] = Field(default_factory=dict)
    depends_on: list[str] = Field(default_factory=list)
    group: str = ""
    pos: str | None = None


#: Paths `fnplan serve` answers itself; an http trigger cannot take them.
SERVE_PATHS = frozenset({"/events", "/metrics", "/healthz"})


def http_route(trigger_name: str, source_config: Mapping[str, Any]) -> tuple[str, str]:
    """(METHOD, path) an http trigger is served at: `path` defaults to /NAME, `method` to POST."""
    path = "/" + str(source_config.get("path") or trigger_name).lstrip("/")
    return str(source_config.get("method") or "POST").upper(), path
