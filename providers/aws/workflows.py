"""workflow → a Step Functions state machine (STANDARD) whose definition is generated from
the workflow document (fnplan.providers.aws.asl); each fnplan version is published as a state
machine version with an alias `v-<first 16 of the version hash>`, which is what a parent's
`call` step starts, so a parent never runs an unreviewed child. Logging (level ALL, with
execution data) goes to a log group of its own; X-Ray tracing is on.

The three newest versions are kept (older aliases and versions are deleted); refresh shows a
definition edited outside fnplan as drift, and the next apply restores it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnplan.provider import Observation
from fnplan.workflow.model import WorkflowDocument

from .asl import state_machine_definition
from .clients import Clients, aws_errors, unless_missing
from .connections import existing_connections
from .definition_secrets import hide_secrets, secret_statements
from .expressions_deploy import delete_expression_function, deploy_expression_function
from .functions import alias_name
from .ownership import check_ours
from .roles import delete_role, ensure_role, role_name, state_machine_policy
from .secrets import SecretStore
from .step_resources import (
    delete_step_resources,
    deploy_step_resources,
    step_resources_present,
)
from .targets import AwsTargets, state_machine_name

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

KEEP_VERSIONS = 3
#: what observe reports when the deployed definition is not the one fnplan generated
CHANGED_DEFINITION = "(changed outside fnplan)"


def definition_of(
    resource: Resource, clients: Clients, prefix: str, connections: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], AwsTargets, dict[str, str]]:
    """The state machine definition of a workflow resource, what it calls, and the secrets
    (name -> value) it reads its sensitive values from; its http steps' connections as
    deployed (else those that exist: `fnplan render`)."""
    document = WorkflowDocument.model_validate(resource.attributes["document"])
    if connections is None:
        connections = existing_connections(clients, resource.address, document, prefix)
    targets = AwsTargets(
        resource.address,
        prefix,
        clients.region,
        clients.account,
        clients.config,
        document,
        connections,
    )
    definition = state_machine_definition(document, targets)
    machine = state_machine_name(resource.address, prefix)
    hidden, secrets = hide_secrets(definition, document.sensitive_values, machine, resource.address)
    return hidden, targets, secrets


class Workflows:
    """Observe / create / update / delete of state machines."""

    def __init__(
        self,
        clients: Clients,
        prefix: str,
        tags: dict[str, str],
        lineage: str | None,
        cache_dir: Path,
    ) -> None:
        self.clients = clients
        self.prefix = prefix
        self.tags = tags
        self.lineage = lineage
        self.cache_dir = cache_dir

    def observe(self, prior: ResourceState) -> Observation:
        arn = prior.outputs.get("arn") or self._arn(prior.address)
        sfn = self.clients["stepfunctions"]
        with aws_errors(f"{prior.address}: states DescribeStateMachine"):
            try:
                found = sfn.describe_state_machine(stateMachineArn=arn)
            except sfn.exceptions.StateMachineDoesNotExist:
                return Observation(exists=False)
        same = definition_digest(found["definition"]) == prior.outputs.get("definition_sha256")
        if same and "document" in prior.attributes:  # its steps' own objects still there
            document = WorkflowDocument.model_validate(prior.attributes["document"])
            same = step_resources_present(self.clients, prior.address, document, self.prefix)
        recorded = prior.outputs.get("secrets") or {}
        if same and recorded:  # the secrets it reads still hold what fnplan wrote
            same = all(self._secrets(prior.address).intact(recorded).values())
        version = prior.attributes.get("version") if same else CHANGED_DEFINITION
        # the definition is generated from the document: an unchanged one stores the recorded
        # document, a changed one shows as the changed version
        attributes = {"version": version}
        if "document" in prior.attributes:
            attributes["document"] = prior.attributes["document"]
        return Observation(exists=True, attributes=attributes, outputs=prior.outputs)

    def create(self, resource: Resource) -> dict[str, Any]:
        """Create the state machine; one of that name (a retry after a crash) is updated if
        its tags say it is this configuration's, else refused (CreateStateMachine would
        return an identical one as if it were new, so the name is looked up first)."""
        arn = self._arn(resource.address)
        sfn = self.clients["stepfunctions"]
        with aws_errors(f"{resource.address}: states DescribeStateMachine {arn}"):
            try:
                sfn.describe_state_machine(stateMachineArn=arn)
                found = sfn.list_tags_for_resource(resourceArn=arn)["tags"]
            except sfn.exceptions.StateMachineDoesNotExist:
                found = None
        if found is not None:
            tags = {t["key"]: t["value"] for t in found}
            check_ours(resource.address, self.lineage, tags, f"state machine {arn}")
            return self.update(resource, None)
        definition, role, logging, secrets = self._prepare(resource, {}, new=True)
        name = state_machine_name(resource.address, self.prefix)
        with aws_errors(f"{resource.address}: states CreateStateMachine {name}"):
            created = sfn.create_state_machine(
                name=name,
                definition=json.dumps(definition),
                roleArn=role,
                type="STANDARD",
                loggingConfiguration=logging,
                tracingConfiguration={"enabled": True},
                tags=[{"key": k, "value": v} for k, v in self.tags.items()],
                publish=True,
                versionDescription=f"fnplan {resource.attributes['version']}",
            )
        published = self._published(resource, created, definition, role, versions=[])
        return {**published, "secrets": secrets}

    def update(self, resource: Resource, prior: ResourceState | None) -> dict[str, Any]:
        outputs = dict(prior.outputs) if prior is not None else {}
        definition, role, logging, secrets = self._prepare(resource, outputs.get("secrets") or {})
        arn = outputs.get("arn") or self._arn(resource.address)  # an imported one keeps its own
        new_version = outputs.get("version") != resource.attributes["version"]
        with aws_errors(f"{resource.address}: states UpdateStateMachine"):
            updated = self.clients["stepfunctions"].update_state_machine(
                stateMachineArn=arn,
                definition=json.dumps(definition),
                roleArn=role,
                loggingConfiguration=logging,
                tracingConfiguration={"enabled": True},
                publish=new_version,
                **(
                    {"versionDescription": f"fnplan {resource.attributes['version']}"}
                    if new_version
                    else {}
                ),
            )
        with aws_errors(f"{resource.address}: states TagResource"):  # imported: now ours
            self.clients["stepfunctions"].tag_resource(
                resourceArn=arn, tags=[{"key": k, "value": v} for k, v in self.tags.items()]
            )
        if prior is not None and "document" in prior.attributes:  # steps taken out
            previous = WorkflowDocument.model_validate(prior.attributes["document"])
            current = WorkflowDocument.model_validate(resource.attributes["document"])
            delete_step_resources(self.clients, resource.address, previous, self.prefix, current)
        if not new_version:
            digest = definition_digest(json.dumps(definition))
            return {**outputs, "definition_sha256": digest, "secrets": secrets}
        updated["stateMachineArn"] = arn
        versions = list(outputs.get("versions", []))
        published = self._published(resource, updated, definition, role, versions=versions)
        return {**published, "secrets": secrets}

    def delete(self, prior: ResourceState) -> None:
        arn = prior.outputs.get("arn") or self._arn(prior.address)
        with unless_missing(f"{prior.address}: states DeleteStateMachine"):
            self.clients["stepfunctions"].delete_state_machine(stateMachineArn=arn)
        delete_expression_function(self.clients, prior.address, self.prefix)
        if "document" in prior.attributes:
            document = WorkflowDocument.model_validate(prior.attributes["document"])
            delete_step_resources(self.clients, prior.address, document, self.prefix)
        delete_role(self.clients, prior.address, role_name(prior.address, self.prefix))
        self._secrets(prior.address).delete(prior.outputs.get("secrets") or {})
        group = _log_group(state_machine_name(prior.address, self.prefix))
        with unless_missing(f"{prior.address}: logs DeleteLogGroup {group}"):
            self.clients["logs"].delete_log_group(logGroupName=group)

    def render(self, resource: Resource) -> dict[str, str]:
        """The definition a review should read, as it will be deployed."""
        definition, _, _ = definition_of(resource, self.clients, self.prefix)
        name = state_machine_name(resource.address, self.prefix)
        return {f"{name}.asl.json": json.dumps(definition, indent=2) + "\n"}

    def _prepare(
        self, resource: Resource, recorded: dict[str, Any], *, new: bool = False
    ) -> tuple[dict[str, Any], str, dict[str, Any], dict[str, Any]]:
        """The definition, the role allowed to run it, the logging configuration and the
        secrets the definition reads (written first; those of `recorded` it no longer reads
        deleted); the expression function is deployed first when the definition calls it.
        `new`: for a state machine being created (its role most likely does not exist yet)."""
        document = WorkflowDocument.model_validate(resource.attributes["document"])
        connections = deploy_step_resources(
            self.clients, resource.address, document, self.prefix, self.tags, self.lineage
        )
        definition, targets, values = definition_of(
            resource, self.clients, self.prefix, connections
        )
        wanted = {name: (name, value) for name, value in values.items()}
        secrets = self._secrets(resource.address).put(wanted, recorded)
        policy = state_machine_policy(self.clients, targets)
        if secrets:
            machine = state_machine_name(resource.address, self.prefix)
            policy["Statement"] += secret_statements(self.clients, machine)
        if targets.uses_expressions:
            deploy_expression_function(
                self.clients, resource.address, self.prefix, self.tags, self.lineage, self.cache_dir
            )
        role = ensure_role(
            self.clients,
            resource.address,
            role_name(resource.address, self.prefix),
            "states.amazonaws.com",
            policy,
            self.tags,
            self.lineage,
            new=new,
        )
        group_arn = self._log_group(resource.address)
        logging = {
            "level": "ALL",
            "includeExecutionData": True,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}],
        }
        return definition, role, logging, secrets

    def _secrets(self, address: str) -> SecretStore:
        return SecretStore(self.clients, address, self.tags, self.lineage)

    def _log_group(self, address: str) -> str:
        """The ARN of the state machine's log group, created when missing."""
        group = _log_group(state_machine_name(address, self.prefix))
        logs = self.clients["logs"]
        exists = logs.exceptions.ResourceAlreadyExistsException
        with aws_errors(f"{address}: logs CreateLogGroup {group}"), contextlib.suppress(exists):
            logs.create_log_group(logGroupName=group, tags=self.tags)
        return f"arn:aws:logs:{self.clients.region}:{self.clients.account}:log-group:{group}:*"

    def _published(
        self,
        resource: Resource,
        response: dict[str, Any],
        definition: dict[str, Any],
        role: str,
        *,
        versions: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """Alias the version just published and keep the newest versions."""
        sfn = self.clients["stepfunctions"]
        version = resource.attributes["version"]
        version_arn = response["stateMachineVersionArn"]
        alias = alias_name(version)
        with aws_errors(f"{resource.address}: states CreateStateMachineAlias {alias}"):
            made = sfn.create_state_machine_alias(
                name=alias,
                routingConfiguration=[{"stateMachineVersionArn": version_arn, "weight": 100}],
            )
        entry = {
            "number": int(version_arn.rsplit(":", 1)[1]),
            "hash": version,
            "alias_arn": made["stateMachineAliasArn"],
            "version_arn": version_arn,
        }
        versions = [v for v in versions if v["hash"] != version] + [entry]
        for old in versions[:-KEEP_VERSIONS]:
            with unless_missing(f"{resource.address}: states DeleteStateMachineAlias"):
                sfn.delete_state_machine_alias(stateMachineAliasArn=old["alias_arn"])
            with unless_missing(f"{resource.address}: states DeleteStateMachineVersion"):
                sfn.delete_state_machine_version(stateMachineVersionArn=old["version_arn"])
        return {
            "name": response["stateMachineArn"].rsplit(":", 1)[-1],
            "arn": response["stateMachineArn"],
            "role_arn": role,
            "version": version,
            "version_number": entry["number"],
            "version_arn": entry["alias_arn"],
            "versions": versions[-KEEP_VERSIONS:],
            "definition_sha256": definition_digest(json.dumps(definition)),
        }

    def _arn(self, address: str) -> str:
        name = state_machine_name(address, self.prefix)
        return f"arn:aws:states:{self.clients.region}:{self.clients.account}:stateMachine:{name}"


def _log_group(name: str) -> str:
    return f"/aws/vendedlogs/states/{name}"


def definition_digest(definition: str) -> str:
    """A definition's identity whatever its formatting (AWS may return it re-serialised)."""
    canonical = json.dumps(json.loads(definition), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
