"""function → a Lambda function; each fnplan version → a published Lambda version with an
alias `v-<first 16 of the version hash>`, so that callers (state machines) name a version
by what fnplan knows before apply, and the state records which Lambda number it got.

Configuration and code changes made outside fnplan are read back by observe and shown as
drift; an update restores $LATEST and publishes a version only for a new fnplan version.
Versions beyond `keep_versions` are deleted unless `retain_versions` pins them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.naming import LAMBDA_FUNCTION, physical_name
from fnplan.provider import Observation

from .clients import Clients, aws_errors, unless_missing
from .layers import find_layer, layer_name
from .ownership import SOURCE_TAG, check_ours
from .packaging import function_zip, package_sha256
from .roles import delete_role, ensure_role, function_policy, role_name
from .rollouts import LIVE_ALIAS as LIVE_ALIAS  # what triggers invoke (trigger_access.py)
from .rollouts import LiveAlias, observed_version
from .runtimes import lambda_runtime, layer_key
from .scaling import (
    observed_scaling,
    provisioned_min,
    put_provisioned_concurrency,
    put_reserved_concurrency,
)
from .secrets import FunctionSecrets, lambda_environment, observed_env, secret_statement

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

#: what observe reports when $LATEST's code is not what fnplan uploaded
CHANGED_CODE = "sha256:(changed outside fnplan)"


def function_name(address: str, prefix: str) -> str:
    return physical_name(address, LAMBDA_FUNCTION, prefix=prefix)


def alias_name(version: str) -> str:
    """The alias of a fnplan version: known at plan time, unlike the Lambda number."""
    return f"v-{version[:16]}"


class Functions:
    """Observe / create / update / delete of Lambda functions."""

    def __init__(
        self,
        clients: Clients,
        prefix: str,
        role_arn: str | None,
        tags: dict[str, str],
        lineage: str | None,
    ) -> None:
        self.clients = clients
        self.prefix = prefix
        self.role_arn = role_arn
        self.tags = tags
        self.lineage = lineage

    def observe(self, prior: ResourceState) -> Observation:
        name = prior.outputs.get("name") or function_name(prior.address, self.prefix)
        lam = self.clients["lambda"]
        with aws_errors(f"{prior.address}: lambda GetFunction {name}"):
            try:
                found = lam.get_function(FunctionName=name)
            except lam.exceptions.ResourceNotFoundException:
                return Observation(exists=False)
        config = found["Configuration"]
        code = config.get("CodeSha256")
        recorded = prior.outputs.get("secrets") or {}
        intact = self._secrets(prior.address, name).intact(recorded) if recorded else {}
        # Lambda holds the settings and code read back here; what only fnplan knows (schemas,
        # rollout, the runtime block) is the recorded value, and the version is the published one
        # (the one alias `live` serves)
        version_attribute = prior.attributes.get("version")
        attributes = {
            **prior.attributes,
            "version": observed_version(
                self.clients, prior, name, prior.outputs.get("version", version_attribute)
            ),
            "handler": config.get("Handler"),
            "memory": config.get("MemorySize"),
            "timeout": config.get("Timeout"),
            "env": observed_env(
                config.get("Environment", {}).get("Variables", {}),
                prior.attributes.get("env") or {},
                recorded,
                intact,
            ),
            "source_hash": (
                prior.attributes.get("source_hash")
                if code == prior.outputs.get("code_sha256")
                else CHANGED_CODE
            ),
        }
        if "scaling" in prior.attributes:
            attributes["scaling"] = observed_scaling(
                self.clients, prior.address, name, dict(prior.attributes["scaling"] or {})
            )
        return Observation(exists=True, attributes=attributes, outputs=dict(prior.outputs))

    def create(self, resource: Resource) -> dict[str, Any]:
        name = function_name(resource.address, self.prefix)
        lam = self.clients["lambda"]
        with aws_errors(f"{resource.address}: lambda GetFunction {name}"):
            try:
                existing = lam.get_function(FunctionName=name)
            except lam.exceptions.ResourceNotFoundException:
                existing = None
        if existing is not None:  # a retry after a crash: ours, or refused
            check_ours(
                resource.address, self.lineage, existing.get("Tags", {}), f"Lambda function {name}"
            )
            return self.update(resource, None)
        secrets = self._secrets(resource.address, name)
        recorded = secrets.put_env(resource.attributes, {})
        role = self.role_arn or self._role(resource.address, name, new=True)
        package = function_zip(
            resource.address, resource.attributes["source"], resource.attributes["source_hash"]
        )
        with aws_errors(f"{resource.address}: lambda CreateFunction {name}"):
            lam.create_function(
                FunctionName=name,
                Role=role,
                Code={"ZipFile": package},
                Tags={**self.tags, SOURCE_TAG: resource.attributes["source_hash"]},
                Publish=False,
                TracingConfig={"Mode": "Active"},
                LoggingConfig={"LogFormat": "JSON"},
                **self._configuration(resource, secrets, recorded),
            )
        wait_until_active(lam, name, resource.address)
        put_reserved_concurrency(self.clients, resource.address, name, resource.attributes)
        published = self._publish(resource, name, package, versions=[], role=role)
        put_provisioned_concurrency(self.clients, resource.address, name, resource.attributes)
        return {**published, "secrets": recorded}

    def update(self, resource: Resource, prior: ResourceState | None) -> dict[str, Any]:
        # an imported function keeps its own name
        name = (prior.outputs.get("name") if prior else None) or function_name(
            resource.address, self.prefix
        )
        lam = self.clients["lambda"]
        package = function_zip(
            resource.address, resource.attributes["source"], resource.attributes["source_hash"]
        )
        outputs = dict(prior.outputs) if prior is not None else {}
        secrets, before = self._secrets(resource.address, name), outputs.get("secrets") or {}
        recorded = secrets.put_env(resource.attributes, before)
        if recorded and not before and not self.role_arn:  # a role made before it had secrets
            self._role(resource.address, name)
        with aws_errors(f"{resource.address}: lambda UpdateFunctionCode {name}"):
            lam.update_function_code(FunctionName=name, ZipFile=package)
        wait_until_active(lam, name, resource.address)
        with aws_errors(f"{resource.address}: lambda UpdateFunctionConfiguration {name}"):
            configured = lam.update_function_configuration(
                FunctionName=name, **self._configuration(resource, secrets, recorded)
            )
        wait_until_active(lam, name, resource.address)
        if before and not recorded:
            secrets.delete_layer()
        with aws_errors(f"{resource.address}: lambda TagResource {name}"):  # imported: now ours
            tags = {**self.tags, SOURCE_TAG: resource.attributes["source_hash"]}
            lam.tag_resource(Resource=configured["FunctionArn"], Tags=tags)
        put_reserved_concurrency(self.clients, resource.address, name, resource.attributes)
        versions = list(outputs.get("versions", []))
        if outputs.get("version") == resource.attributes["version"]:
            live = LiveAlias(self.clients, resource.address, name).roll_out(
                int(outputs["version_number"]), resource.attributes.get("rollout")
            )
            updated = {
                **outputs,
                "code_sha256": package_sha256(package),
                "live_arn": live,
                "secrets": recorded,
            }
        else:
            role = outputs.get("role_arn") or self.role_arn or ""
            published = self._publish(resource, name, package, versions=versions, role=role)
            updated = {**published, "secrets": recorded}
        before = provisioned_min(prior.attributes) if prior else 0
        put_provisioned_concurrency(
            self.clients, resource.address, name, resource.attributes, before
        )
        return updated

    def delete(self, prior: ResourceState) -> None:
        name = prior.outputs.get("name") or function_name(prior.address, self.prefix)
        with unless_missing(f"{prior.address}: lambda DeleteFunction {name}"):
            self.clients["lambda"].delete_function(FunctionName=name)
        if prior.outputs.get("secrets"):
            secrets = self._secrets(prior.address, name)
            secrets.delete(prior.outputs["secrets"])
            secrets.delete_layer()
        if not self.role_arn:
            delete_role(self.clients, prior.address, role_name(prior.address, self.prefix))

    def _secrets(self, address: str, name: str) -> FunctionSecrets:
        return FunctionSecrets(self.clients, address, name, self.tags, self.lineage)

    def _role(self, address: str, name: str, *, new: bool = False) -> str:
        """The function's own role: its logs and traces, and reading its secrets (`new`: for
        a function being created)."""
        policy = function_policy(self.clients, name)
        policy["Statement"].append(secret_statement(self.clients, name))
        role = role_name(address, self.prefix)
        return ensure_role(
            self.clients,
            address,
            role,
            "lambda.amazonaws.com",
            policy,
            self.tags,
            self.lineage,
            new=new,
        )

    def _publish(
        self,
        resource: Resource,
        name: str,
        package: bytes,
        *,
        versions: list[dict[str, Any]],
        role: str,
    ) -> dict[str, Any]:
        """Publish $LATEST as the resource's version, alias it, prune old versions."""
        lam = self.clients["lambda"]
        version = resource.attributes["version"]
        alias = alias_name(version)
        with aws_errors(f"{resource.address}: lambda PublishVersion {name}"):
            published = lam.publish_version(FunctionName=name, Description=f"fnplan {version}")
            try:
                made = lam.create_alias(
                    FunctionName=name, Name=alias, FunctionVersion=published["Version"]
                )
            except lam.exceptions.ResourceConflictException:
                made = lam.update_alias(
                    FunctionName=name, Name=alias, FunctionVersion=published["Version"]
                )
        number = int(published["Version"])
        live = LiveAlias(self.clients, resource.address, name).roll_out(
            number, resource.attributes.get("rollout"), first=not versions
        )
        entry = {"number": number, "hash": version, "alias_arn": made["AliasArn"]}
        versions = [v for v in versions if v.get("hash") != version] + [entry]
        versions = self._prune(resource, name, versions)
        return {
            "name": name,
            "arn": published["FunctionArn"].rsplit(":", 1)[0],
            "role_arn": role,
            "version": version,
            "version_number": number,
            "version_arn": made["AliasArn"],
            "live_arn": live,
            "versions": versions,
            "code_sha256": package_sha256(package),
        }

    def _configuration(
        self, resource: Resource, secrets: FunctionSecrets, recorded: dict[str, Any]
    ) -> dict[str, Any]:
        """The settings both CreateFunction and UpdateFunctionConfiguration take (sensitive
        env entries as references to their secrets, resolved by the secrets layer)."""
        attributes = resource.attributes
        runtime = lambda_runtime(str(attributes["runtime"].get("language", "")))
        if runtime is None:
            raise ProviderError(f"{resource.address}: Lambda has no runtime for this language")
        variables = lambda_environment(attributes.get("env", {}), recorded)
        layers = self._layers(resource) + ([secrets.layer(runtime)] if recorded else [])
        return {
            "Runtime": runtime,
            "Handler": attributes["handler"],
            "MemorySize": int(attributes["memory"]),
            "Timeout": int(attributes["timeout"]),
            "Environment": {"Variables": variables},
            "Layers": layers,
            "Description": f"fnplan {resource.address}",
        }

    def _layers(self, resource: Resource) -> list[str]:
        """The layer of the function's runtime packages (published by the runtime first)."""
        runtime = resource.attributes["runtime"]
        key = layer_key(runtime)
        if key is None:
            return []
        name = layer_name(str(runtime["address"]), self.prefix)
        found = find_layer(self.clients, resource.address, name, key)
        if found is None:
            raise ProviderError(
                f"{resource.address}: the layer of {runtime['address']} is not published",
                hint="apply the runtime first (fnplan apply does, in dependency order)",
            )
        return [found]

    def _prune(
        self, resource: Resource, name: str, versions: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Delete versions beyond `keep_versions` that no workflow pins; the rest stay."""
        keep = int(resource.attributes.get("keep_versions") or 0)
        pinned = set(resource.attributes.get("retain_versions") or [])
        newest = (
            {v["hash"] for v in versions[-keep:]} if keep > 0 else {v["hash"] for v in versions}
        )
        kept, lam = [], self.clients["lambda"]
        for entry in versions:
            if entry["hash"] in newest or entry["hash"] in pinned:
                kept.append(entry)
                continue
            with unless_missing(f"{resource.address}: lambda DeleteAlias {name}"):
                lam.delete_alias(FunctionName=name, Name=alias_name(entry["hash"]))
            with unless_missing(
                f"{resource.address}: lambda DeleteFunction {name}:{entry['number']}"
            ):
                lam.delete_function(FunctionName=name, Qualifier=str(entry["number"]))
        return kept


def wait_until_active(lam: Any, name: str, address: str) -> None:
    """Until the function is Active and its last update finished (Lambda applies changes
    asynchronously), with progress in the apply display."""
    from fnplan.provider import current_call

    call = current_call()
    while True:
        with aws_errors(f"{address}: lambda GetFunctionConfiguration {name}"):
            config = lam.get_function_configuration(FunctionName=name)
        state, update = config.get("State", "Active"), config.get("LastUpdateStatus", "Successful")
        if state == "Failed" or update == "Failed":
            reason = config.get("StateReason") or config.get("LastUpdateStatusReason") or "failed"
            raise ProviderError(f"{address}: Lambda function {name} failed: {reason}")
        if state == "Active" and update != "InProgress":
            return
        call.progress(f"waiting for function {name} to be Active ({state}, update {update})")
        if call.wait(1.0):
            call.check_cancelled()
