"""How a trigger reaches its target, and the permissions that lets it.

A function target is its alias `live` (functions.py keeps it on the current version, so a new
version needs no trigger update); a workflow target is its state machine, unqualified, which
starts the current definition. Services that invoke a function through its resource policy
(EventBridge rules, S3, function URLs) get a `lambda:AddPermission` statement on the alias,
named after the trigger; services that act through a role (EventBridge Scheduler, rules
starting a state machine) get a role of the trigger's own allowed exactly that target.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fnplan.naming import LAMBDA_FUNCTION, physical_name

from .clients import Clients, aws_errors, error_code, unless_missing
from .functions import LIVE_ALIAS, function_name
from .roles import delete_role, ensure_role, role_name
from .targets import state_machine_name

T = TypeVar("T")
#: how long a role or policy just written may take to reach the service that checks it
PROPAGATION_SECONDS = 60.0
#: what Scheduler and Lambda answer while a new role or policy has not reached them yet
_NOT_YET = {"ValidationException", "InvalidParameterValueException"}


def once_role_propagates(call: Callable[[], T], seconds: float = PROPAGATION_SECONDS) -> T:
    """`call()`, repeated while AWS says the role it names cannot be assumed or lacks a
    permission (IAM is eventually consistent: a role made a moment ago may not be usable
    yet), for up to `seconds`; any other error, or the same one after that, is raised."""
    from botocore.exceptions import ClientError

    from fnplan.provider import current_call

    running, deadline = current_call(), time.monotonic() + seconds
    while True:
        try:
            return call()
        except ClientError as exc:
            message = str(exc.response.get("Error", {}).get("Message", "")).lower()
            if error_code(exc) not in _NOT_YET or "role" not in message:
                raise
            if time.monotonic() >= deadline:
                raise
        running.progress("waiting for IAM to make the trigger's role usable")
        if running.wait(1.0):
            running.check_cancelled()


def trigger_name(address: str, prefix: str) -> str:
    """The name of a trigger's rule, schedule, statement or notification: 64 characters of
    `A-Za-z0-9-_`, which every one of them accepts."""
    return physical_name(address, LAMBDA_FUNCTION, prefix=prefix)


@dataclass(frozen=True)
class TriggerContext:
    """One trigger being deployed: where, named how, owned by whom."""

    clients: Clients
    address: str
    prefix: str
    tags: dict[str, str]
    lineage: str | None
    #: the provider block's `role_arn`: functions then run with a role fnplan does not own
    shared_role: str | None
    #: the provider block's `event_bus`, where event triggers' rules listen
    event_bus: str = "default"

    @property
    def name(self) -> str:
        return trigger_name(self.address, self.prefix)

    def function(self, target: str) -> str:
        return function_name(target, self.prefix)

    def target_arn(self, attributes: dict[str, Any]) -> str:
        """The ARN the trigger invokes or starts."""
        target = str(attributes["target"])
        region, account = self.clients.region, self.clients.account
        if attributes["target_type"] == "function":
            return (
                f"arn:aws:lambda:{region}:{account}:function:{self.function(target)}:{LIVE_ALIAS}"
            )
        return self.state_machine_arn(target)

    def state_machine_arn(self, workflow: str) -> str:
        name = state_machine_name(workflow, self.prefix)
        return f"arn:aws:states:{self.clients.region}:{self.clients.account}:stateMachine:{name}"

    def ensure_role(
        self,
        service: str,
        target_arn: str,
        target_type: str,
        also: tuple[dict[str, Any], ...] = (),
    ) -> str:
        """The trigger's role, which `service` assumes to invoke or start exactly the target
        (and do what the statements `also` allow: read its source)."""
        action = "lambda:InvokeFunction" if target_type == "function" else "states:StartExecution"
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": action, "Resource": target_arn},
                *also,
            ],
        }
        return ensure_role(
            self.clients,
            self.address,
            role_name(self.address, self.prefix),
            service,
            policy,
            self.tags,
            self.lineage,
        )

    def delete_role(self) -> None:
        delete_role(self.clients, self.address, role_name(self.address, self.prefix))

    def allow_invoke(self, target: str, principal: str, **condition: str) -> dict[str, str]:
        """A statement on the function's live alias letting `principal` invoke it (replaced
        when it exists: a retry, or a changed source); returns what removes it."""
        function, sid = self.function(target), self.name
        self.revoke({"function": function, "sid": sid})
        action = condition.pop("Action", "lambda:InvokeFunction")
        with aws_errors(f"{self.address}: lambda AddPermission {function}:{LIVE_ALIAS}"):
            self.clients["lambda"].add_permission(
                FunctionName=function,
                Qualifier=LIVE_ALIAS,
                StatementId=sid,
                Action=action,
                Principal=principal,
                **condition,
            )
        return {"function": function, "sid": sid}

    def revoke(self, permission: dict[str, str] | None) -> None:
        """Remove a statement allow_invoke added; a missing one is fine."""
        if not permission:
            return
        function = permission["function"]
        with unless_missing(f"{self.address}: lambda RemovePermission {function}:{LIVE_ALIAS}"):
            self.clients["lambda"].remove_permission(
                FunctionName=function, Qualifier=LIVE_ALIAS, StatementId=permission["sid"]
            )

    def permission_statement(self, permission: dict[str, str] | None) -> dict[str, Any] | None:
        """The statement as Lambda has it now (None when it is gone), for drift."""
        if not permission:
            return None
        lam = self.clients["lambda"]
        function = permission["function"]
        with aws_errors(f"{self.address}: lambda GetPolicy {function}:{LIVE_ALIAS}"):
            try:
                policy = lam.get_policy(FunctionName=function, Qualifier=LIVE_ALIAS)["Policy"]
            except lam.exceptions.ResourceNotFoundException:
                return None
        for statement in json.loads(policy).get("Statement", []):
            if statement.get("Sid") == permission["sid"]:
                return {k: statement.get(k) for k in ("Action", "Principal", "Condition")}
        return None
