"""Helpers for configuration tests: write a project directory and load it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from fnplan.config.loader import load_config
from fnplan.config.model import Config
from fnplan.errors import ConfigError

Write = Callable[..., Path]


def write_project(root: Path, files: Mapping[str, str]) -> Path:
    """Write `files` (relative path -> text) under root; directories named in paths are created."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Write:
    """project({"main.hcl": ...}) writes the files into a fresh directory and returns it."""
    counter = iter(range(1000))

    def write(files: Mapping[str, str], name: str | None = None) -> Path:
        return write_project(tmp_path / (name or f"p{next(counter)}"), files)

    return write


def load(directory: Path, **kwargs: Any) -> Config:
    """load_config with an empty environment unless given."""
    kwargs.setdefault("environ", {})
    return load_config(directory, **kwargs)


def load_error(directory: Path, **kwargs: Any) -> ConfigError:
    """The ConfigError loading `directory` raises."""
    with pytest.raises(ConfigError) as caught:
        load(directory, **kwargs)
    return caught.value


def where(error: ConfigError) -> str:
    """ "file:line:column" of an error with the file reduced to its name."""
    assert error.pos is not None, error.render()
    return f"{Path(error.pos.file).name}:{error.pos.line}:{error.pos.column}"
