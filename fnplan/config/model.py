"""The evaluated configuration: what `load` + `evaluate` hand to validate and compile.

Static values are plain Python/JSON values. References to other blocks are `Ref`s.
Run-time values (anything that depends on `input.*` or `step.X.output.*`) stay symbolic as
{"$expr": "<HCL expression source>"}; values known only after apply (a resource's
outputs, e.g. `workflow.thumbnail.endpoint`) are {"$ref": ADDRESS, "attr": NAME}.
Every block keeps `pos` ("file:line:column") and `positions` (attribute -> position) so
later stages report errors at the exact spot.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fnplan.config.external import DataRead, ImportBlock
from fnplan.config.lifecycle import Lifecycle, Moved


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    pos: str | None = None
    positions: dict[str, str] = Field(default_factory=dict)

    def pos_of(self, attribute: str) -> str | None:
        """Position of one attribute, falling back to the block's."""
        return self.positions.get(attribute, self.pos)


class Ref(BaseModel):
    """A reference to another block, e.g. "function.resize", "step.fetch", "provider.aws",
    "module.vision.workflow.classify". `version` is N for `function.x.versions[N]`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    address: str
    version: int | None = None
    pos: str | None = None

    @property
    def kind(self) -> str:
        """The block type referred to ("function", "workflow", "step", ...), modules skipped."""
        parts = self.address.split(".")
        while parts and parts[0] == "module":
            parts = parts[2:]
        return parts[0] if parts else ""

    @property
    def name(self) -> str:
        return self.address.split(".")[-1]


class Variable(_Node):
    name: str
    type: str | None = None
    default: Any = None
    has_default: bool = False
    description: str | None = None
    sensitive: bool = False
    value: Any = None  # the resolved value (default, --var, --var-file, FNPLAN_VAR_name)


class ProviderConfig(_Node):
    name: str  # the provider type: "local", "aws", "kubernetes"
    alias: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.name}.{self.alias}" if self.alias else self.name


class Backend(_Node):
    type: str = "local"
    config: dict[str, Any] = Field(default_factory=dict)


#: an env value: a string, or another resource's output known after apply (an AfterApply
#: placeholder, checked by fnplan.config.values and kept as it is, with its position)
EnvValue = Any


class Runtime(_Node):
    """A runtime environment with `base` inheritance already applied
    (scalars override, env merges, packages append)."""

    name: str
    base: Ref | None = None
    language: str = "python3.12"
    image: str | None = None
    memory: Annotated[int, Field(ge=1)] = 128
    timeout: Annotated[float, Field(gt=0)] = 30
    env: dict[str, EnvValue] = Field(default_factory=dict)
    packages: list[str] = Field(default_factory=list)


class Scaling(_Node):
    min: Annotated[int, Field(ge=0)] = 0
    max: Annotated[int, Field(ge=1)] = 10
    concurrency: Annotated[int, Field(ge=1)] = 10

    @model_validator(mode="after")
    def _min_within_max(self) -> Scaling:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) must not exceed max ({self.max})")
        return self


class Rollout(_Node):
    strategy: Literal["all_at_once", "canary", "linear"] = "all_at_once"
    steps: list[int] = Field(default_factory=lambda: [100])
    interval: str = "0s"


class Function(_Node):
    name: str
    runtime: Ref
    source: str  # absolute path of the code directory
    handler: str = "main.handler"
    description: str | None = None
    input_schema: str | None = None  # absolute path of a JSON Schema file
    output_schema: str | None = None
    memory: Annotated[int | None, Field(ge=1)] = None  # overrides the runtime's
    timeout: Annotated[float | None, Field(gt=0)] = None
    env: dict[str, EnvValue] = Field(default_factory=dict)
    scaling: Scaling = Field(default_factory=Scaling)
    rollout: Rollout = Field(default_factory=Rollout)
    keep_versions: Annotated[int, Field(ge=1)] = 3


class RetryPolicy(_Node):
    max_attempts: Annotated[int, Field(ge=1)] = 1
    backoff: Literal["fixed", "linear", "exponential"] = "fixed"
    interval: Annotated[float, Field(ge=0)] = 1.0
    max_interval: Annotated[float, Field(ge=0)] = 60.0
    errors: list[str] = Field(default_factory=lambda: ["any"])


class CatchRule(_Node):
    errors: list[str] = Field(default_factory=lambda: ["any"])
    next: Ref  # a step of the same workflow


class StepResources(_Node):
    memory: Annotated[int | None, Field(ge=1)] = None
    cpu: Annotated[float | None, Field(gt=0)] = None
    timeout: Annotated[float | None, Field(gt=0)] = None


class ShellSpec(_Node):
    script: str
    image: str | None = None
    env: dict[str, Any] = Field(default_factory=dict)


class HttpSpec(_Node):
    url: Any
    method: str = "GET"
    headers: dict[str, Any] = Field(default_factory=dict)
    body: Any = None
    timeout: float = 30.0


class Step(_Node):
    """One step; exactly one of function / workflow / sql / shell / http is set."""

    name: str
    function: Ref | None = None
    workflow: Ref | None = None
    nesting: Literal["inline", "call"] = "call"
    sql: str | None = None
    connection: Any = None
    params: dict[str, Any] = Field(default_factory=dict)
    shell: ShellSpec | None = None
    http: HttpSpec | None = None
    input: Any = None
    when: Any = None
    depends_on: list[Ref] = Field(default_factory=list)
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    catch: list[CatchRule] = Field(default_factory=list)
    resources: StepResources | None = None

    @property
    def node_type(self) -> str:
        for kind in ("function", "workflow", "shell", "http"):
            if getattr(self, kind) is not None:
                return kind
        return "sql" if self.sql is not None else "unknown"


class Workflow(_Node):
    name: str
    description: str | None = None
    isolation: Literal["shared", "dedicated"] = "shared"
    targets: list[Ref] = Field(default_factory=list)  # providers; empty = the default provider
    input_schema: str | None = None
    output_schema: str | None = None
    steps: dict[str, Step] = Field(default_factory=dict)
    output: Any = None


class Event(_Node):
    name: str
    type: str
    schema_path: str | None = None
    source: str | None = None


class TriggerSource(_Node):
    kind: Literal["storage", "queue", "http"]
    config: dict[str, Any] = Field(default_factory=dict)


class Trigger(_Node):
    """Exactly one of schedule / source / event / on_completion says what fires it."""

    name: str
    schedule: str | None = None
    source: TriggerSource | None = None
    event: Ref | None = None
    on_completion: Ref | None = None
    target: Ref
    input: Any = None


class Output(_Node):
    name: str
    value: Any = None
    description: str | None = None
    sensitive: bool = False


class Module(_Node):
    """A module call with its child configuration loaded and evaluated."""

    name: str
    source: str  # as written
    version: str | None = None  # the constraint, e.g. "~> 2.0"
    inputs: dict[str, Any] = Field(default_factory=dict)
    config: Config


class Config(BaseModel):
    """One module's configuration (the root module, or a child under Module.config).

    `path` is the module path: () for the root, ("vision",) for module.vision, and so on;
    addresses inside a child are prefixed with "module.NAME.".
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    directory: str
    path: tuple[str, ...] = ()
    files: list[str] = Field(default_factory=list)
    version: str | None = None  # declared in `fnplan { version = "2.1.0" }`
    backend: Backend = Field(default_factory=Backend)
    variables: dict[str, Variable] = Field(default_factory=dict)
    locals: dict[str, Any] = Field(default_factory=dict)
    providers: dict[str, ProviderConfig] = Field(default_factory=dict)  # by address
    runtimes: dict[str, Runtime] = Field(default_factory=dict)
    functions: dict[str, Function] = Field(default_factory=dict)
    workflows: dict[str, Workflow] = Field(default_factory=dict)
    events: dict[str, Event] = Field(default_factory=dict)
    triggers: dict[str, Trigger] = Field(default_factory=dict)
    outputs: dict[str, Output] = Field(default_factory=dict)
    modules: dict[str, Module] = Field(default_factory=dict)
    #: the `lifecycle` blocks of this module's resource blocks, and its `moved` blocks
    lifecycles: list[Lifecycle] = Field(default_factory=list)
    moved: list[Moved] = Field(default_factory=list)
    #: the module's `import` blocks, and its `data` blocks as read (by address)
    imports: list[ImportBlock] = Field(default_factory=list)
    data: dict[str, DataRead] = Field(default_factory=dict)
    #: every text of a value marked sensitive that this module's blocks hold (fnplan.expr.marks)
    sensitive_values: list[str] = Field(default_factory=list)

    @property
    def prefix(self) -> str:
        """Address prefix of this module's blocks: "" or "module.a.module.b."."""
        return "".join(f"module.{name}." for name in self.path)


Module.model_rebuild()
