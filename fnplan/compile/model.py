"""What compile produces: the desired resources of the whole configuration (all modules
flattened, addresses prefixed), the root outputs and the provider configurations."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fnplan.resources import Resource


class OutputSpec(BaseModel):
    """A root output; `value` may hold {"$ref": ADDRESS, "attr": NAME} placeholders that are
    filled from the state's resource outputs after apply."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    value: Any = None
    sensitive: bool = False
    description: str | None = None


class BackendSpec(BaseModel):
    """Where the state lives (the `fnplan { backend "TYPE" {} }` block, evaluated).

    Kept here rather than reusing the config model's block so that a warm plan, which loads
    a cached Desired, never imports the configuration models."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    type: str = "local"
    config: dict[str, Any] = Field(default_factory=dict)
    pos: str | None = None


class CompileWarning(BaseModel):
    """Something that compiles but probably is not what the author meant: shown by validate,
    never stopping anything."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    message: str
    pos: str | None = None  # "file:line:column"
    hint: str | None = None

    def render(self) -> str:
        """ "file:line:column: warning: message" (the file relative to the working directory
        when it lies below it), then the hint."""
        import os

        from fnplan.errors import SourcePos

        text = f"warning: {self.message}"
        pos = SourcePos.parse(self.pos)
        if pos is not None:
            relative = os.path.relpath(pos.file) if os.path.isabs(pos.file) else pos.file
            file = pos.file if relative.startswith("..") else relative
            text = f"{file}:{pos.line}:{pos.column}: {text}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class ResourceLifecycle(BaseModel):
    """A resource's `lifecycle` block, compiled (fnplan.compile.lifecycle); `pos` is the
    block's position, for errors naming it."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    ignore_all: bool = False
    ignore_changes: list[str] = Field(default_factory=list)
    prevent_destroy: bool = False
    #: None: the planner decides (create first when something depends on the resource)
    create_before_destroy: bool | None = None
    pos: str | None = None


class MoveSpec(BaseModel):
    """A `moved { from, to }` block: the record at `source` now belongs to `target`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    source: str
    target: str
    pos: str | None = None


class ImportSpec(BaseModel):
    """An `import { to, id }` block: adopt the existing object `id` at its address."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    pos: str | None = None


class Desired(BaseModel):
    """What the configuration asks for: the compiled resources and outputs the planner diffs."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    resources: dict[str, Resource] = Field(default_factory=dict)
    outputs: dict[str, OutputSpec] = Field(default_factory=dict)
    #: the evaluated attributes of each `provider` block, by address ("aws", "aws.west")
    providers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    backend: BackendSpec = Field(default_factory=BackendSpec)
    #: hash of every input (files, sources, variables) the configuration was compiled from
    config_hash: str = ""
    #: the string values of `sensitive` variables, which human output must not show
    redact: list[str] = Field(default_factory=list)
    #: what validate reports without failing (see CompileWarning)
    warnings: list[CompileWarning] = Field(default_factory=list)
    #: the resources whose attributes refer to other resources' outputs ({"$ref"} placeholders
    #: the plan fills or shows as known after apply: fnplan.plan.unknowns)
    referring: list[str] = Field(default_factory=list)
    #: the `import` blocks of every module, by the address they adopt an object for
    imports: dict[str, ImportSpec] = Field(default_factory=dict)
    #: the addresses of every `data` block read while loading (`data.TYPE.NAME`)
    reads: list[str] = Field(default_factory=list)
    #: resource address -> its lifecycle block (only resources that have one)
    lifecycle: dict[str, ResourceLifecycle] = Field(default_factory=dict)
    #: the `moved` blocks of every module
    moved: list[MoveSpec] = Field(default_factory=list)

    def providers_used(self) -> set[str]:
        """The provider addresses the desired resources are deployed with."""
        return {resource.provider for resource in self.resources.values()}
