"""Blocks that name objects fnplan did not create: `import { to, id }` (adopt an existing
object into the state) and `data` blocks (read one without owning it), as evaluated."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ImportBlock(BaseModel):
    """`import { to = function.x  id = "..." }`: the object `id` becomes `to`'s."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    to: str  # the resource address (module prefix included)
    id: str
    pos: str | None = None


class DataRead(BaseModel):
    """One data block as read: its address, provider address and the values it got."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    address: str  # "data.local_file.readme" (module prefix included)
    provider: str
    values: dict[str, Any] = Field(default_factory=dict)
    pos: str | None = None
