"""The compiled, provider-independent workflow document.

Compile emits one per deployed workflow (the `document` attribute of a workflow resource);
every provider consumes it: the local executor runs it, AWS translates it to ASL, Kubernetes
to an Argo WorkflowTemplate. schemas/workflow.schema.json is generated from these models.

Run-time values (anything that refers to `input.*` or `step.NAME.output.*`) are kept as
expressions: a JSON object {"$expr": "<HCL expression source>"} anywhere inside `input`,
`when`, `params`, `output`, ... . fnplan.expr parses and evaluates that source with the
scope {"input": <workflow input>, "step": {NAME: {"output": ...}}}. Everything else is
already a plain JSON value.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

NodeType = Literal["function", "workflow", "sql", "shell", "http"]
EdgeKind = Literal["sequential", "data", "conditional", "error"]
Nesting = Literal["inline", "call"]
Isolation = Literal["shared", "dedicated"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Retry(_Model):
    """Retry policy of one step; attempts include the first one."""

    max_attempts: int = 1
    backoff: Literal["fixed", "linear", "exponential"] = "fixed"
    interval: float = 1.0  # seconds before the first retry
    max_interval: float = 60.0
    errors: list[str] = Field(default_factory=lambda: ["any"])


class Catch(_Model):
    """An error branch: when `errors` match (after retries are spent), run step `next`."""

    errors: list[str] = Field(default_factory=lambda: ["any"])
    next: str


class Resources(_Model):
    """Per-step resource overrides (dedicated workflows only)."""

    memory: int | None = None
    cpu: float | None = None
    timeout: float | None = None


class FunctionCall(_Model):
    """A function step: which deployed function version it calls."""

    address: str  # e.g. "function.resize" or "workflow.thumbnail.function.resize"
    version: str  # the content hash of the pinned version


class WorkflowCall(_Model):
    """A nested workflow run as a child execution (nesting = "call")."""

    address: str
    version: str


class SqlTask(_Model):
    statement: str
    connection: Any  # a URL string or {"$expr": ...}
    params: dict[str, Any] = Field(default_factory=dict)


class ShellTask(_Model):
    script: str
    image: str | None = None
    env: dict[str, Any] = Field(default_factory=dict)


class HttpTask(_Model):
    url: Any
    method: str = "GET"
    headers: dict[str, Any] = Field(default_factory=dict)
    body: Any = None
    timeout: float = 30.0


class Step(_Model):
    """One node of the DAG. Exactly one of function/workflow/sql/shell/http is set, per `type`."""

    name: str
    type: NodeType
    function: FunctionCall | None = None
    workflow: WorkflowCall | None = None
    sql: SqlTask | None = None
    shell: ShellTask | None = None
    http: HttpTask | None = None
    input: Any = None
    when: Any = None  # None, a bool, or {"$expr": ...}
    depends_on: list[str] = Field(default_factory=list)
    retry: Retry = Field(default_factory=Retry)
    catch: list[Catch] = Field(default_factory=list)
    resources: Resources | None = None
    #: "file:line:column" of the step block, for run-time messages of hand-built documents;
    #: compile leaves it out (a position is not what runs, and would change the version)
    pos: str | None = None


class Edge(_Model):
    """A dependency from step `source` to step `target` (target runs after source)."""

    source: str
    target: str
    kind: EdgeKind


class WorkflowDocument(_Model):
    name: str
    address: str
    isolation: Isolation = "shared"
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    steps: list[Step] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    output: Any = None
    #: values marked sensitive at compile time; the executor masks them as *** in everything it
    #: writes. Not part of the workflow's version: a changed secret is not a new workflow.
    sensitive_values: list[str] = Field(default_factory=list)
