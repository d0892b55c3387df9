"""Triggers fired by time or by events on EventBridge.

schedule   → an EventBridge Scheduler schedule (group `default`, UTC) whose target is the
             function's live alias or the state machine, through the trigger's role
event      → a rule on the default bus matching the event's CloudEvents type as `detail-type`;
             the target gets the event's `detail` (its data)
completion → a rule matching Step Functions' "Execution Status Change" events of the source
             workflow's state machine when the execution has ended; the target gets
             `{status, output, execution_id, error}` (Step Functions' status and output text)

Each returns the record of what it made (`objects` in the trigger's outputs), from which
`read` reads the live configuration back and `remove` deletes exactly that.
"""

from __future__ import annotations

import json
from typing import Any

from fnplan.errors import ProviderError

from .clients import aws_errors, unless_missing
from .ownership import check_ours
from .schedules import scheduler_expression
from .trigger_access import TriggerContext, once_role_propagates
from .trigger_input import constant_input, has_expression, input_transformer

#: Step Functions' statuses of an execution that has ended
ENDED = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
TARGET_ID = "fnplan"
DEFAULT_BUS = "default"
#: the completion payload (docs/events.md), from the status-change event's detail
_COMPLETION_PATHS = {
    "status": "$.detail.status",
    "execution_id": "$.detail.name",
    "output": "$.detail.output",
    "error": "$.detail.error",
}
_COMPLETION_TEMPLATE = (
    '{"status": <status>, "output": <output>, "execution_id": <execution_id>, "error": <error>}'
)


class Schedule:
    """schedule → an EventBridge Scheduler schedule."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        name = prior.get("schedule") or ctx.name
        target_arn = ctx.target_arn(attributes)
        role = ctx.ensure_role("scheduler.amazonaws.com", target_arn, attributes["target_type"])
        payload = {"time": "<aws.scheduler.scheduled-time>", "trigger": ctx.address}
        spec = {
            "Name": name,
            "GroupName": "default",
            "ScheduleExpression": scheduler_expression(str(attributes["schedule"])),
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            # schedules take no tags: the description names the owner
            "Description": _owner(ctx),
            "Target": {
                "Arn": target_arn,
                "RoleArn": role,
                "Input": constant_input(attributes) or json.dumps(payload),
            },
        }
        scheduler = ctx.clients["scheduler"]
        existing = self._get(ctx, name)
        if existing is None:
            with aws_errors(f"{ctx.address}: scheduler CreateSchedule {name}"):
                made = once_role_propagates(lambda: scheduler.create_schedule(**spec))
        else:
            if not prior and existing.get("Description") != _owner(ctx):
                # its description is a schedule's only owner mark: not ours, so refused
                check_ours(ctx.address, ctx.lineage, {}, f"schedule {name}")
            with aws_errors(f"{ctx.address}: scheduler UpdateSchedule {name}"):
                made = once_role_propagates(lambda: scheduler.update_schedule(**spec))
        return {"schedule": name, "arn": made["ScheduleArn"], "role": True}

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        found = self._get(ctx, objects["schedule"])
        if found is None:
            return None
        target = found.get("Target", {})
        return {
            "expression": found.get("ScheduleExpression"),
            "state": found.get("State"),
            "target": [target.get("Arn"), target.get("RoleArn"), target.get("Input")],
        }

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        name = objects.get("schedule") or ctx.name
        with unless_missing(f"{ctx.address}: scheduler DeleteSchedule {name}"):
            ctx.clients["scheduler"].delete_schedule(Name=name, GroupName="default")
        ctx.delete_role()

    def _get(self, ctx: TriggerContext, name: str) -> dict[str, Any] | None:
        scheduler = ctx.clients["scheduler"]
        with aws_errors(f"{ctx.address}: scheduler GetSchedule {name}"):
            try:
                return dict(scheduler.get_schedule(Name=name, GroupName="default"))
            except scheduler.exceptions.ResourceNotFoundException:
                return None


class Rule:
    """event and completion → an EventBridge rule with one target: an event's on the provider's
    `event_bus`, a completion's on the default bus (where AWS services send their events)."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        bus = ctx.event_bus if attributes["kind"] == "event" else DEFAULT_BUS
        if prior and _bus(prior) != bus:  # a rule cannot move: the old one goes
            self.remove(ctx, {"rule": prior["rule"], "bus": _bus(prior)})
            prior = {}
        events, name = ctx.clients["events"], prior.get("rule") or ctx.name
        existing = None if prior else self._describe(ctx, name, bus)
        if existing is not None:  # a retry after a crash: ours, or refused
            with aws_errors(f"{ctx.address}: events ListTagsForResource {name}"):
                tags = events.list_tags_for_resource(ResourceARN=existing["Arn"])["Tags"]
            found = {t["Key"]: t["Value"] for t in tags}
            check_ours(ctx.address, ctx.lineage, found, f"EventBridge rule {name}")
        with aws_errors(f"{ctx.address}: events PutRule {name}"):
            rule_arn = events.put_rule(
                Name=name,
                EventBusName=bus,
                EventPattern=json.dumps(self._pattern(ctx, attributes)),
                State="ENABLED",
                Description=_owner(ctx),
                Tags=_tags(ctx),
            )["RuleArn"]
        if prior:  # PutRule tags only a new rule; an imported one becomes ours here
            with aws_errors(f"{ctx.address}: events TagResource {name}"):
                events.tag_resource(ResourceARN=rule_arn, Tags=_tags(ctx))
        if prior.get("imported"):  # the rule now fires what the configuration says
            self._remove_targets(ctx, name, bus)
        target: dict[str, Any] = {"Id": TARGET_ID, "Arn": ctx.target_arn(attributes)}
        permission = None
        if attributes["target_type"] == "function":
            permission = ctx.allow_invoke(
                str(attributes["target"]), "events.amazonaws.com", SourceArn=rule_arn
            )
        else:
            target["RoleArn"] = ctx.ensure_role(
                "events.amazonaws.com", target["Arn"], attributes["target_type"]
            )
        target.update(self._input(attributes))
        with aws_errors(f"{ctx.address}: events PutTargets {name}"):
            failed = events.put_targets(Rule=name, EventBusName=bus, Targets=[target]).get(
                "FailedEntries"
            )
        if failed:
            raise ProviderError(f"{ctx.address}: events PutTargets {name}: {failed}")
        return {
            "rule": name,
            "bus": bus,
            "arn": rule_arn,
            "permission": permission,
            "role": not permission,
        }

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        name, bus = objects["rule"], _bus(objects)
        found = self._describe(ctx, name, bus)
        if found is None:
            return None
        with aws_errors(f"{ctx.address}: events ListTargetsByRule {name}"):
            targets = ctx.clients["events"].list_targets_by_rule(Rule=name, EventBusName=bus)[
                "Targets"
            ]
        return {
            "pattern": json.loads(found.get("EventPattern") or "null"),
            "state": found.get("State"),
            "targets": sorted(json.dumps(t, sort_keys=True) for t in targets),
            "permission": ctx.permission_statement(objects.get("permission")),
        }

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        events, name, bus = ctx.clients["events"], objects.get("rule") or ctx.name, _bus(objects)
        self._remove_targets(ctx, name, bus)
        with unless_missing(f"{ctx.address}: events DeleteRule {name}"):
            events.delete_rule(Name=name, EventBusName=bus)
        ctx.revoke(objects.get("permission"))
        if objects.get("role"):
            ctx.delete_role()

    def _remove_targets(self, ctx: TriggerContext, name: str, bus: str) -> None:
        """Every target of the rule: an imported rule may have others than fnplan's, and a
        rule that has targets cannot be deleted."""
        events = ctx.clients["events"]
        with unless_missing(f"{ctx.address}: events RemoveTargets {name}"):
            targets = events.list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]
            if targets:
                ids = [t["Id"] for t in targets]
                events.remove_targets(Rule=name, EventBusName=bus, Ids=ids)

    def _pattern(self, ctx: TriggerContext, attributes: dict[str, Any]) -> dict[str, Any]:
        if attributes["kind"] == "event":
            return {"detail-type": [attributes["event_type"]]}
        return {
            "source": ["aws.states"],
            "detail-type": ["Step Functions Execution Status Change"],
            "detail": {
                "stateMachineArn": [ctx.state_machine_arn(str(attributes["on_completion"]))],
                "status": ENDED,
            },
        }

    def _input(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """What the target receives: the trigger's input (its references to the event filled
        in by EventBridge), else the payload docs/events.md describes (the event's data; the
        completion's status and output)."""
        given = attributes.get("input")
        if has_expression(given):  # references to the event: validate allowed nothing else
            return {"InputTransformer": input_transformer(given)}
        constant = constant_input(attributes)
        if constant is not None:
            return {"Input": constant}
        if attributes["kind"] == "event":
            return {"InputPath": "$.detail"}
        return {
            "InputTransformer": {
                "InputPathsMap": _COMPLETION_PATHS,
                "InputTemplate": _COMPLETION_TEMPLATE,
            }
        }

    def _describe(self, ctx: TriggerContext, name: str, bus: str) -> dict[str, Any] | None:
        events = ctx.clients["events"]
        with aws_errors(f"{ctx.address}: events DescribeRule {name}"):
            try:
                return dict(events.describe_rule(Name=name, EventBusName=bus))
            except events.exceptions.ResourceNotFoundException:
                return None


def _bus(objects: dict[str, Any]) -> str:
    """The bus a recorded rule is on."""
    return str(objects.get("bus") or DEFAULT_BUS)


def _tags(ctx: TriggerContext) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in ctx.tags.items()]


def _owner(ctx: TriggerContext) -> str:
    return f"fnplan {ctx.address} ({ctx.lineage or 'no lineage'})"
