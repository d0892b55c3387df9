"""A project directory and the stages that act on it, wired together for the CLI.

This is the only place that knows the order load -> compile -> state -> providers; each
stage itself lives in its own package. Loading and compiling go through the desired cache,
so a plan of an unchanged project skips both.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fnplan.errors import ConfigError
from fnplan.inputs import Inputs, recording

if TYPE_CHECKING:
    from fnplan.compile.model import BackendSpec, Desired
    from fnplan.config.model import Backend, Config
    from fnplan.desired_cache import CachedDesired, DesiredCache
    from fnplan.provider import Provider
    from fnplan.state.backend import StateBackend, Workspaces
    from fnplan.state.model import State

DATA_DIR = ".fnplan"
#: the selected workspace's name, as Terraform's .terraform/environment
ENVIRONMENT_FILE = "environment"
#: overrides the selected workspace for one command (Terraform's TF_WORKSPACE)
WORKSPACE_ENV = "FNPLAN_WORKSPACE"

_Loaded = TypeVar("_Loaded")


@dataclass
class Prepared:
    """The backend to lock, with either a reusable cached result or a freshly loaded config."""

    backend: StateBackend
    cached: CachedDesired | None = None
    config: Config | None = None
    inputs: Inputs = field(default_factory=Inputs)


@dataclass
class Workspace:
    """One project directory plus the variables given on the command line."""

    directory: Path
    variables: Mapping[str, str] = field(default_factory=dict)
    var_files: Sequence[Path] = ()
    lock_timeout: float = 0.0

    @property
    def data_dir(self) -> Path:
        """The selected workspace's deployments, run logs and staged code."""
        return workspace_data_dir(self.directory)

    @property
    def settings_dir(self) -> Path:
        """Settings shared by every workspace: .fnplan/environment and .fnplan/backend.json."""
        return self.directory / DATA_DIR

    @property
    def cache_dir(self) -> Path:
        """Content-addressed caches (parsed files, source digests, compiled configurations),
        kept outside the project so that `.fnplan/` holds only state and deployments."""
        return user_cache_dir()

    @property
    def workspace_name(self) -> str:
        return selected_workspace(self.directory)

    def load(self) -> Config:
        """Load and evaluate the configuration files of the directory."""
        from fnplan.config.loader import load_config

        return self._read_files(load_config)

    def compile(self, config: Config, state: State | None) -> Desired:
        """Compile, then check the result against the providers it is placed on."""
        from fnplan.compile.compile import compile_config
        from fnplan.compile.provider_checks import check_providers

        desired = compile_config(config, state, cache_dir=self.cache_dir)
        check_providers(config, desired)
        return desired

    def prepare(self) -> Prepared:
        """What a locked operation needs first: the backend, from the cache when it is valid."""
        cached = self._desired_cache().load()
        if cached is not None:
            return Prepared(self.backend(cached.desired.backend), cached=cached)
        inputs = Inputs()
        with recording(inputs):
            config = self.load()
        return Prepared(self.backend(config.backend), config=config, inputs=inputs)

    def state_backend(self) -> StateBackend:
        """The state backend alone, for commands that only read or edit the state: a mistake
        elsewhere in the configuration must not keep anyone from inspecting or fixing it."""
        return self.backend(self.backend_block())

    def backend_block(self) -> Backend | BackendSpec:
        """The `fnplan { backend }` block alone (from the cache when it is valid)."""
        cached = self._desired_cache().load()
        if cached is not None:
            return cached.desired.backend
        from fnplan.config.loader import load_backend

        return self._read_files(load_backend)

    def _read_files(self, loader: Callable[..., _Loaded]) -> _Loaded:
        """Run a configuration loader on the directory, with `fnplan.workspace` bound."""
        from fnplan.config.scope import CURRENT_WORKSPACE

        if not self.directory.is_dir():
            raise ConfigError(f"project directory {self.directory} does not exist")
        token = CURRENT_WORKSPACE.set(self.workspace_name)
        try:
            return loader(
                self.directory,
                variables=self.variables,
                var_files=self.var_files,
                cache_dir=self.cache_dir,
            )
        finally:
            CURRENT_WORKSPACE.reset(token)

    def desired(self, prepared: Prepared, state: State) -> Desired:
        """The compiled configuration against `state`: cached when nothing it read changed."""
        cached = prepared.cached
        if cached is not None and cached.inputs.state_unchanged(_versions(state, cached.inputs)):
            return cached.desired
        with recording(prepared.inputs):
            config = prepared.config or self.load()
            desired = self.compile(config, state)
        self._desired_cache().store(desired, prepared.inputs)
        return desired

    def backend(self, backend: Backend | BackendSpec) -> StateBackend:
        """The selected workspace's state in the backend the `fnplan { backend }` block names."""
        from fnplan.state.backend import require_workspace

        workspaces = self.workspaces(backend)
        require_workspace(workspaces, self.workspace_name)
        return workspaces.state(self.workspace_name)

    def workspaces(self, backend: Backend | BackendSpec) -> Workspaces:
        """Every workspace of the backend the block names (local: default at the configured
        path, others under .fnplan/workspaces/NAME/; pg: rows keyed by name)."""
        from fnplan.state.backends import open_workspaces

        return open_workspaces(
            backend.type,
            backend.config,
            backend.pos,
            self.directory,
            lock_timeout=self.lock_timeout,
        )

    def providers(
        self, configs: Mapping[str, Mapping[str, Any]], used: set[str], state: State
    ) -> dict[str, Provider]:
        """Instances of the providers in `used` and every one the state uses, configured from
        `configs` (provider address -> evaluated block attributes)."""
        from fnplan.provider import open_providers

        needed = used | {r.provider for r in state.resources.values()}
        return open_providers(configs, needed, self.directory, lineage=state.lineage)

    def _desired_cache(self) -> DesiredCache:
        from fnplan.desired_cache import DesiredCache

        return DesiredCache(
            self.cache_dir, self.directory, self.variables, self.var_files, self.workspace_name
        )


def user_cache_dir() -> Path:
    """FNPLAN_CACHE_DIR, else $XDG_CACHE_HOME/fnplan, else ~/.cache/fnplan."""
    override = os.environ.get("FNPLAN_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fnplan"


def selected_workspace(project_dir: Path) -> str:
    """The selected workspace: $FNPLAN_WORKSPACE, else .fnplan/environment, else default."""
    from fnplan.state.backend import DEFAULT_WORKSPACE, check_workspace_name

    name = os.environ.get(WORKSPACE_ENV)
    if not name:
        try:
            name = (project_dir / DATA_DIR / ENVIRONMENT_FILE).read_text().strip()
        except FileNotFoundError:
            name = ""
    return check_workspace_name(name) if name else DEFAULT_WORKSPACE


def workspace_data_dir(project_dir: Path) -> Path:
    """Where providers deploy and runs are logged for the selected workspace: .fnplan for
    default, .fnplan/workspaces/NAME for any other (beside its local state), so workspaces
    of one project never share deployed objects."""
    from fnplan.state.backend import DEFAULT_WORKSPACE
    from fnplan.state.backends import WORKSPACE_DIR

    name = selected_workspace(project_dir)
    return project_dir / (DATA_DIR if name == DEFAULT_WORKSPACE else f"{WORKSPACE_DIR}/{name}")


def _versions(state: State, inputs: Inputs) -> dict[str, object]:
    """The state values a compile may read: the recorded versions of pinned functions."""
    values: dict[str, object] = {}
    for address in inputs.state:
        recorded = state.resources.get(address)
        values[address] = recorded.outputs.get("versions", []) if recorded is not None else []
    return values
