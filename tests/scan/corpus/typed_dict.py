# A scan corpus file: the older typing styles are written on purpose.
"""Resize an image."""

from typing import NotRequired, Required, TypedDict


class ResizeIn(TypedDict):
    image: str
    width: int
    height: NotRequired[int]


class ResizeOptions(TypedDict, total=False):
    quality: int
    format: Required[str]


class ResizeOut(TypedDict):
    path: str
    options: ResizeOptions


def handler(event: ResizeIn, context: object) -> ResizeOut:
    return {"path": event["image"], "options": {"format": "png"}}
