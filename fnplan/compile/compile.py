"""compile_config: the evaluated Config -> the desired resources of the whole module tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnplan.compile.canonical import hash_json, plain
from fnplan.compile.contracts import check_contracts
from fnplan.compile.drafts import draft_workflow
from fnplan.compile.functions import (
    function_attributes,
    function_resource,
    runtime_attributes,
    runtime_resource,
    version_of,
)
from fnplan.compile.handlers import check_handlers
from fnplan.compile.index import Index, build_index
from fnplan.compile.input_fields import input_field_warnings
from fnplan.compile.isolation import Usage, resolve_functions
from fnplan.compile.model import BackendSpec, Desired, OutputSpec
from fnplan.compile.nesting import Nesting
from fnplan.compile.providers import agreed, default_provider, function_provider, workflow_provider
from fnplan.compile.schemas import SchemaFiles
from fnplan.compile.sensitive import add_workflow_secrets, sensitive_values
from fnplan.compile.sources import SourceHasher, source_warnings
from fnplan.compile.triggers import check_http_routes, event_resource, trigger_resource
from fnplan.compile.validate import validate
from fnplan.compile.workflows import build_document, workflow_resource
from fnplan.config.model import Config
from fnplan.resources import Resource
from fnplan.state.model import State
from fnplan.workflow.model import WorkflowCall


def compile_config(
    config: Config, state: State | None = None, *, cache_dir: Path | None = None
) -> Desired:
    """Validate and compile the root configuration (modules flattened) into desired resources.

    `state` supplies the recorded versions that `function.X.versions[N]` pins; `cache_dir`
    keeps per-file source digests so a warm compile only stats files.
    """
    index = build_index(config)
    validate(index)
    schemas = SchemaFiles()
    default = default_provider(config)
    runtimes = {
        address: runtime_attributes(entry, index) for address, entry in index.runtimes.items()
    }
    functions = _function_attributes(index, runtimes, schemas, cache_dir)
    check_handlers(index, runtimes)
    context = _Context(
        index=index,
        schemas=schemas,
        state=state,
        default=default,
        functions=functions,
        versions={address: version_of(attributes) for address, attributes in functions.items()},
        workflow_providers={
            address: workflow_provider(entry, config, default)
            for address, entry in index.workflows.items()
        },
    )
    resources = _workflow_resources(context)
    resources.update(_function_resources(context))
    _add_runtimes(index, runtimes, resources, default)
    for address, event in index.events.items():
        resources[address] = event_resource(event, schemas, default)
    for address, trigger in index.triggers.items():
        target = index.resolve(
            trigger.config, trigger.block.target, ("workflow", "function"), address
        )
        resources[address] = trigger_resource(trigger, index, resources[target].provider)
    check_http_routes(index.triggers.values(), resources)
    add_workflow_secrets(resources, sensitive_values(config))
    desired = _desired(config, resources)
    blocks = (entry.block for entry in index.functions.values())
    desired.warnings = [
        *source_warnings(blocks, Path(config.directory)),
        *input_field_warnings(index, schemas),
    ]
    return desired


@dataclass(slots=True)
class _Context:
    """What the stages of one compile share."""

    index: Index
    schemas: SchemaFiles
    state: State | None
    default: str
    functions: dict[str, dict[str, Any]]  # attributes before pins and version
    versions: dict[str, str]
    workflow_providers: dict[str, str]
    usage: Usage = field(default_factory=Usage)


def _workflow_resources(context: _Context) -> dict[str, Resource]:
    """Every workflow, children first (a call pins its child's document version)."""
    index = context.index
    nesting = Nesting(
        {
            address: draft_workflow(entry, index, context.schemas)
            for address, entry in index.workflows.items()
        }
    )
    expanded = nesting.expand_all()
    resources: dict[str, Resource] = {}
    for address in nesting.order:
        draft = expanded[address]
        calls = resolve_functions(
            draft, context.functions, context.versions, context.state, context.usage
        )
        check_contracts(draft, context.functions)
        children = {
            step.name: WorkflowCall(
                address=step.workflow, version=resources[step.workflow].attributes["version"]
            )
            for step in draft.steps.values()
            if step.workflow is not None
        }
        document = build_document(draft, calls, children)
        provider = context.workflow_providers[address]
        resources[address] = workflow_resource(draft, document, provider)
    return resources


def _function_resources(context: _Context) -> dict[str, Resource]:
    """Shared functions (with their pinned versions retained) and dedicated copies."""
    usage = context.usage
    resources: dict[str, Resource] = {}
    for address, entry in context.index.functions.items():
        users = usage.users.get(address, set())
        resources[address] = function_resource(
            address,
            entry,
            context.functions[address],
            version=context.versions[address],
            retain_versions=sorted(usage.pins.get(address, ())),
            provider=function_provider(
                address, users, context.workflow_providers, context.default, entry.block.pos
            ),
            group=address,
        )
    for copy in usage.copies.values():
        resources[copy.address] = function_resource(
            copy.address,
            context.index.functions[copy.function],
            copy.attributes,
            version=copy.version,
            retain_versions=[],
            provider=context.workflow_providers[copy.workflow],
            group=copy.workflow,
        )
    return resources


def _function_attributes(
    index: Index, runtimes: dict[str, dict[str, Any]], schemas: SchemaFiles, cache_dir: Path | None
) -> dict[str, dict[str, Any]]:
    """Every function's attributes (before pins and version), hashing sources once."""
    hasher = SourceHasher(cache_dir)
    functions: dict[str, dict[str, Any]] = {}
    for address, entry in index.functions.items():
        function = entry.block
        runtime = index.resolve(entry.config, function.runtime, ("runtime",), f"{address}.runtime")
        source_hash = hasher.source_hash(function.source, function.pos_of("source"))
        functions[address] = function_attributes(
            entry, runtime, runtimes[runtime], source_hash, schemas
        )
    hasher.save()
    return functions


def _add_runtimes(
    index: Index, runtimes: dict[str, dict[str, Any]], resources: dict[str, Resource], default: str
) -> None:
    """Runtime resources, each on the provider its functions agree on."""
    users: dict[str, set[str]] = {}
    for resource in list(resources.values()):
        if resource.type == "function":
            users.setdefault(resource.attributes["runtime"]["address"], set()).add(
                resource.provider
            )
    for address, entry in index.runtimes.items():
        provider = agreed(users.get(address, set()), default)
        resources[address] = runtime_resource(entry, runtimes[address], provider)


def _desired(config: Config, resources: dict[str, Resource]) -> Desired:
    outputs = {
        name: OutputSpec(
            name=name,
            value=plain(output.value),
            sensitive=output.sensitive,
            description=output.description,
        )
        for name, output in sorted(config.outputs.items())
    }
    ordered = dict(sorted(resources.items()))
    config_hash = hash_json(
        {
            "resources": [_resource_data(resource) for resource in ordered.values()],
            "outputs": [output.model_dump(mode="json") for output in outputs.values()],
        }
    )
    return Desired(
        resources=ordered,
        outputs=outputs,
        providers={address: dict(block.config) for address, block in config.providers.items()},
        backend=BackendSpec(
            type=config.backend.type, config=config.backend.config, pos=config.backend.pos
        ),
        config_hash=config_hash,
        redact=sorted(sensitive_values(config)),
    )


#: per type, the attributes that with `version` (a hash of all the others) identify a resource
_BEYOND_VERSION = {
    "function": ("version", "source", "keep_versions", "retain_versions"),
    "workflow": ("version", "name", "isolation"),
}


def _resource_data(resource: Resource) -> dict[str, Any]:
    """A resource as plain data for the configuration hash; versioned resources contribute
    their version instead of re-serialising what it already hashes."""
    attributes = resource.attributes
    keys = _BEYOND_VERSION.get(resource.type)
    return {
        "address": resource.address,
        "type": resource.type,
        "provider": resource.provider,
        "attributes": {key: attributes[key] for key in keys} if keys else attributes,
        "depends_on": resource.depends_on,
        "group": resource.group,
        "pos": resource.pos,
    }
