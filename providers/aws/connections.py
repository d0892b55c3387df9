"""The EventBridge connection of each http step: Step Functions' HTTP Task sends its requests
through one, and the connection carries the step's headers known before the run (an
`Authorization` header, API keys, ...), which EventBridge keeps in Secrets Manager, so no
credential is written into the state machine definition.

The connection's API-key authorization is the step's `Authorization` (else `X-Api-Key`,
`Proxy-Authorization`) header; a step without one sends `X-Fnplan-Step: WORKFLOW/STEP`
instead, as a connection must authorize somehow. The other static headers are the
connection's header parameters, secret when they hold a sensitive value. A connection has
no tags: its description names the workflow and the state's lineage, and `create` adopts
only its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fnplan.errors import ProviderError
from fnplan.naming import NameRule, physical_name
from fnplan.workflow.model import Step, WorkflowDocument

from .asl.tasks import static_headers
from .clients import Clients, aws_errors, unless_missing

#: EventBridge connection names
CONNECTION = NameRule(64, "A-Za-z0-9._-")
#: headers that become the connection's API key, in order of preference
AUTH_HEADERS = ("authorization", "x-api-key", "proxy-authorization")
STEP_HEADER = "X-Fnplan-Step"
_SETTLING = {"CREATING", "UPDATING", "AUTHORIZING", "DEAUTHORIZING"}


def connection_name(workflow: str, step: str, prefix: str) -> str:
    return physical_name(f"{workflow}.{step}.http", CONNECTION, prefix=prefix)


def http_steps(document: WorkflowDocument) -> list[Step]:
    return [step for step in document.steps if step.type == "http" and step.http is not None]


def connection_auth(workflow: str, step: Step, sensitive: Iterable[str]) -> dict[str, Any]:
    """The connection's AuthParameters: the API key and the other static headers."""
    headers = static_headers(step)
    by_name = {name.lower(): name for name in headers}
    key = next((by_name[h] for h in AUTH_HEADERS if h in by_name), None)
    api_key = (
        {"ApiKeyName": key, "ApiKeyValue": headers.pop(key)}
        if key is not None
        else {"ApiKeyName": STEP_HEADER, "ApiKeyValue": f"{workflow}/{step.name}"}
    )
    secrets = [text for text in sensitive if text]
    parameters = [
        {"Key": name, "Value": value, "IsValueSecret": any(s in value for s in secrets)}
        for name, value in sorted(headers.items())
    ]
    auth: dict[str, Any] = {"ApiKeyAuthParameters": api_key}
    if parameters:
        auth["InvocationHttpParameters"] = {"HeaderParameters": parameters}
    return auth


def deploy_connections(
    clients: Clients, workflow: str, document: WorkflowDocument, prefix: str, owner: str
) -> dict[str, str]:
    """The connection ARN of each http step, created or brought up to date."""
    arns = {}
    for step in http_steps(document):
        name = connection_name(workflow, step.name, prefix)
        auth = connection_auth(workflow, step, document.sensitive_values)
        arns[step.name] = _ensure(clients, workflow, name, auth, owner)
    return arns


def existing_connections(
    clients: Clients, workflow: str, document: WorkflowDocument, prefix: str
) -> dict[str, str]:
    """The ARNs of the http steps' connections that exist (for `fnplan render`)."""
    found = {}
    for step in http_steps(document):
        arn = existing_connection(clients, workflow, step.name, prefix)
        if arn is not None:
            found[step.name] = arn
    return found


def existing_connection(clients: Clients, workflow: str, step: str, prefix: str) -> str | None:
    """The ARN of the step's connection, None when there is none."""
    described = _describe(clients, workflow, connection_name(workflow, step, prefix))
    return None if described is None else str(described["ConnectionArn"])


def delete_connections(clients: Clients, workflow: str, names: Iterable[str]) -> None:
    """Delete these connections (EventBridge deletes their secrets); missing ones are fine."""
    for name in names:
        with unless_missing(f"{workflow}: events DeleteConnection {name}"):
            clients["events"].delete_connection(Name=name)


def owner_description(workflow: str, lineage: str | None) -> str:
    """What a connection's description says so that fnplan knows its own."""
    return f"fnplan: {workflow}" + (f" (lineage {lineage})" if lineage else "")


def _ensure(clients: Clients, workflow: str, name: str, auth: Mapping[str, Any], owner: str) -> str:
    events = clients["events"]
    found = _describe(clients, workflow, name)
    settings = {"Name": name, "AuthorizationType": "API_KEY", "AuthParameters": auth}
    if found is None:
        with aws_errors(f"{workflow}: events CreateConnection {name}"):
            arn = str(events.create_connection(Description=owner, **settings)["ConnectionArn"])
    else:
        if found.get("Description") != owner:
            raise ProviderError(
                f"{workflow}: EventBridge connection {name} already exists and was not "
                "created by this configuration",
                hint="delete it, or choose another name_prefix",
            )
        with aws_errors(f"{workflow}: events UpdateConnection {name}"):
            events.update_connection(Description=owner, **settings)
        arn = str(found["ConnectionArn"])
    _wait_settled(clients, workflow, name)
    return arn


def _describe(clients: Clients, workflow: str, name: str) -> dict[str, Any] | None:
    events = clients["events"]
    with aws_errors(f"{workflow}: events DescribeConnection {name}"):
        try:
            return dict(events.describe_connection(Name=name))
        except events.exceptions.ResourceNotFoundException:
            return None


def _wait_settled(clients: Clients, workflow: str, name: str) -> None:
    """Until EventBridge has stored the credentials (a connection authorizes asynchronously)."""
    from fnplan.provider import current_call

    call = current_call()
    while True:
        found = _describe(clients, workflow, name)
        state = found.get("ConnectionState") if found else None
        if state not in _SETTLING:
            break
        call.progress(f"waiting for connection {name} ({state})")
        if call.wait(1.0):
            call.check_cancelled()
    if state != "AUTHORIZED":
        reason = (found or {}).get("StateReason") or state
        raise ProviderError(f"{workflow}: EventBridge connection {name} is {reason}")
