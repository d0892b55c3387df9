"""Labels that tell this configuration's objects from foreign ones, on every object.

Label values are limited to 63 characters of [A-Za-z0-9-_.], so the address (which has
brackets and quotes) is kept in an annotation and its digest in the label; `create` adopts
an object only when both name the same address and state lineage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from fnplan.errors import ProviderError

ADDRESS_LABEL = "fnplan.io/address"
LINEAGE_LABEL = "fnplan.io/lineage"
WORKFLOW_LABEL = "fnplan.io/workflow"
FUNCTION_LABEL = "fnplan.io/function"
VERSION_LABEL = "fnplan.io/version"
#: the full address, which a label value cannot hold
ADDRESS_ANNOTATION = "fnplan.io/address"


def address_label(address: str) -> str:
    """A label value standing for `address` (a digest: addresses hold characters labels don't)."""
    return hashlib.sha256(address.encode()).hexdigest()[:40]


def object_labels(
    address: str, lineage: str | None, user_labels: Mapping[str, str]
) -> dict[str, str]:
    """The labels of an object fnplan creates for `address`."""
    labels = dict(user_labels)
    labels[ADDRESS_LABEL] = address_label(address)
    if lineage:
        labels[LINEAGE_LABEL] = lineage[:63]
    return labels


def object_annotations(address: str, user_annotations: Mapping[str, str]) -> dict[str, str]:
    """The annotations of an object fnplan creates for `address`."""
    return {**user_annotations, ADDRESS_ANNOTATION: address}


def check_ours(
    address: str, lineage: str | None, metadata: Mapping[str, object], what: str
) -> None:
    """ProviderError unless the existing object `what` (its `metadata`) was created for
    `address` by this configuration's state (a foreign one is adopted only by import)."""
    labels = metadata.get("labels") or {}
    assert isinstance(labels, Mapping)
    same_address = labels.get(ADDRESS_LABEL) == address_label(address)
    same_lineage = lineage is None or labels.get(LINEAGE_LABEL) in (None, lineage[:63])
    if same_address and same_lineage:
        return
    raise ProviderError(
        f"{address}: {what} already exists and was not created by this configuration",
        hint=f"adopt it with: fnplan import {address} {what.split()[-1]}",
    )
