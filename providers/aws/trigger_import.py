"""`fnplan import trigger.NAME ID`: an existing EventBridge rule, by ARN or name (on the
default bus), read without changing anything.

The record names the rule (later applies keep its name). A rule fnplan made for the same
address (another state's) is adopted as it is, with its permission statement and role. Any
other rule's configuration counts as changed, so the next plan shows an update: the apply
writes the configured pattern and target, removes the rule's other targets, and tags it as
this state's.
"""

from __future__ import annotations

import json
from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation

from .clients import Clients, aws_errors
from .functions import LIVE_ALIAS
from .ownership import ADDRESS_TAG
from .trigger_access import TriggerContext
from .triggers import config_digest
from .triggers_rules import Rule

#: what the record holds for the configuration until fnplan writes its own
IMPORTED = "(imported)"


def import_rule(clients: Clients, address: str, id: str) -> Observation:
    """The rule `id` (`arn:aws:events:REGION:ACCOUNT:rule/NAME` or NAME) as `address`."""
    path = id.split(":rule/", 1)[1] if id.startswith("arn:") and ":rule/" in id else id
    bus, _, name = path.rpartition("/")  # rule/NAME on the default bus, rule/BUS/NAME
    bus = bus or "default"
    events = clients["events"]
    with aws_errors(f"{address}: events DescribeRule {name}"):
        try:
            found = events.describe_rule(Name=name, EventBusName=bus)
        except events.exceptions.ResourceNotFoundException:
            raise ProviderError(f"{address}: no EventBridge rule named {name!r}") from None
    pattern = json.loads(found.get("EventPattern") or "{}")
    completion = pattern.get("source") == ["aws.states"]
    attributes = {"kind": "completion" if completion else "event"}
    objects: dict[str, Any] = {"rule": name, "bus": bus, "arn": found["Arn"], "role": False}
    with aws_errors(f"{address}: events ListTagsForResource {name}"):
        tags = {
            t["Key"]: t["Value"]
            for t in events.list_tags_for_resource(ResourceARN=found["Arn"])["Tags"]
        }
    if tags.get(ADDRESS_TAG) == address:  # fnplan made it for this address (another state)
        context = TriggerContext(clients, address, "", {}, None, None)
        objects["permission"] = _permission(clients, address, found)
        objects["role"] = not objects["permission"]
        digest = config_digest(Rule().read(context, objects))
    else:  # someone else's: its configuration counts as changed, the next apply writes ours
        objects.update(permission=None, imported=True)
        digest = IMPORTED
    outputs = {
        "kind": attributes["kind"],
        "arn": found["Arn"],
        "url": None,
        "objects": objects,
        "config_sha256": digest,
    }
    return Observation(exists=True, attributes=attributes, outputs=outputs)


def _permission(clients: Clients, address: str, rule: dict[str, Any]) -> dict[str, str] | None:
    """The statement letting the rule invoke its function target (found by the rule's ARN in
    the live alias's policy), as allow_invoke records it; None for a workflow target."""
    name, bus = rule["Name"], rule.get("EventBusName") or "default"
    with aws_errors(f"{address}: events ListTargetsByRule {name}"):
        targets = clients["events"].list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]
    arns = [str(t["Arn"]).split(":") for t in targets]  # arn:aws:lambda:R:A:function:NAME:live
    functions = [arn[6] for arn in arns if arn[2] == "lambda" and arn[-1] == LIVE_ALIAS]
    lam = clients["lambda"]
    for function in functions:
        with aws_errors(f"{address}: lambda GetPolicy {function}:{LIVE_ALIAS}"):
            try:
                policy = lam.get_policy(FunctionName=function, Qualifier=LIVE_ALIAS)["Policy"]
            except lam.exceptions.ResourceNotFoundException:
                continue
        for statement in json.loads(policy).get("Statement", []):
            source = statement.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")
            if source == rule["Arn"]:
                return {"function": function, "sid": str(statement["Sid"])}
    return None
