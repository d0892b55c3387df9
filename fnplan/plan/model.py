"""A plan: per resource, the action, the attribute diff and the reasons; plain data.

`fnplan plan --json` prints it, `--out FILE` saves it, `apply FILE` executes it exactly
(refused when the state's lineage or serial moved on). schemas/plan.schema.json is
generated from these models.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fnplan import __version__
from fnplan.resources import Resource

PLAN_FORMAT_VERSION = 1

Action = Literal["create", "update", "replace", "delete", "noop"]


class AttrChange(BaseModel):
    """One changed attribute.

    `path` is dotted from the top (e.g. "env.LOG_FORMAT", "steps[2].input").
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    path: str
    before: Any = None
    after: Any = None
    forces_replacement: bool = False
    #: the value is not known until apply (e.g. an id the provider assigns)
    known_after_apply: bool = False


class ResourceChange(BaseModel):
    """What apply will do to one address, and why."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    address: str
    type: str
    provider: str
    group: str = ""
    action: Action
    reasons: list[str] = Field(default_factory=list)
    changes: list[AttrChange] = Field(default_factory=list)
    #: attributes found changed outside fnplan during refresh
    drift: list[AttrChange] = Field(default_factory=list)
    before: dict[str, Any] | None = None
    #: the desired resource (absent for delete)
    resource: Resource | None = None
    #: replace: create the new object before deleting the old (something depends on it)
    create_before_destroy: bool = False
    #: the ID of the existing object an `import` block adopts at this address (apply records
    #: it first, then makes the change)
    importing: str | None = None
    #: the resource's lifecycle has prevent_destroy (the state records it, so that removing
    #: the block cannot delete it either)
    prevent_destroy: bool = False
    #: the address a `moved` block renames this resource from (apply moves the record first)
    moved_from: str | None = None
    #: delete of a deposed object: the key of the old object a create-before-destroy
    #: replacement left behind (State.deposed)
    deposed: str | None = None


class OutputChange(BaseModel):
    """What apply will do to one root output (values shown unless sensitive)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    action: Action
    before: Any = None
    after: Any = None
    sensitive: bool = False
    known_after_apply: bool = False


class PlanSummary(BaseModel):
    """The "N to add, N to change, N to destroy" counts (a replacement counts as add + destroy)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    add: int = 0
    change: int = 0
    destroy: int = 0
    imported: int = 0


class Plan(BaseModel):
    """The whole plan against one state (lineage + serial pin it)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    format_version: int = PLAN_FORMAT_VERSION
    fnplan_version: str = __version__
    lineage: str
    serial: int
    destroy: bool = False
    targets: list[str] = Field(default_factory=list)
    replace: list[str] = Field(default_factory=list)
    #: hash of the configuration and variables the plan was made from
    config_hash: str = ""
    #: the evaluated `provider` blocks by address, so a saved plan applies exactly as planned
    providers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: strings the human rendering shows as "(sensitive)": values of sensitive variables (the
    #: plan's attributes hold them anyway, as the state does)
    redact: list[str] = Field(default_factory=list)
    #: the `data` blocks read to make this plan (their values are in the attributes)
    reads: list[str] = Field(default_factory=list)
    changes: list[ResourceChange] = Field(default_factory=list)
    outputs: list[OutputChange] = Field(default_factory=list)
    summary: PlanSummary = Field(default_factory=PlanSummary)

    def has_changes(self) -> bool:
        """Whether applying would do anything (to a resource or an output)."""
        return any(c.action != "noop" or c.moved_from or c.importing for c in self.changes) or any(
            o.action != "noop" for o in self.outputs
        )
