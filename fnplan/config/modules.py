"""Module calls: `module "NAME" { source, version, <inputs> }`. The child directory is
`./relative` to the calling module or `fnplan/NAME` (built-in modules shipped in the
repository's modules/ directory); it is loaded with the inputs as its variables, its declared
version checked against the constraint, and a source cycle (a uses b uses a) is an error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnplan.config.evaluate import Evaluator
from fnplan.config.files import ModuleFiles, read_module
from fnplan.config.model import Config, Module
from fnplan.config.names import is_name
from fnplan.config.schema import type_name
from fnplan.config.scope import ChildView, finalize
from fnplan.config.syntax import Attribute, Block
from fnplan.config.versions import parse_constraint, parse_version
from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.expr import evaluate
from fnplan.expr.marks import mark_if, unmark_deep

_BUILTIN_PREFIX = "fnplan/"
_SETTINGS = ("source", "version")
_KINDS = {
    "runtime": "runtimes",
    "function": "functions",
    "workflow": "workflows",
    "event": "events",
    "trigger": "triggers",
}


@dataclass(frozen=True, slots=True)
class Context:
    """Where a module sits: its path of module names, the root directory, the chain of module
    calls that led to it (for source cycles) and the provider addresses it may use."""

    path: tuple[str, ...]
    root: Path
    cache_dir: Path | None
    stack: tuple[tuple[Path, str], ...]
    providers: frozenset[str]

    @property
    def prefix(self) -> str:
        """Address prefix of the module's blocks, e.g. "module.a.module.b."."""
        return "".join(f"module.{name}." for name in self.path)


#: loads an already read module: (files, context, inputs, caller description) -> Config
LoadModule = Callable[[ModuleFiles, Context, Mapping[str, tuple[Any, SourcePos]], str], Config]


def builtin_modules_dir() -> Path:
    """The directory of built-in modules (the repository's modules/, installed as
    fnplan.builtin_modules)."""
    import fnplan.builtin_modules

    return Path(fnplan.builtin_modules.__file__).resolve().parent


class ModuleCalls:
    """The module blocks of one module: each child loaded once, on first reference or at the end."""

    def __init__(self, files: ModuleFiles, context: Context, load: LoadModule) -> None:
        self.files = files
        self.context = context
        self.load = load
        self.evaluator: Evaluator | None = None
        self.loaded: dict[str, Module] = {}
        self.views: dict[str, ChildView] = {}

    def view(self, name: str) -> ChildView:
        """The child as seen from expressions: `module.NAME.workflow.X`, `module.NAME.OUTPUT`."""
        if name not in self.views:
            config = self.module(name).config
            blocks = {kind: getattr(config, field).keys() for kind, field in _KINDS.items()}
            outputs = {
                key: mark_if(output.value, output.sensitive)
                for key, output in config.outputs.items()
            }
            self.views[name] = ChildView(f"{self.context.prefix}module.{name}", blocks, outputs)
        return self.views[name]

    def module(self, name: str) -> Module:
        """The loaded and evaluated module call NAME."""
        if name not in self.loaded:
            self.loaded[name] = self._load(name, self.files.modules[name])
        return self.loaded[name]

    def _load(self, name: str, block: Block) -> Module:
        assert self.evaluator is not None
        ev = self.evaluator
        attributes = block.body.attributes
        source = self._text(attributes["source"])
        version_attribute = attributes.get("version")
        constraint = self._text(version_attribute) if version_attribute is not None else None
        directory = resolve_source(source, self.files.directory, attributes["source"].expr.pos)
        label = f'module "{name}" (source "{source}" at {attributes["source"].expr.pos})'
        _check_cycle(self.context.stack, directory, label, attributes["source"].expr.pos)
        files = read_module(directory, self.context.cache_dir)
        if version_attribute is not None and constraint is not None:
            check_version(files, name, constraint, version_attribute)
        inputs = {
            key: (finalize(ev.raw(attribute), attribute.expr.pos), attribute.expr.pos)
            for key, attribute in attributes.items()
            if key not in _SETTINGS
        }
        child = Context(
            path=(*self.context.path, name),
            root=self.context.root,
            cache_dir=self.context.cache_dir,
            stack=(*self.context.stack, (directory, label)),
            providers=self.context.providers | frozenset(self.files.providers),
        )
        config = self.load(files, child, inputs, f'module "{name}" at {block.pos}')
        return Module(
            name=name,
            source=source,
            version=constraint,
            inputs={key: unmark_deep(value)[0] for key, (value, _) in inputs.items()},
            config=config,
            pos=str(block.pos),
            positions={key: str(attribute.expr.pos) for key, attribute in attributes.items()},
        )

    def _text(self, attribute: Attribute) -> str:
        assert self.evaluator is not None
        value = self.evaluator.raw(attribute)
        if not isinstance(value, str):
            raise ConfigError(
                f"{attribute.name}: expected string, got {type_name(value)}", pos=attribute.expr.pos
            )
        return value


def resolve_source(source: str, base: Path, pos: SourcePos) -> Path:
    """The directory a module source names: "./dir" / "../dir" or a built-in "fnplan/NAME",
    where NAME is a plain name, never a path (`fnplan/../x` and `fnplan//abs` are refused)."""
    if source.startswith(_BUILTIN_PREFIX):
        builtin = builtin_modules_dir()
        name = source.removeprefix(_BUILTIN_PREFIX)
        directory = builtin / name
        if not is_name(name) or not directory.is_dir():
            names = (
                sorted(p.name for p in builtin.iterdir() if p.is_dir()) if builtin.is_dir() else []
            )
            raise ConfigError(
                f"no built-in module {name!r}",
                pos=pos,
                allowed=[f"{_BUILTIN_PREFIX}{n}" for n in names],
                hint=did_you_mean(name, names),
            )
        return directory.resolve()
    if not source.startswith(("./", "../")):
        raise ConfigError(
            f"unsupported module source {source!r}",
            pos=pos,
            allowed=['"./relative/path"', '"../relative/path"', '"fnplan/NAME" (built-in)'],
        )
    directory = (base / source).resolve()
    if not directory.is_dir():
        raise ConfigError(f"module source {source!r} is not a directory ({directory})", pos=pos)
    return directory


def _check_cycle(
    stack: tuple[tuple[Path, str], ...], directory: Path, label: str, pos: SourcePos
) -> None:
    for index, (seen, _) in enumerate(stack):
        if seen == directory:
            chain = [entry for _, entry in stack[index:]]
            raise ConfigError(
                f"module source cycle: {' -> '.join([*chain, label])}",
                pos=pos,
                notes=[f"{directory} is already being loaded by its caller chain"],
            )


def check_version(files: ModuleFiles, name: str, constraint: str, attribute: Attribute) -> None:
    """The child's declared `fnplan { version }` must satisfy the caller's constraint."""
    pos = attribute.expr.pos
    parsed = parse_constraint(constraint, pos)
    declared = declared_version(files)
    if declared is None:
        raise ConfigError(
            f'module "{name}" declares no version, so the constraint {constraint!r} '
            "cannot be checked",
            pos=pos,
            hint=f'declare it in the module: fnplan {{ version = "X.Y.Z" }} (in {files.directory})',
        )
    text, declared_pos = declared
    if not parsed.allows(parse_version(text, declared_pos)):
        raise ConfigError(
            f'module "{name}" is version {text}, which does not satisfy {constraint!r}',
            pos=pos,
            notes=[f"declared at {declared_pos}"],
        )


def declared_version(files: ModuleFiles) -> tuple[str, SourcePos] | None:
    """The literal `fnplan { version = "..." }` of a module, with its position."""
    block = files.fnplan
    attribute = block.body.attributes.get("version") if block is not None else None
    if attribute is None:
        return None
    value = evaluate(attribute.expr, {}, runtime_roots=frozenset())
    if not isinstance(value, str):
        raise ConfigError("fnplan version must be a literal string", pos=attribute.expr.pos)
    return value, attribute.expr.pos
