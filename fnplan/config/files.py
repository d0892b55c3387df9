"""Reading one module directory: every `*.hcl`, `*.fnplan.yaml` and `*.fnplan.yml` file,
checked against the block schemas and merged into one index of top-level blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fnplan.config.discovery import PATTERNS, config_file_names
from fnplan.config.names import check_name
from fnplan.config.schema import ROOT, check_body
from fnplan.config.syntax import Attribute, Block, Body
from fnplan.errors import ConfigError, SourcePos
from fnplan.inputs import record_file, record_listing

_LABELLED = ("variable", "output", "runtime", "function", "workflow", "module", "event", "trigger")


@dataclass
class ModuleFiles:
    """The top-level blocks of one module directory, by kind and name."""

    directory: Path
    files: list[str] = field(default_factory=list)
    fnplan: Block | None = None
    locals: dict[str, Attribute] = field(default_factory=dict)
    providers: dict[str, Block] = field(default_factory=dict)  # by address ("aws.west")
    moved: list[Block] = field(default_factory=list)  # `moved { from, to }`, in file order
    imports: list[Block] = field(default_factory=list)  # `import { to, id }`, in file order
    data: dict[str, Block] = field(default_factory=dict)  # `data "TYPE" "NAME"` by "TYPE.NAME"
    labelled: dict[str, dict[str, Block]] = field(
        default_factory=lambda: {kind: {} for kind in _LABELLED}
    )

    def blocks_of(self, kind: str) -> dict[str, Block]:
        """The named blocks of one kind ("function", "variable", ...)."""
        return self.labelled[kind]

    @property
    def variables(self) -> dict[str, Block]:
        """The module's variable blocks by name."""
        return self.labelled["variable"]

    @property
    def modules(self) -> dict[str, Block]:
        """The module's module-call blocks by name."""
        return self.labelled["module"]

    def add(self, block: Block) -> None:
        """Index one top-level block; a name defined twice is an error naming both places."""
        if block.type == "fnplan":
            if self.fnplan is not None:
                _duplicate("the fnplan block", self.fnplan.pos, block.pos)
            self.fnplan = block
        elif block.type == "locals":
            for name, attribute in block.body.attributes.items():
                if name in self.locals:
                    _duplicate(f"local.{name}", self.locals[name].pos, attribute.pos)
                self.locals[name] = attribute
        elif block.type == "moved":
            self.moved.append(block)
        elif block.type == "import":
            self.imports.append(block)
        elif block.type == "data":
            key = ".".join(block.labels)
            if key in self.data:
                _duplicate(f"data {key!r}", self.data[key].pos, block.pos)
            self.data[key] = block
        elif block.type == "provider":
            address = _provider_address(block)
            if address in self.providers:
                _duplicate(f"provider {address!r}", self.providers[address].pos, block.pos)
            self.providers[address] = block
        else:
            named = self.labelled[block.type]
            name = block.labels[0]
            if name in named:
                _duplicate(f"{block.type} {name!r}", named[name].pos, block.pos)
            named[name] = block


def read_module(directory: Path, cache_dir: Path | None) -> ModuleFiles:
    """Parse and index every configuration file directly in `directory` (sorted by name)."""
    names = config_file_names(directory)
    record_listing(directory, names)
    paths = [directory / name for name in names]
    if not paths:
        raise ConfigError(
            f"no configuration files in {directory}",
            hint=f"fnplan reads files matching {', '.join(PATTERNS)} in the directory",
        )
    module = ModuleFiles(directory)
    for path in paths:
        record_file(path)
        body = _parse(path, cache_dir)
        _check_top_level(body)
        module.files.append(str(path))
        for block in body.blocks:
            module.add(block)
    return module


def _parse(path: Path, cache_dir: Path | None) -> Body:
    from fnplan.config.parse_cache import parse_cached

    if path.suffix == ".hcl":
        from fnplan.config.hcl import parse_hcl

        return parse_cached(path, cache_dir, parse_hcl)
    from fnplan.config.yaml_syntax import parse_yaml

    return parse_cached(path, cache_dir, parse_yaml)


def _check_top_level(body: Body) -> None:
    for name, attribute in body.attributes.items():
        raise ConfigError(
            f"unexpected attribute {name!r} at the top level; only blocks are allowed here",
            pos=attribute.name_pos,
            allowed=list(ROOT.blocks),
            hint=f"put it inside a block, e.g. locals {{ {name} = ... }}",
        )
    check_body(body, ROOT, "the top level")


def _provider_address(block: Block) -> str:
    """ "TYPE" or "TYPE.ALIAS" from a provider block's label and literal `alias`."""
    alias = block.body.attributes.get("alias")
    if alias is None:
        return block.labels[0]
    from fnplan.expr import ast

    if not isinstance(alias.expr, ast.Literal) or not isinstance(alias.expr.value, str):
        raise ConfigError("a provider alias must be a literal string", pos=alias.expr.pos)
    check_name("provider alias", alias.expr.value, alias.expr.pos)
    return f"{block.labels[0]}.{alias.expr.value}"


def _duplicate(what: str, first: SourcePos, second: SourcePos) -> None:
    raise ConfigError(
        f"{what} is defined twice: at {first} and at {second}",
        pos=second,
        hint="names must be unique across all files of a module",
    )
