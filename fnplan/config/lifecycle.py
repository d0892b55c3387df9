"""`lifecycle { ... }` inside resource blocks and top-level `moved { from, to }` blocks.

Both name attributes and addresses rather than compute values, so they are read from the
expressions themselves (`ignore_changes = [env, memory]`, `from = function.old`), as in
Terraform; the string forms (`"env"`, `"function.old"`) are accepted too, which is what
the YAML form writes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fnplan import addresses
from fnplan.config.files import ModuleFiles
from fnplan.config.syntax import Attribute, Block
from fnplan.errors import ConfigError
from fnplan.expr import ast

#: the resource block kinds that take a lifecycle block
RESOURCE_KINDS = ("runtime", "function", "workflow", "event", "trigger")


class Lifecycle(BaseModel):
    """One resource block's lifecycle settings; `block_pos` names the block (and so every
    resource compiled from it), `paths_pos` each ignore_changes entry."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    block: str  # "function.resize" (module prefix included)
    block_pos: str
    pos: str
    ignore_all: bool = False
    ignore_changes: list[str] = Field(default_factory=list)
    paths_pos: list[str] = Field(default_factory=list)
    prevent_destroy: bool = False
    create_before_destroy: bool | None = None


class Moved(BaseModel):
    """A `moved` block: the record at `from_address` now belongs to `to_address`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    from_address: str
    to_address: str
    pos: str


def module_lifecycles(files: ModuleFiles, prefix: str) -> list[Lifecycle]:
    """The lifecycle blocks of every resource block of one module."""
    found = []
    for kind in RESOURCE_KINDS:
        for name, block in files.blocks_of(kind).items():
            lifecycle = build_lifecycle(kind, name, block, prefix)
            if lifecycle is not None:
                found.append(lifecycle)
    return found


def module_moves(files: ModuleFiles, prefix: str) -> list[Moved]:
    """The `moved` blocks of one module, addresses prefixed with the module's."""
    return [build_moved(block, prefix) for block in files.moved]


def build_lifecycle(kind: str, name: str, block: Block, prefix: str) -> Lifecycle | None:
    """The lifecycle of one resource block, or None when it has no lifecycle block."""
    nested = next((child for child in block.body.blocks if child.type == "lifecycle"), None)
    if nested is None:
        return None
    attributes = nested.body.attributes
    lifecycle = Lifecycle(
        block=f"{prefix}{kind}.{name}", block_pos=str(block.pos), pos=str(nested.pos)
    )
    for flag in ("prevent_destroy", "create_before_destroy"):
        if flag in attributes:
            setattr(lifecycle, flag, _literal_bool(attributes[flag]))
    if "ignore_changes" in attributes:
        _read_ignore_changes(attributes["ignore_changes"], lifecycle)
    return lifecycle


def build_moved(block: Block, prefix: str) -> Moved:
    """A `moved` block with both addresses checked for shape (resource addresses, distinct)."""
    attributes = block.body.attributes
    source = _address(attributes["from"])
    target = _address(attributes["to"])
    if source == target:
        raise ConfigError(
            f"moved block: from and to are the same address ({source})",
            pos=attributes["to"].expr.pos,
            hint="a moved block renames a resource: `to` must be its new address",
        )
    source_kind, target_kind = _kind(source), _kind(target)
    if source_kind != target_kind:
        raise ConfigError(
            f"moved block: cannot move {source} to {target}: a {source_kind} stays a {source_kind}",
            pos=attributes["to"].expr.pos,
            hint=f"`to` must name a {source_kind}",
        )
    return Moved(from_address=prefix + source, to_address=prefix + target, pos=str(block.pos))


def _literal_bool(attribute: Attribute) -> bool:
    expr = attribute.expr
    if isinstance(expr, ast.Literal) and isinstance(expr.value, bool):
        return expr.value
    raise ConfigError(
        f"lifecycle {attribute.name} must be true or false, written literally",
        pos=expr.pos,
        hint="lifecycle settings are read before any value is computed, as in Terraform",
    )


def _read_ignore_changes(attribute: Attribute, lifecycle: Lifecycle) -> None:
    expr = attribute.expr
    if _text(expr) == "all":
        lifecycle.ignore_all = True
        return
    if not isinstance(expr, ast.ListExpr):
        raise ConfigError(
            "lifecycle ignore_changes must be a list of attribute names or all",
            pos=expr.pos,
            hint="write e.g. ignore_changes = [env, memory], or ignore_changes = all",
        )
    for item in expr.items:
        path = _text(item)
        if path is None:
            raise ConfigError(
                "ignore_changes entries are attribute names or paths, e.g. env or env.LOG_LEVEL",
                pos=item.pos,
            )
        lifecycle.ignore_changes.append(path)
        lifecycle.paths_pos.append(str(item.pos))


def _text(expr: ast.Expr) -> str | None:
    """A bare traversal (`env.LOG_LEVEL`, `steps[0]`) or a literal string as path text."""
    if isinstance(expr, ast.Literal) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], str):
        return expr.parts[0]
    if isinstance(expr, ast.Template) and not expr.parts:
        return ""
    if isinstance(expr, ast.Traversal):
        text = expr.root
        for step in expr.steps:
            if isinstance(step, ast.GetAttr):
                text += f".{step.name}"
            elif isinstance(step.key, ast.Literal) and isinstance(step.key.value, str):
                text += f"[{step.key.value!r}]"
            elif isinstance(step.key, ast.Literal) and isinstance(step.key.value, int):
                text += f"[{step.key.value}]"
            else:
                return None
        return text
    return None


def _address(attribute: Attribute) -> str:
    text = _text(attribute.expr) or _copy_address(attribute.expr)
    parts = addresses.parts(text) if text else []
    while len(parts) >= 2 and parts[0] == "module":
        parts = parts[2:]
    if text is None or len(parts) != 2 or parts[0] not in RESOURCE_KINDS or not parts[1]:
        raise ConfigError(
            f"moved {attribute.name} must be a resource address such as function.NAME",
            pos=attribute.expr.pos,
            allowed=[f"{kind}.NAME" for kind in RESOURCE_KINDS],
        )
    return text


def _copy_address(expr: ast.Expr) -> str | None:
    """`workflow.w[provider.aws]`: the copy of a block on one of several targets, as
    fnplan.addresses spells it ("workflow.w[aws]")."""
    if not isinstance(expr, ast.Traversal) or not expr.steps:
        return None
    last = expr.steps[-1]
    block = _text(ast.Traversal(expr.root, expr.steps[:-1], expr.pos))
    provider = _text(last.key) if isinstance(last, ast.Index) else None
    if block is None or provider is None or not provider.startswith("provider."):
        return None
    return addresses.with_target(block, provider.removeprefix("provider."))


def _kind(address: str) -> str:
    return str(addresses.kind_of(address))
