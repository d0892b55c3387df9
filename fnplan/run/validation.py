"""JSON Schema checks of run-time payloads (function input/output, workflow input/output)."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()


def schema_problem(schema: dict[str, Any] | None, value: Any) -> str | None:
    """Why `value` does not match `schema` ("does not match its schema: ..."), or None."""
    if schema is None:
        return None
    from jsonschema.exceptions import best_match

    with _lock:
        validator = _validator(json.dumps(schema, sort_keys=True))
    error = best_match(validator.iter_errors(value))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"does not match its schema: {error.message}" + (f" (at /{where})" if where else "")


@lru_cache(maxsize=1024)
def _validator(schema_json: str) -> Any:
    from jsonschema.validators import validator_for

    schema = json.loads(schema_json)
    cls = validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)
