"""ProviderErrors about one resource, pointing at the block that declared it."""

from __future__ import annotations

from collections.abc import Iterable

from fnplan.errors import ProviderError, SourcePos
from fnplan.resources import Resource


def resource_error(
    resource: Resource,
    message: str,
    *,
    hint: str | None = None,
    allowed: Iterable[str] | None = None,
) -> ProviderError:
    """A ProviderError prefixed with the address and positioned at the resource's block."""
    return ProviderError(
        f"{resource.address}: {message}",
        pos=SourcePos.parse(resource.pos),
        hint=hint,
        allowed=allowed,
    )
