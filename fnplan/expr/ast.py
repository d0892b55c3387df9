"""The expression AST: what the parser builds, the evaluator walks and `to_source` prints.

Every node is a frozen dataclass carrying `pos` (excluded from equality, so two parses of the
same text at different places compare equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fnplan.errors import SourcePos

NO_POS = SourcePos("<expr>", 1, 1)

Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant: string, number, bool or null."""

    value: Scalar
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TemplateIf:
    """`%{ if cond }then%{ else }else%{ endif }` inside a template."""

    cond: Expr
    then: Template
    else_: Template | None
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TemplateFor:
    """`%{ for k, v in collection }body%{ endfor }` inside a template."""

    key_var: str | None
    value_var: str
    collection: Expr
    body: Template
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Template:
    """A string with interpolations (quoted string or heredoc); parts are text or expressions."""

    parts: tuple[str | Expr, ...]
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GetAttr:
    """A `.name` traversal step."""

    name: str
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Index:
    """A `[key]` traversal step (also the legacy `.0` form)."""

    key: Expr
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


Step = GetAttr | Index


@dataclass(frozen=True, slots=True)
class Traversal:
    """A reference from a root name: `var.env`, `step.fetch.output.path`, `x[0]`."""

    root: str
    steps: tuple[Step, ...] = ()
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class RelativeTraversal:
    """Steps applied to an arbitrary expression: `f(x)[0]`, `(a ? b : c).name`."""

    source: Expr
    steps: tuple[Step, ...]
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SplatItem:
    """The element placeholder inside a Splat's `each` expression."""

    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Splat:
    """`source[*].a.b` (full) or `source.*.a` (attribute-only): `each` is applied per element."""

    source: Expr
    each: Expr
    full: bool = True
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """`name(args...)`; `expand_final` is set for a trailing `...`."""

    name: str
    args: tuple[Expr, ...]
    expand_final: bool = False
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BinaryOp:
    """An infix operation: arithmetic, comparison or logic."""

    op: str
    left: Expr
    right: Expr
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class UnaryOp:
    """`-x` or `!x`."""

    op: str
    operand: Expr
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Conditional:
    """`cond ? then : else_`; only the chosen branch is evaluated."""

    cond: Expr
    then: Expr
    else_: Expr
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ListExpr:
    """A tuple constructor `[a, b]`."""

    items: tuple[Expr, ...]
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    """An object constructor; bare identifier keys are string Literals, `(x)` keys expressions."""

    items: tuple[tuple[Expr, Expr], ...]
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ForExpr:
    """`[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`."""

    key_var: str | None
    value_var: str
    collection: Expr
    value: Expr
    key: Expr | None = None  # set for the object form
    cond: Expr | None = None
    group: bool = False  # the object form's `...`
    pos: SourcePos = field(default=NO_POS, compare=False, repr=False)


Expr = (
    Literal
    | Template
    | TemplateIf
    | TemplateFor
    | Traversal
    | RelativeTraversal
    | SplatItem
    | Splat
    | FunctionCall
    | BinaryOp
    | UnaryOp
    | Conditional
    | ListExpr
    | ObjectExpr
    | ForExpr
)
