"""Block names: identifiers of at most 64 characters, so that a name can never be a path.

Names become parts of addresses, of directories a provider writes and of run-log paths; a
name such as "../../x" or "/abs" must be refused where it is written, not where it is used.
"""

from __future__ import annotations

import re

from fnplan.errors import ConfigError, SourcePos

MAX_NAME = 64
#: a whole address ("module.a.module.b.function.f") names a directory of its own in providers
#: that store objects as files; file names are at most 255 bytes, with room left for suffixes
MAX_ADDRESS = 200
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: a whole name, as a JSON Schema pattern (schemas/config.schema.json, for editors)
NAME_PATTERN = f"^{_NAME.pattern}$"
_RULE = f"a letter or '_', then letters, digits, '_' or '-'; at most {MAX_NAME} characters"


def is_name(text: str) -> bool:
    """True for an identifier of at most MAX_NAME characters."""
    return len(text) <= MAX_NAME and _NAME.fullmatch(text) is not None


def check_address(address: str, pos: SourcePos | None) -> None:
    """Names compose into addresses through module calls: refuse one too long for a file name."""
    if len(address) > MAX_ADDRESS:
        raise ConfigError(
            f"the address {address} is {len(address)} characters long; at most {MAX_ADDRESS} "
            "fit in the file names deployed objects are stored under",
            pos=pos,
            hint="shorten the names of the modules and of the block it is made of",
        )


def check_name(what: str, text: str, pos: SourcePos | None) -> None:
    """Raise a ConfigError at `pos` unless `text` is a valid name; `what` is e.g. "step name"."""
    if is_name(text):
        return
    shown = text if len(text) <= 2 * MAX_NAME else text[: 2 * MAX_NAME] + "..."
    reason = f"{len(text)} characters is too long" if _NAME.fullmatch(text) else "not an identifier"
    raise ConfigError(f"{what} {shown!r} is not allowed: {reason}", pos=pos, allowed=[_RULE])
