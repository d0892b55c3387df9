"""A queue trigger of a workflow → an EventBridge pipe from the SQS queue to the state
machine (Lambda's event source mappings reach only functions). Each batch of messages
(`batch_size`, 1 by default: one execution per message) starts an execution
(`FIRE_AND_FORGET`, as standard workflows require) with the batch as input (a list of SQS
records), or with the trigger's constant `input`. The pipe assumes the trigger's role, which
may read that queue and start that state machine only.
"""

from __future__ import annotations

from typing import Any

from .clients import aws_errors, unless_missing
from .ownership import check_ours
from .trigger_access import TriggerContext, once_role_propagates
from .trigger_input import constant_input
from .triggers_sources import queue_arn_of, read_queue, source_config


class Pipe:
    """queue of a workflow → an EventBridge pipe."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        config = source_config(attributes)
        queue_arn = queue_arn_of(ctx, str(config["queue"]))
        machine = ctx.target_arn(attributes)
        role = ctx.ensure_role(
            "pipes.amazonaws.com", machine, "workflow", also=(read_queue(queue_arn),)
        )
        target: dict[str, Any] = {
            "StepFunctionStateMachineParameters": {"InvocationType": "FIRE_AND_FORGET"}
        }
        constant = constant_input(attributes)
        if constant is not None:
            target["InputTemplate"] = constant
        batch = {"SqsQueueParameters": {"BatchSize": int(config.get("batch_size") or 1)}}
        name, pipes = prior.get("pipe") or ctx.name, ctx.clients["pipes"]
        found = self._describe(ctx, name)
        if found is not None and found.get("Source") == queue_arn:
            if not prior:  # a retry after a crash: ours, or refused
                check_ours(ctx.address, ctx.lineage, found.get("Tags", {}), f"pipe {name}")
            with aws_errors(f"{ctx.address}: pipes UpdatePipe {name}"):
                made = once_role_propagates(
                    lambda: pipes.update_pipe(
                        Name=name,
                        RoleArn=role,
                        Target=machine,
                        TargetParameters=target,
                        SourceParameters=batch,
                        DesiredState="RUNNING",
                    )
                )
            return {"pipe": name, "arn": made["Arn"], "queue_arn": queue_arn, "role": True}
        if found is not None:  # another queue: a pipe's source cannot change
            if not prior:
                check_ours(ctx.address, ctx.lineage, found.get("Tags", {}), f"pipe {name}")
            self._delete(ctx, name)
        with aws_errors(f"{ctx.address}: pipes CreatePipe {name}"):
            made = once_role_propagates(
                lambda: pipes.create_pipe(
                    Name=name,
                    RoleArn=role,
                    Source=queue_arn,
                    SourceParameters=batch,
                    Target=machine,
                    TargetParameters=target,
                    DesiredState="RUNNING",
                    Description=f"fnplan {ctx.address}",
                    Tags=ctx.tags,
                )
            )
        return {"pipe": name, "arn": made["Arn"], "queue_arn": queue_arn, "role": True}

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        found = self._describe(ctx, objects["pipe"])
        if found is None:
            return None
        return {
            key: found.get(key)
            for key in ("Source", "SourceParameters", "Target", "TargetParameters", "RoleArn")
        }

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        if objects.get("pipe"):
            self._delete(ctx, objects["pipe"])
        ctx.delete_role()

    def _delete(self, ctx: TriggerContext, name: str) -> None:
        with unless_missing(f"{ctx.address}: pipes DeletePipe {name}"):
            ctx.clients["pipes"].delete_pipe(Name=name)

    def _describe(self, ctx: TriggerContext, name: str) -> dict[str, Any] | None:
        pipes = ctx.clients["pipes"]
        with aws_errors(f"{ctx.address}: pipes DescribePipe {name}"):
            try:
                return dict(pipes.describe_pipe(Name=name))
            except pipes.exceptions.NotFoundException:
                return None
