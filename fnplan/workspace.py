"""A project directory and the stages that act on it, wired together for the CLI.

This is the only place that knows the order load -> compile -> state -> providers; each
stage itself lives in its own package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fnplan.errors import ConfigError, SourcePos

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.config.model import Config
    from fnplan.provider import Provider
    from fnplan.state.local import LocalBackend
    from fnplan.state.model import State

DATA_DIR = ".fnplan"
DEFAULT_STATE_PATH = f"{DATA_DIR}/state.json"


@dataclass
class Workspace:
    """One project directory plus the variables given on the command line."""

    directory: Path
    variables: Mapping[str, str] = field(default_factory=dict)
    var_files: Sequence[Path] = ()
    lock_timeout: float = 0.0

    @property
    def data_dir(self) -> Path:
        return self.directory / DATA_DIR

    @property
    def cache_dir(self) -> Path:
        """Content-addressed caches (parsed files, source digests), shared by all projects.

        Kept outside the project so that `.fnplan/` holds only state and deployments.
        """
        override = os.environ.get("FNPLAN_CACHE_DIR")
        if override:
            return Path(override)
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "fnplan"

    def load(self) -> Config:
        """Load and evaluate the configuration files of the directory."""
        from fnplan.config.loader import load_config

        if not self.directory.is_dir():
            raise ConfigError(f"project directory {self.directory} does not exist")
        return load_config(
            self.directory,
            variables=self.variables,
            var_files=self.var_files,
            cache_dir=self.cache_dir,
        )

    def compile(self, config: Config, state: State | None) -> Desired:
        from fnplan.compile.compile import compile_config

        return compile_config(config, state, cache_dir=self.cache_dir)

    def backend(self, config: Config) -> LocalBackend:
        """The state backend the configuration's `fnplan { backend }` block selects."""
        from fnplan.state.local import LocalBackend

        backend = config.backend
        if backend.type != "local":
            raise ConfigError(
                f"backend {backend.type!r} is not available in this version",
                pos=SourcePos.parse(backend.pos),
                allowed=["local"],
            )
        path = Path(str(backend.config.get("path", DEFAULT_STATE_PATH)))
        if not path.is_absolute():
            path = self.directory / path
        return LocalBackend(path, lock_timeout=self.lock_timeout)

    def providers(self, desired: Desired, state: State) -> dict[str, Provider]:
        """Instances of every provider that the configuration or the state uses."""
        from fnplan.provider import open_providers

        needed = {r.provider for r in desired.resources.values()}
        needed |= {r.provider for r in state.resources.values()}
        return open_providers(dict(desired.providers), needed, self.directory)

