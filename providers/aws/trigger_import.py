"""`fnplan import trigger.NAME ID`: an existing EventBridge rule on the default bus, by ARN
or name, read without changing anything.

The record names the rule (later applies keep its name) and marks its configuration as not
fnplan's, so the next plan shows an update: the apply writes the configured pattern and
target, removes the rule's other targets, and tags it as this state's.
"""

from __future__ import annotations

import json

from fnplan.errors import ProviderError
from fnplan.provider import Observation

from .clients import Clients, aws_errors

#: what the record holds for the configuration until fnplan writes its own
IMPORTED = "(imported)"


def import_rule(clients: Clients, address: str, id: str) -> Observation:
    """The rule `id` (`arn:aws:events:REGION:ACCOUNT:rule/NAME` or NAME) as `address`."""
    name = id.split(":rule/", 1)[1] if id.startswith("arn:") and ":rule/" in id else id
    if "/" in name:
        raise ProviderError(
            f"{address}: {id} is on the event bus {name.split('/')[0]!r}; fnplan's triggers "
            "use the default bus"
        )
    events = clients["events"]
    with aws_errors(f"{address}: events DescribeRule {name}"):
        try:
            found = events.describe_rule(Name=name)
        except events.exceptions.ResourceNotFoundException:
            raise ProviderError(f"{address}: no EventBridge rule named {name!r}") from None
    pattern = json.loads(found.get("EventPattern") or "{}")
    completion = pattern.get("source") == ["aws.states"]
    attributes = {"kind": "completion" if completion else "event"}
    objects = {"rule": name, "arn": found["Arn"], "permission": None, "role": False}
    outputs = {
        "kind": attributes["kind"],
        "arn": found["Arn"],
        "url": None,
        "objects": {**objects, "imported": True},
        "config_sha256": IMPORTED,
    }
    return Observation(exists=True, attributes=attributes, outputs=outputs)
