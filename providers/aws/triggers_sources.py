"""Triggers fired by a source (`source { storage | queue | http { ... } }`), each starting a
function's live alias (AWS's own integrations of these sources invoke Lambda):

storage → an entry of the bucket's notification configuration (Id `fnplan-<trigger name>`),
          merged into what the bucket already has: read, replace only that entry, write back
          (one writer per bucket at a time in this process); `s3.amazonaws.com` may invoke
queue   → an SQS event source mapping; the function's role (fnplan's) may read the queue
          (a workflow's: triggers_pipes.py)
http    → the live alias's function URL, `auth = "iam"` (default: callers sign with SigV4)
          or `"none"` (public: anyone may invoke it); a workflow's: triggers_http_api.py
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from fnplan.errors import ProviderError

from .clients import aws_errors, unless_missing
from .functions import LIVE_ALIAS
from .roles import role_name
from .trigger_access import TriggerContext, once_role_propagates

#: what each source block takes, beside what `fnplan serve` reads (path, method)
SOURCE_SETTINGS = {
    "storage": ("bucket", "prefix", "suffix", "events"),
    "queue": ("queue", "batch_size"),
    "http": ("auth", "path", "method"),
}
#: fnplan's storage event names → S3's; S3's own names (`s3:ObjectCreated:Put`) pass as they are
STORAGE_EVENTS = {"created": "s3:ObjectCreated:*", "deleted": "s3:ObjectRemoved:*"}
URL_AUTH = {"iam": "AWS_IAM", "none": "NONE"}
_bucket_locks: dict[str, threading.Lock] = {}
_locks_mutex = threading.Lock()


def source_config(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return dict((attributes.get("source") or {}).get("config") or {})


def s3_events(config: Mapping[str, Any]) -> list[str]:
    """The S3 event names of a storage source (`created` unless it says)."""
    names = config.get("events") or ["created"]
    return [STORAGE_EVENTS.get(str(name), str(name)) for name in names]


class Storage:
    """storage → the bucket's notification entry for the trigger."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        config = source_config(attributes)
        bucket = str(config["bucket"])
        permission = ctx.allow_invoke(
            str(attributes["target"]),
            "s3.amazonaws.com",
            SourceArn=f"arn:aws:s3:::{bucket}",
            SourceAccount=ctx.clients.account,
        )
        rules = [
            {"Name": key, "Value": str(config[key])}
            for key in ("prefix", "suffix")
            if config.get(key)
        ]
        entry: dict[str, Any] = {
            "Id": _entry_id(ctx),
            "LambdaFunctionArn": ctx.target_arn(attributes),
            "Events": s3_events(config),
        }
        if rules:
            entry["Filter"] = {"Key": {"FilterRules": rules}}
        _edit_notifications(ctx, bucket, _entry_id(ctx), entry, creating=not prior)
        if prior.get("bucket") not in (None, bucket):  # moved to another bucket
            _edit_notifications(ctx, prior["bucket"], prior["id"], None)
        return {
            "bucket": bucket,
            "arn": f"arn:aws:s3:::{bucket}",
            "id": _entry_id(ctx),
            "permission": permission,
            "role": False,
        }

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        found = _notifications(ctx, objects["bucket"])
        entries = [
            e for e in found.get("LambdaFunctionConfigurations", []) if e["Id"] == objects["id"]
        ]
        if not entries:
            return None
        return {
            "entry": json.dumps(entries[0], sort_keys=True),
            "permission": ctx.permission_statement(objects.get("permission")),
        }

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        _edit_notifications(ctx, objects["bucket"], objects["id"], None)
        ctx.revoke(objects.get("permission"))


class EventSourceMapping:
    """queue of a function → an SQS event source mapping onto the live alias."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        config = source_config(attributes)
        queue_arn = queue_arn_of(ctx, str(config["queue"]))
        target = str(attributes["target"])
        policy = self._grant(ctx, target, queue_arn)
        lam, alias_arn = ctx.clients["lambda"], ctx.target_arn(attributes)
        settings = {"BatchSize": int(config.get("batch_size") or 10), "Enabled": True}
        uuid = prior.get("mapping") if prior.get("queue_arn") == queue_arn else None
        if uuid is None:  # a retry after a crash finds the mapping it made
            with aws_errors(f"{ctx.address}: lambda ListEventSourceMappings {queue_arn}"):
                found = lam.list_event_source_mappings(
                    EventSourceArn=queue_arn, FunctionName=alias_arn
                )["EventSourceMappings"]
            uuid = found[0]["UUID"] if found else None
        if uuid is not None:
            with aws_errors(f"{ctx.address}: lambda UpdateEventSourceMapping {uuid}"):
                made = lam.update_event_source_mapping(UUID=uuid, **settings)
        else:
            with aws_errors(f"{ctx.address}: lambda CreateEventSourceMapping {queue_arn}"):
                made = once_role_propagates(
                    lambda: lam.create_event_source_mapping(
                        EventSourceArn=queue_arn, FunctionName=alias_arn, Tags=ctx.tags, **settings
                    )
                )
        now = {
            "mapping": made["UUID"],
            "arn": made.get("EventSourceMappingArn"),
            "queue_arn": queue_arn,
            "policy": policy,
            "role": False,
        }
        self.remove(ctx, {k: v for k, v in prior.items() if k in now and now[k] != v})
        return now

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        lam = ctx.clients["lambda"]
        with aws_errors(f"{ctx.address}: lambda GetEventSourceMapping {objects['mapping']}"):
            try:
                found = lam.get_event_source_mapping(UUID=objects["mapping"])
            except lam.exceptions.ResourceNotFoundException:
                return None
        return {"source": found.get("EventSourceArn"), "batch_size": found.get("BatchSize")}

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        uuid = objects.get("mapping")
        if uuid:
            with unless_missing(f"{ctx.address}: lambda DeleteEventSourceMapping {uuid}"):
                ctx.clients["lambda"].delete_event_source_mapping(UUID=uuid)
        policy = objects.get("policy")
        if policy:
            with unless_missing(f"{ctx.address}: iam DeleteRolePolicy {policy[0]}"):
                ctx.clients["iam"].delete_role_policy(RoleName=policy[0], PolicyName=policy[1])

    def _grant(self, ctx: TriggerContext, target: str, queue_arn: str) -> list[str] | None:
        """Let the function's own role (not a shared `role_arn`) read the queue."""
        if ctx.shared_role:
            return None
        role, name = role_name(target, ctx.prefix), ctx.name
        document = {"Version": "2012-10-17", "Statement": [read_queue(queue_arn)]}
        with aws_errors(f"{ctx.address}: iam PutRolePolicy {role}"):
            ctx.clients["iam"].put_role_policy(
                RoleName=role, PolicyName=name, PolicyDocument=json.dumps(document)
            )
        return [role, name]


class FunctionUrl:
    """http of a function → the function URL of the live alias."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        auth = URL_AUTH[str(source_config(attributes).get("auth") or "iam")]
        target = str(attributes["target"])
        function, lam = ctx.function(target), ctx.clients["lambda"]
        what = f"{ctx.address}: lambda CreateFunctionUrlConfig {function}:{LIVE_ALIAS}"
        with aws_errors(what):
            try:
                made = lam.create_function_url_config(
                    FunctionName=function, Qualifier=LIVE_ALIAS, AuthType=auth
                )
            except lam.exceptions.ResourceConflictException:
                made = lam.update_function_url_config(
                    FunctionName=function, Qualifier=LIVE_ALIAS, AuthType=auth
                )
        if prior.get("function") not in (None, function):  # the target changed
            self.remove(ctx, {"function": prior["function"]})
        permission = None
        if auth == "NONE":
            permission = ctx.allow_invoke(
                target, "*", Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE"
            )
        else:
            ctx.revoke({"function": function, "sid": ctx.name})  # was public before
        return {
            "function": function,
            "arn": made["FunctionArn"],
            "url": made["FunctionUrl"],
            "permission": permission,
            "role": False,
        }

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        lam = ctx.clients["lambda"]
        with aws_errors(f"{ctx.address}: lambda GetFunctionUrlConfig {objects['function']}"):
            try:
                found = lam.get_function_url_config(
                    FunctionName=objects["function"], Qualifier=LIVE_ALIAS
                )
            except lam.exceptions.ResourceNotFoundException:
                return None
        return {
            "auth": found.get("AuthType"),
            "permission": ctx.permission_statement(objects.get("permission")),
        }

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        function = objects.get("function")
        if function:
            with unless_missing(f"{ctx.address}: lambda DeleteFunctionUrlConfig {function}"):
                ctx.clients["lambda"].delete_function_url_config(
                    FunctionName=function, Qualifier=LIVE_ALIAS
                )
        ctx.revoke(objects.get("permission"))


def _entry_id(ctx: TriggerContext) -> str:
    return f"fnplan-{ctx.name}"


def _notifications(ctx: TriggerContext, bucket: str) -> dict[str, Any]:
    with aws_errors(f"{ctx.address}: s3 GetBucketNotificationConfiguration {bucket}"):
        found = dict(ctx.clients["s3"].get_bucket_notification_configuration(Bucket=bucket))
    found.pop("ResponseMetadata", None)
    return found


def _edit_notifications(
    ctx: TriggerContext,
    bucket: str,
    entry_id: str,
    entry: dict[str, Any] | None,
    *,
    creating: bool = False,
) -> None:
    """Replace (or with None, drop) the Lambda entry `entry_id` of the bucket's notification
    configuration, keeping every other entry as it is. Entries take no tags: when `creating`,
    one of that Id for another function is not this configuration's, and is refused."""
    entry_arn = entry["LambdaFunctionArn"] if entry else None
    with _bucket_lock(bucket):
        config = _notifications(ctx, bucket)
        found = config.get("LambdaFunctionConfigurations", [])
        for other in found:
            if creating and other["Id"] == entry_id and other["LambdaFunctionArn"] != entry_arn:
                raise ProviderError(
                    f"{ctx.address}: bucket {bucket} has a notification {entry_id} for "
                    f"{other['LambdaFunctionArn']}, which this configuration did not create",
                    hint="remove that notification from the bucket, or rename the trigger",
                )
        lambdas = [e for e in found if e["Id"] != entry_id]
        if entry is None and len(lambdas) == len(found):
            return  # already gone
        config["LambdaFunctionConfigurations"] = lambdas + ([entry] if entry else [])
        if not config["LambdaFunctionConfigurations"]:
            del config["LambdaFunctionConfigurations"]
        with aws_errors(f"{ctx.address}: s3 PutBucketNotificationConfiguration {bucket}"):
            ctx.clients["s3"].put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration=config
            )


def _bucket_lock(bucket: str) -> threading.Lock:
    with _locks_mutex:
        return _bucket_locks.setdefault(bucket, threading.Lock())


def read_queue(queue_arn: str) -> dict[str, Any]:
    """The statement that lets a consumer take messages from the queue."""
    return {
        "Effect": "Allow",
        "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        "Resource": queue_arn,
    }


def queue_arn_of(ctx: TriggerContext, queue: str) -> str:
    """A queue named by ARN, or by name in the provider's region and account."""
    if queue.startswith("arn:"):
        return queue
    sqs = ctx.clients["sqs"]
    with aws_errors(f"{ctx.address}: sqs GetQueueUrl {queue}"):
        try:
            url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            raise ProviderError(f"{ctx.address}: no SQS queue named {queue!r}") from None
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])
