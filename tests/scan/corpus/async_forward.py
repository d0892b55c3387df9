# ruff: noqa: UP037
# A scan corpus file: the older typing styles are written on purpose.
from __future__ import annotations

from pydantic import BaseModel


class Base(BaseModel):
    request_id: str


class Request(Base):
    """What the classifier is asked."""

    text: str
    threshold: float = 0.5


async def handler(event: "Request", context) -> "dict[str, float] | None":
    """Classify a text."""
    return {"positive": 0.9}
