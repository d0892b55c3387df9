# ruff: noqa: UP045
# A scan corpus file: the older typing styles are written on purpose.
from typing import Literal, Optional

from pydantic import BaseModel, Field


class Item(BaseModel):
    """One line of an order."""

    sku: str = Field(..., min_length=3, description="stock keeping unit")
    qty: int = Field(1, ge=1)


class OrderIn(BaseModel):
    order_id: str = Field(alias="orderId")
    items: list[Item]
    priority: Literal["low", "high"] = "low"
    note: Optional[str] = None


class OrderOut(BaseModel):
    accepted: bool
    total: float


def handler(event: OrderIn, context) -> OrderOut:
    """Accept an order.

    Longer explanation that is not part of the description.
    """
    return OrderOut(accepted=True, total=0.0)
