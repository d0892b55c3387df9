"""The recorded state: model, local backend, locking, apply journal and state edits.

The backend, lock and journal load on first use, so importing the model stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fnplan.state.model import OutputValue, ResourceState, State

if TYPE_CHECKING:
    from fnplan.state.journal import Journal
    from fnplan.state.local import LocalBackend
    from fnplan.state.lock import LockInfo

_LAZY = {
    "Journal": "fnplan.state.journal",
    "LocalBackend": "fnplan.state.local",
    "LockInfo": "fnplan.state.lock",
}

__all__ = ["Journal", "LocalBackend", "LockInfo", "OutputValue", "ResourceState", "State"]


def __getattr__(name: str) -> Any:
    """Import the backend classes only when asked for (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
