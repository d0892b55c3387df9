# ruff: noqa: UP007, UP045
# A scan corpus file: the older typing styles are written on purpose.
from typing import Optional, Union

Tags = set[str]
Identifier = Union[int, str]
Point = tuple[float, float]


def handler(
    event: dict[str, Identifier | Point | None],
    context,
) -> Optional[tuple[Tags, ...]]:
    return None
