"""Reference values of the evaluation scope: `function.x`, `runtime.x`, `provider.aws.west`,
`step.fetch`, `module.m.workflow.x`. They are Traversables while an expression is evaluated
and become `Ref`s (or AfterApply placeholders {"$ref": ADDRESS, "attr": NAME}) in the Config."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextvars import ContextVar
from typing import Any

from fnplan.config.after_apply import AfterApply
from fnplan.config.model import Ref
from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.expr.marks import Marked
from fnplan.expr.values import Traversable

#: block kinds that are resources: their attributes are the outputs their provider declares
#: (checked by validate, fnplan.compile.output_refs, once each block's provider is known)
RESOURCE_KINDS = frozenset({"function", "workflow", "runtime", "event", "trigger"})
_LISTED = 30  # list allowed names in errors only below this many

#: the workspace selected while a configuration is evaluated (fnplan.workspace.Workspace.load)
CURRENT_WORKSPACE: ContextVar[str] = ContextVar("fnplan_workspace", default="default")


def fnplan_values() -> dict[str, str]:
    """`fnplan.workspace`: the selected workspace's name, as Terraform's `terraform.workspace`."""
    return {"workspace": CURRENT_WORKSPACE.get()}


class BlockRef:
    """`KIND.NAME` while evaluating: traversable to after-apply attributes (and, for functions,
    `versions[N]`); finalize() turns it into a Ref."""

    __slots__ = ("address", "kind", "pos", "version")

    def __init__(self, kind: str, address: str, pos: SourcePos, version: int | None = None):
        self.kind = kind
        self.address = address
        self.pos = pos
        self.version = version

    @property
    def type_name(self) -> str:
        """How messages name this value."""
        return f"reference to {self.address}"

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        """An after-apply output placeholder, or `versions` of a function."""
        if name == "versions" and self.kind == "function" and self.version is None:
            return _Versions(self)
        if self.kind not in RESOURCE_KINDS:
            raise ConfigError(f"{self.address} has no attribute {name!r}", pos=pos)
        return AfterApply(self.address, name, str(pos))

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        """`KIND.NAME[provider.P]`: the block's copy on target P (fnplan.addresses); blocks
        are not indexable otherwise: say how to refer to a version instead."""
        if isinstance(key, BlockRef) and key.kind == "provider" and self.kind in RESOURCE_KINDS:
            from fnplan.addresses import with_target

            target = key.address.removeprefix("provider.")
            return BlockRef(self.kind, with_target(self.address, target), pos)
        hint = (
            f"write {self.address}.versions[N] for a version" if self.kind == "function" else None
        )
        raise ConfigError(f"{self.address} cannot be indexed", pos=pos, hint=hint)

    def to_ref(self) -> Ref:
        """The Config's value for this reference."""
        return Ref(address=self.address, version=self.version, pos=str(self.pos))


class _Versions:
    """`function.x.versions`: must be indexed with a version number."""

    __slots__ = ("owner",)

    def __init__(self, owner: BlockRef) -> None:
        self.owner = owner

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        raise ConfigError(
            f"{self.owner.address}.versions has no attribute {name!r}",
            pos=pos,
            hint=f"write {self.owner.address}.versions[N] with a version number",
        )

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        if isinstance(key, bool) or not isinstance(key, int | float) or key != int(key) or key < 1:
            raise ConfigError(
                f"a function version must be a whole number >= 1, got {key!r}", pos=pos
            )
        return BlockRef("function", self.owner.address, pos, int(key))


class Namespace:
    """A block kind's names (`function`, `workflow`, `step`, ...) resolving to BlockRefs."""

    __slots__ = ("kind", "names", "prefix", "where")

    def __init__(self, kind: str, names: Collection[str], prefix: str = "", where: str = ""):
        self.kind = kind
        self.names = names
        self.prefix = prefix
        self.where = where

    @property
    def type_name(self) -> str:
        """How messages name this value."""
        return f"{self.kind} namespace"

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        """The BlockRef of one declared block."""
        if name not in self.names:
            unknown_name(self.kind, name, self.names, pos, self.where)
        return BlockRef(self.kind, f"{self.prefix}{self.kind}.{name}", pos)

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError(f"write {self.kind}.NAME, not {self.kind}[...]", pos=pos)


class ProviderNamespace:
    """`provider.TYPE` or `provider.TYPE.ALIAS`; provider addresses are never module-prefixed."""

    __slots__ = ("addresses",)

    def __init__(self, addresses: Collection[str]) -> None:
        self.addresses = addresses

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        types = {address.split(".")[0] for address in self.addresses} | {"local"}
        if name not in types:
            unknown_name("provider", name, types, pos)
        return _ProviderRef(name, self.addresses, pos)

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError("write provider.TYPE or provider.TYPE.ALIAS", pos=pos)


class _ProviderRef(BlockRef):
    """`provider.TYPE`, traversable to an alias."""

    __slots__ = ("addresses",)

    def __init__(self, name: str, addresses: Collection[str], pos: SourcePos) -> None:
        super().__init__("provider", f"provider.{name}", pos)
        self.addresses = addresses

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        provider = self.address.removeprefix("provider.")
        aliases = [a.split(".", 1)[1] for a in self.addresses if a.startswith(f"{provider}.")]
        if name not in aliases:
            unknown_name(f"alias of provider {provider!r}", name, aliases, pos)
        return BlockRef("provider", f"{self.address}.{name}", pos)


class ModuleNamespace:
    """`module.NAME...`: the child's blocks (`module.m.workflow.x`) and outputs (`module.m.out`)."""

    __slots__ = ("load", "names")

    def __init__(self, names: Collection[str], load: Callable[[str], ChildView]) -> None:
        self.names = names
        self.load = load

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        if name not in self.names:
            unknown_name("module", name, self.names, pos)
        return self.load(name)

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError("write module.NAME, not module[...]", pos=pos)


class ChildView:
    """A loaded child module as seen from its caller: block namespaces and output values."""

    __slots__ = ("address", "blocks", "outputs")

    def __init__(
        self, address: str, blocks: Mapping[str, Collection[str]], outputs: Mapping[str, Any]
    ) -> None:
        self.address = address
        self.blocks = blocks
        self.outputs = outputs

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        if name in self.blocks:
            return Namespace(name, self.blocks[name], f"{self.address}.", f" in {self.address}")
        if name not in self.outputs:
            unknown_name(f"block kind or output of {self.address}", name, self._names(), pos)
        return self.outputs[name]

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError(f"{self.address} cannot be indexed", pos=pos)

    def _names(self) -> list[str]:
        return [*self.blocks, *self.outputs]


def unknown_name(
    what: str, name: str, names: Collection[str], pos: SourcePos, where: str = ""
) -> None:
    """Raise the 'unknown X' error with a did-you-mean and, when short, the allowed names."""
    raise ConfigError(
        f"unknown {what} {name!r}{where}",
        pos=pos,
        allowed=list(names) if len(names) <= _LISTED else None,
        hint=did_you_mean(name, names),
    )


def finalize(value: Any, pos: SourcePos | None = None) -> Any:
    """Replace BlockRefs by Refs throughout a value; other traversables are errors at `pos`.
    Sensitivity marks stay (module inputs carry them into the child module)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Marked):
        return Marked(finalize(value.value, pos))
    if isinstance(value, BlockRef):
        return value.to_ref()
    if isinstance(value, AfterApply):
        return value
    if isinstance(value, dict):
        return {key: finalize(item, pos) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finalize(item, pos) for item in value]
    if isinstance(value, _Versions):
        raise ConfigError(
            f"{value.owner.address}.versions is not a value",
            pos=value.owner.pos,
            hint=f"write {value.owner.address}.versions[N]",
        )
    if isinstance(value, Traversable):  # a namespace: `function`, `local`, `module.NAME`
        raise ConfigError(
            "a whole namespace (e.g. `function` or `module.NAME`) is not a value",
            pos=pos,
            hint="refer to one block, e.g. function.NAME or module.NAME.workflow.NAME",
        )
    return value
