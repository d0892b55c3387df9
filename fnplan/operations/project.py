"""Commands about the project's files rather than its deployment: `init`, `validate`, `fmt`
and `graph`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.state.migrate import Migrated
    from fnplan.workspace import Workspace

GraphFormat = Literal["dot", "mermaid", "json"]


@dataclass
class Initialized:
    """What `init` did: state copied between backends, providers loaded, resources found."""

    migrated: list[Migrated] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    resources: int = 0


def initialize(workspace: Workspace, *, migrate: bool, reconfigure: bool) -> Initialized:
    """Check the configuration, record (or migrate to) its backend and load its providers."""
    from fnplan.backend_init import init_backend
    from fnplan.scaffold import require_configuration

    require_configuration(workspace.directory)
    config = workspace.load()
    workspace.data_dir.mkdir(parents=True, exist_ok=True)
    migrated = init_backend(workspace, config.backend, migrate=migrate, reconfigure=reconfigure)
    state = workspace.backend(config.backend).read()
    desired = workspace.compile(config, state)
    providers = workspace.providers(desired.providers, desired.providers_used(), state)
    return Initialized(list(migrated), sorted(providers), len(desired.resources))


def validate(workspace: Workspace) -> Desired:
    """The compiled configuration (every check done); its `warnings` are for the user."""
    config = workspace.load()
    return workspace.compile(config, workspace.backend(config.backend).read())


@dataclass(frozen=True)
class Unformatted:
    """A configuration file whose text is not in the canonical format."""

    path: Path
    original: bytes
    formatted: bytes

    def diff(self) -> list[str]:
        """The change as unified diff lines."""
        import difflib

        return list(
            difflib.unified_diff(
                self.original.decode().splitlines(keepends=True),
                self.formatted.decode().splitlines(keepends=True),
                str(self.path),
                str(self.path),
            )
        )


def unformatted(paths: list[Path]) -> list[Unformatted]:
    """The HCL and YAML files under `paths` that formatting would change. Every file is
    formatted before any is reported, so a syntax error in one leaves all untouched."""
    from fnplan.config.fmt import config_files, format_config

    originals = {path: path.read_bytes() for path in config_files(paths)}
    formatted = {path: format_config(source, str(path)) for path, source in originals.items()}
    return [
        Unformatted(path, original, formatted[path])
        for path, original in originals.items()
        if formatted[path] != original
    ]


def graph_text(workspace: Workspace, form: GraphFormat) -> str:
    """The dependency graph of the configuration's resources as DOT, Mermaid or JSON."""
    import json

    from fnplan.graph import dependency_graph

    desired = validate(workspace)
    edges = sorted(dependency_graph(desired.resources).edges())
    nodes = sorted(desired.resources)
    if form == "json":
        return json.dumps({"nodes": nodes, "edges": [list(e) for e in edges]}, indent=2)
    if form == "mermaid":
        ids = {node: f"n{i}" for i, node in enumerate(nodes)}
        lines = ["flowchart LR"]
        lines += [f'  {ids[node]}["{node}"]' for node in nodes]
        lines += [f"  {ids[source]} --> {ids[target]}" for source, target in edges]
        return "\n".join(lines)
    lines = ["digraph fnplan {", "  rankdir=LR;"]
    lines += [f'  "{node}";' for node in nodes]
    lines += [f'  "{source}" -> "{target}";' for source, target in edges]
    return "\n".join([*lines, "}"])
