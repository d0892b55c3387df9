"""JSON Schema files referenced by functions, workflows and events, read once per compile."""

from __future__ import annotations

import json
from typing import Any

from fnplan.compile.index import to_pos
from fnplan.errors import ConfigError
from fnplan.inputs import record_file


class SchemaFiles:
    """Reads JSON Schema files by absolute path, caching each file's parsed content."""

    def __init__(self) -> None:
        self._loaded: dict[str, dict[str, Any]] = {}

    def load(self, path: str | None, pos: str | None) -> dict[str, Any] | None:
        """The schema at `path` (None stays None); unreadable/bad JSON -> ConfigError at `pos`."""
        if path is None:
            return None
        cached = self._loaded.get(path)
        if cached is not None:
            return cached
        record_file(path)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise ConfigError(
                f"cannot read JSON Schema {path!r}: {error.strerror}", pos=to_pos(pos)
            ) from None
        except ValueError as error:
            raise ConfigError(
                f"JSON Schema {path!r} is not valid JSON: {error}",
                pos=to_pos(pos),
                hint="the file must hold one JSON object (a JSON Schema)",
            ) from None
        if not isinstance(data, dict):
            raise ConfigError(
                f"JSON Schema {path!r} must be a JSON object, not {type(data).__name__}",
                pos=to_pos(pos),
            )
        self._loaded[path] = data
        return data
