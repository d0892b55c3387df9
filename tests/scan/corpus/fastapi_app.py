# A scan corpus file: the older typing styles are written on purpose.
"""Orders API, served through Mangum on Lambda."""

from fastapi import APIRouter, FastAPI
from mangum import Mangum
from pydantic import BaseModel

app = FastAPI()
router = APIRouter()


class Order(BaseModel):
    id: str
    qty: int


@app.post("/orders", response_model=Order)
def create_order(order: Order) -> Order:
    return order


@app.get("/orders/{order_id}")
async def read_order(order_id: str) -> Order:
    return Order(id=order_id, qty=1)


@router.api_route("/health", methods=["GET", "HEAD"])
def health() -> dict[str, str]:
    return {"status": "ok"}


handler = Mangum(app)
