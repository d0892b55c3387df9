"""Which files in a directory are configuration files (kept apart so checking is cheap)."""

from __future__ import annotations

from pathlib import Path

PATTERNS = ("*.hcl", "*.fnplan.yaml", "*.fnplan.yml")


def config_file_names(directory: str | Path) -> list[str]:
    """Names of the configuration files directly in `directory`, sorted."""
    return sorted(
        {p.name for pattern in PATTERNS for p in Path(directory).glob(pattern) if p.is_file()}
    )
