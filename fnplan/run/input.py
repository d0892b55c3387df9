"""Run input: parsed from JSON text and held to limits every run checks before it starts.

Limits: nesting at most MAX_DEPTH arrays/objects deep (real inputs stay far below; deeper
input would exhaust the evaluator's and the log writer's recursion), and numbers finite
(JSON has no Infinity or NaN: `1e999` is refused rather than read as infinity).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from fnplan.errors import FnplanError

#: How deep run input may nest arrays and objects.
MAX_DEPTH = 64


def parse_input(text: str, source: str = "--input") -> Any:
    """The JSON value of `text` ("@PATH" reads a file), checked against the limits."""
    if text.startswith("@"):
        path = Path(text[1:])
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise FnplanError(f"--input: cannot read {path}: {reason}") from None
    try:
        value = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except json.JSONDecodeError as error:
        where = f"at line {error.lineno} column {error.colno}"
        raise _not_valid(source, f"{error.msg} {where}") from None
    except ValueError as error:  # a number JSON does not have: one line, no hint needed
        raise FnplanError(f"{source}: not valid JSON: {error}") from None
    except RecursionError:
        raise _too_deep(source) from None
    check_input(value, source)
    return value


def check_input(value: Any, source: str = "run input") -> None:
    """FnplanError when `value` nests deeper than MAX_DEPTH or holds a non-finite number."""
    pending: list[tuple[Any, str, int]] = [(value, "input", 0)]
    while pending:
        item, where, depth = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise FnplanError(
                f"{source}: {item} at {where} is not a JSON number (JSON numbers are finite)"
            )
        if isinstance(item, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise _too_deep(source)
            entries = item.items() if isinstance(item, dict) else enumerate(item)
            pending.extend(
                (child, f"{where}[{json.dumps(key)}]", depth + 1) for key, child in entries
            )


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a finite number (JSON numbers are finite)")
    return number


def _not_json(constant: str) -> Any:
    """Python's JSON reader accepts NaN and Infinity; JSON (and every other runtime) does not."""
    raise ValueError(f"{constant} is not a JSON number")


def _not_valid(source: str, reason: str) -> FnplanError:
    return FnplanError(
        f"{source}: not valid JSON: {reason}",
        hint='pass JSON text such as \'{"url": "data/sample.txt"}\', or @file.json',
    )


def _too_deep(source: str) -> FnplanError:
    return FnplanError(
        f"{source}: nested deeper than {MAX_DEPTH} arrays/objects (the limit for run input)"
    )
