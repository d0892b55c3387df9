# A scan corpus file: the older typing styles are written on purpose.
"""Publish what happened to an order."""

import boto3
import httpx
from cloudevents.http import CloudEvent

ORDER_PLACED = "com.example.order.placed"


def handler(event, context):
    placed = CloudEvent({"type": ORDER_PLACED, "source": "/orders"}, {"id": event["id"]})
    httpx.post(
        "http://127.0.0.1:8080/events",
        headers={"ce-type": "com.example.order.audited", "ce-specversion": "1.0"},
        json={"id": event["id"]},
    )
    boto3.client("events").put_events(
        Entries=[{"Source": "shop", "DetailType": "OrderShipped", "Detail": "{}"}]
    )
    return {"event": placed["id"]}
