"""Reuse of the last compiled configuration when none of its inputs changed.

A warm `fnplan plan` on an unchanged project then skips parsing, evaluation and compile: it
checks (with stat calls) every file, source tree and state value the last compile read, and
loads the pickled `Desired`. The key covers the project, the variables given and fnplan's own
code, so a different `--var` or an upgraded fnplan never sees a stale entry.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fnplan.inputs import Inputs, tree_signature

if TYPE_CHECKING:
    from fnplan.compile.model import Desired

_FORMAT = "fnplan-desired-1"


@dataclass
class CachedDesired:
    desired: Desired
    inputs: Inputs


class DesiredCache:
    """One project's entry under `cache_dir/desired/`."""

    def __init__(
        self,
        cache_dir: Path,
        project_dir: Path,
        variables: Mapping[str, str],
        var_files: Sequence[Path],
        workspace: str = "default",
    ) -> None:
        key = "\0".join(
            [
                _FORMAT,
                str(project_dir),
                workspace,  # fnplan.workspace may appear in the configuration
                repr(sorted(variables.items())),
                repr([str(p) for p in var_files]),
                repr(sorted((k, v) for k, v in os.environ.items() if k.startswith("FNPLAN_VAR_"))),
                _code_signature(),
            ]
        )
        self.path = cache_dir / "desired" / f"{hashlib.sha256(key.encode()).hexdigest()}.pickle"

    def load(self) -> CachedDesired | None:
        """The last entry, if its files are all unchanged (state values are checked later)."""
        try:
            with self.path.open("rb") as handle:
                entry = pickle.load(handle)
        except Exception:  # missing, truncated or from an incompatible version: only a cache
            return None
        if not isinstance(entry, CachedDesired):
            return None
        return entry if entry.inputs.files_unchanged() else None

    def store(self, desired: Desired, inputs: Inputs) -> None:
        """Write the entry atomically; a cache that cannot be written is silently skipped."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                pickle.dump(CachedDesired(desired, inputs), handle, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError:
            pass


def _code_signature() -> str:
    """fnplan's own source files: editing the engine invalidates every entry."""
    import fnplan

    return tree_signature(str(Path(fnplan.__file__).parent))
