"""The state: what fnplan last recorded about each deployed object.

Plain data with its own serialisation (schemas/state.schema.json is generated from these
models). Resources are keyed by address; JSON lists them sorted by address.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fnplan import __version__

STATE_FORMAT_VERSION = 1


class ResourceState(BaseModel):
    """One deployed object as last recorded.

    pending  set when an apply recorded its intent to create/update/delete this object but
             was interrupted before the result: the next plan observes the real object and
             settles it (nothing is assumed).
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    address: str
    type: str
    provider: str
    attributes: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict)
    dependencies: list[str] = Field(default_factory=list)
    group: str = ""
    pending: Literal["create", "update", "delete"] | None = None
    #: the resource's lifecycle had prevent_destroy at its last apply: removing its block
    #: does not make it deletable
    prevent_destroy: bool = False


class OutputValue(BaseModel):
    """A root output as last applied."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    value: Any = None
    sensitive: bool = False


class State(BaseModel):
    """The whole recorded state of one project (one backend)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    format_version: int = STATE_FORMAT_VERSION
    fnplan_version: str = __version__
    lineage: str = Field(default_factory=lambda: str(uuid.uuid4()))
    serial: int = 0
    resources: dict[str, ResourceState] = Field(default_factory=dict)
    outputs: dict[str, OutputValue] = Field(default_factory=dict)
    #: old objects of create-before-destroy replacements still to delete, by deposed key: the
    #: apply was killed, or their delete failed, after the new object was created
    deposed: dict[str, ResourceState] = Field(default_factory=dict)
    #: values of sensitive variables at the last apply, so a later plan hides them in the
    #: "before" side of its diffs too
    redact: list[str] = Field(default_factory=list)
