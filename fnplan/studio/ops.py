"""Graph operations on a workflow's text (what `fnplan edit` applies and `fnplan diff` emits):
one pydantic model per operation, so a JSON list is checked before any file is touched."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

WorkflowAddress = Annotated[
    str, Field(pattern=r"^(module\.[A-Za-z_][A-Za-z0-9_-]*\.)*workflow\.[A-Za-z_][A-Za-z0-9_-]*$")
]
StepName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")]
StepAddress = Annotated[str, Field(pattern=r"^step\.[A-Za-z_][A-Za-z0-9_-]*$")]
AttributeName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")]


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    workflow: WorkflowAddress


class AddStep(_Op):
    """A new `step "NAME"` block at the end of the workflow; attribute values are HCL source."""

    op: Literal["add_step"]
    step: StepName
    attributes: dict[AttributeName, str] = Field(default_factory=dict)


class RemoveStep(_Op):
    """Deletes the step's block (its comments above it go with it)."""

    op: Literal["remove_step"]
    step: StepName


class RenameStep(_Op):
    """Renames the step and every `step.OLD` reference to it inside the workflow."""

    op: Literal["rename_step"]
    step: StepName
    to: StepName


class _Edge(_Op):
    source: StepAddress = Field(alias="from")
    target: StepAddress = Field(alias="to")
    kind: Literal["sequential", "error"]
    errors: list[str] | None = Field(
        default=None, description='error edges only: the errors caught (default ["any"])'
    )


class AddEdge(_Edge):
    """A `depends_on` entry in the target (sequential) or a `catch` block in the source
    (error)."""

    op: Literal["add_edge"]


class RemoveEdge(_Edge):
    """Removes the `depends_on` entry or the `catch` block the edge is."""

    op: Literal["remove_edge"]


class SetAttribute(_Op):
    """Sets a step attribute to an HCL expression (`"function.x"`, `"\\"text\\""`); data and
    conditional edges change this way, through `input` and `when`."""

    op: Literal["set_attribute"]
    step: StepName
    attribute: AttributeName
    value: str


class UnsetAttribute(_Op):
    """Removes a step attribute (it goes back to its default)."""

    op: Literal["unset_attribute"]
    step: StepName
    attribute: AttributeName


class SetIsolation(_Op):
    """Changes the workflow's `isolation`."""

    op: Literal["set_isolation"]
    isolation: Literal["shared", "dedicated"]


class MoveStep(_Op):
    """Moves a step into another workflow (e.g. into or out of a nested workflow)."""

    op: Literal["move_step"]
    step: StepName
    into: WorkflowAddress


Operation = Annotated[
    AddStep
    | RemoveStep
    | RenameStep
    | AddEdge
    | RemoveEdge
    | SetAttribute
    | UnsetAttribute
    | SetIsolation
    | MoveStep,
    Field(discriminator="op"),
]
OPERATIONS: TypeAdapter[list[Operation]] = TypeAdapter(list[Operation])


def parse_operations(data: object) -> list[Operation]:
    """Operations from parsed JSON (raises pydantic's ValidationError when malformed)."""
    return OPERATIONS.validate_python(data)


def dump_operations(ops: list[Operation]) -> list[dict[str, object]]:
    """The JSON form, with `from`/`to` as written."""
    return [op.model_dump(by_alias=True, exclude_none=True) for op in ops]


def operations_schema() -> dict[str, object]:
    """The JSON Schema of an operations file (schemas/graph-ops.schema.json)."""
    schema = OPERATIONS.json_schema(by_alias=True)
    return {"title": "fnplan graph operations", **schema}
