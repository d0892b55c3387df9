"""Tags that tell this configuration's objects from foreign ones, on every object.

`create` adopts an object only when its tags name the same address and state lineage (a
retry after a crash); an object of the same name that something else made is refused, and
`fnplan import ADDRESS ID` adopts it on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping

from fnplan.errors import ProviderError

ADDRESS_TAG = "fnplan:address"
LINEAGE_TAG = "fnplan:lineage"
#: on a Lambda function: the source_hash of the code fnplan uploaded (what `fnplan import` reads)
SOURCE_TAG = "fnplan:source_hash"


def object_tags(address: str, lineage: str | None, user_tags: Mapping[str, str]) -> dict[str, str]:
    """The tags of an object fnplan creates for `address`."""
    tags = dict(user_tags)
    tags[ADDRESS_TAG] = address
    if lineage:
        tags[LINEAGE_TAG] = lineage
    return tags


def check_ours(address: str, lineage: str | None, found: Mapping[str, str], what: str) -> None:
    """ProviderError unless the existing object `what` was created for `address` by this
    configuration's state (a foreign object is adopted only by `fnplan import`)."""
    same_address = found.get(ADDRESS_TAG) == address
    same_lineage = lineage is None or found.get(LINEAGE_TAG) in (None, lineage)
    if same_address and same_lineage:
        return
    raise ProviderError(
        f"{address}: {what} already exists and was not created by this configuration",
        hint=f"adopt it with: fnplan import {address} {what.split()[-1]}",
    )
