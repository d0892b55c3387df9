"""Evaluation of one module's attributes: the scope (`var`, lazy `local`, `path`, block
namespaces, `module`), type checks per schema, paths resolved against the module directory,
and run-time expressions kept as {"$expr"} residuals."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fnplan.config.data import DataSources
from fnplan.config.files import ModuleFiles
from fnplan.config.schema import Attr, type_name
from fnplan.config.scope import (
    ChildView,
    ModuleNamespace,
    Namespace,
    ProviderNamespace,
    finalize,
    fnplan_values,
    unknown_name,
)
from fnplan.config.syntax import Attribute, Block, Body
from fnplan.config.values import check_value
from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import evaluate, references
from fnplan.expr.marks import HIDDEN, redact_error, sensitive_texts, unmark_deep
from fnplan.expr.values import NamedValues

_STATIC: frozenset[str] = frozenset()
_INPUT = frozenset({"input"})
_RUNTIME = frozenset({"input", "step"})
_TRIGGER = frozenset({"input", "event"})
_BLOCK_KINDS = ("runtime", "function", "workflow", "event", "trigger")


class Evaluator:
    """Evaluates expressions of one module in its scope; `local` values are computed once,
    on first use, and child modules are loaded on first reference via `load_child`."""

    def __init__(
        self,
        files: ModuleFiles,
        variables: Mapping[str, Any],
        *,
        prefix: str,
        root: Path,
        providers: frozenset[str],
        load_child: Callable[[str], ChildView],
    ) -> None:
        self.files = files
        self.directory = files.directory
        self.prefix = prefix
        self.local_values: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        #: texts of marked values that left the evaluator into the Config
        self.sensitive_values: set[str] = set()
        self._marks: dict[int, Any] = {}  # id of an attribute -> its marked value
        self.scope: dict[str, Any] = {
            "var": NamedValues("variable", variables),
            "local": _Locals(self),
            "path": {"module": str(files.directory), "root": str(root), "cwd": os.getcwd()},
            "provider": ProviderNamespace(providers),
            "module": ModuleNamespace(files.modules, load_child),
            "fnplan": fnplan_values(),
            "__dir__": str(files.directory),
        }
        for kind in _BLOCK_KINDS:
            self.scope[kind] = Namespace(kind, files.blocks_of(kind), prefix)
        self.data = DataSources(self, files.data)
        self.scope["data"] = self.data

    def local(self, name: str, pos: SourcePos) -> Any:
        """The value of `local.NAME`, evaluated once."""
        if name in self.local_values:
            return self.local_values[name]
        attribute = self.files.locals.get(name)
        if attribute is None:
            unknown_name("local value", name, self.files.locals, pos)
            raise AssertionError  # unknown_name always raises
        if name in self._evaluating:
            raise ConfigError(f"local.{name} refers to itself", pos=pos)
        self._evaluating.add(name)
        try:
            value = evaluate(attribute.expr, self.scope, runtime_roots=_STATIC)
        finally:
            self._evaluating.discard(name)
        self.local_values[name] = value
        return value

    def raw(self, expr_attribute: Attribute, roots: frozenset[str] = _STATIC) -> Any:
        """An attribute's value with references still as BlockRefs (for type checks)."""
        return evaluate(expr_attribute.expr, self.scope, runtime_roots=roots)

    def value(self, attribute: Attribute, spec: Attr, steps: Namespace | None = None) -> Any:
        """An attribute's value per its schema: evaluated in the right scope, type-checked,
        paths made absolute, references turned into Refs."""
        scope: Mapping[str, Any] = self.scope
        roots = _STATIC
        if spec.scope == "runtime":
            roots = _RUNTIME if steps is not None else _INPUT
        elif spec.scope == "trigger":
            roots = _TRIGGER
        elif spec.scope == "steps":
            roots = _INPUT
            scope = {**self.scope, "step": steps}
        value = self._unmarked(attribute, evaluate(attribute.expr, scope, runtime_roots=roots))
        try:
            return self._checked(value, attribute, spec, steps)
        except ConfigError as error:
            if id(attribute) not in self._marks:
                raise
            raise redact_error(error, [self._marks[id(attribute)]]) from None

    def _checked(
        self, value: Any, attribute: Attribute, spec: Attr, steps: Namespace | None
    ) -> Any:
        """A plain value type-checked, with its paths and references resolved."""
        if spec.kind not in ("ref", "refs"):
            value = finalize(value, attribute.expr.pos)
        value = check_value(value, spec, attribute.name, attribute.expr.pos)
        if spec.kind == "path":
            return self.path(value, attribute)
        if steps is not None and spec.scope == "runtime":
            _check_step_references(attribute, steps)
        return value

    def _unmarked(self, attribute: Attribute, value: Any) -> Any:
        """The plain value, recording what of it was marked: values leave the evaluator
        unmarked, their sensitive texts go to `sensitive_values`."""
        plain, marked = unmark_deep(value)
        if marked:
            self.sensitive_values |= sensitive_texts(value)
            self._marks[id(attribute)] = value
        return plain

    def check_output(self, block: Block, *, declared_sensitive: bool) -> None:
        """An output whose value derives from a sensitive value must say so, as in Terraform."""
        attribute = block.body.attributes.get("value")
        if attribute is None or declared_sensitive or id(attribute) not in self._marks:
            return
        raise ConfigError(
            f'Output refers to sensitive values: output "{block.labels[0]}"',
            pos=attribute.expr.pos,
            hint="declare it with `sensitive = true`: its value is then shown only by "
            "`fnplan output --raw NAME` or `--json`",
        )

    def path(self, text: str, attribute: Attribute) -> str:
        """A path relative to the module directory, made absolute; it must exist."""
        path = Path(text) if os.path.isabs(text) else self.directory / text
        if not path.exists():
            raise ConfigError(
                f"{attribute.name}: {text!r} does not exist (looked for {path})",
                pos=attribute.expr.pos,
                hint=f"paths are relative to the module directory {self.directory}",
            )
        return os.path.normpath(path)

    def body(
        self, body: Body, schema: Mapping[str, Attr], steps: Namespace | None = None
    ) -> dict[str, Any]:
        """Every attribute of a body evaluated per its schema entry."""
        return {
            name: self.value(attribute, schema[name], steps)
            for name, attribute in body.attributes.items()
        }

    def open_body(self, body: Body) -> dict[str, Any]:
        """Every attribute of a schema-less body (provider, backend) as a plain value."""
        return {
            name: finalize(self._unmarked(attribute, self.raw(attribute)), attribute.expr.pos)
            for name, attribute in body.attributes.items()
        }

    def validate_variables(self) -> None:
        """Run every `validation { condition, error_message }` of every variable."""
        for name, block in self.files.variables.items():
            for validation in block.body.blocks:
                self._validate(name, validation)

    def _validate(self, name: str, validation: Block) -> None:
        condition = validation.body.attributes["condition"]
        result = unmark_deep(self.raw(condition))[0]
        if not isinstance(result, bool):
            raise ConfigError(
                f"validation condition of variable {name!r} must be a bool, "
                f"got {type_name(result)}",
                pos=condition.expr.pos,
            )
        if result:
            return
        message_attribute = validation.body.attributes["error_message"]
        message, message_marked = unmark_deep(self.raw(message_attribute))
        if message_marked:  # Terraform's rule: an error message with a secret is not shown
            message = f"{HIDDEN} (the error message refers to sensitive values)"
        value, value_marked = unmark_deep(self.scope["var"][name])
        raise ConfigError(
            f"invalid value for variable {name!r}: {message}",
            pos=condition.expr.pos,
            notes=[] if value_marked else [f"value: {value!r}"],
        )


class _Locals:
    """The `local` namespace: each local evaluated on first use."""

    __slots__ = ("owner",)
    type_name = "local namespace"

    def __init__(self, owner: Evaluator) -> None:
        self.owner = owner

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        return self.owner.local(name, pos)

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        raise ConfigError("write local.NAME, not local[...]", pos=pos)


def _check_step_references(attribute: Attribute, steps: Namespace) -> None:
    """Run-time expressions may name only steps of the same workflow."""
    for reference in references(attribute.expr):
        if reference.root == "step":
            if not reference.path or not isinstance(reference.path[0], str):
                raise ConfigError("write step.NAME.output...", pos=reference.pos)
            if reference.path[0] not in steps.names:
                unknown_name("step", reference.path[0], steps.names, reference.pos, steps.where)
