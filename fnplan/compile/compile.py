"""compile_config: the evaluated Config -> the desired resources of the whole module tree."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from fnplan.compile.canonical import hash_json, plain
from fnplan.compile.contracts import check_contracts
from fnplan.compile.drafts import DraftWorkflow, draft_workflow
from fnplan.compile.external import add_external_blocks
from fnplan.compile.functions import (
    function_attributes,
    function_resource,
    runtime_attributes,
    runtime_resource,
)
from fnplan.compile.handlers import check_handlers
from fnplan.compile.index import Entry, Index, build_index
from fnplan.compile.input_fields import input_field_warnings
from fnplan.compile.isolation import Usage, resolve_functions
from fnplan.compile.lifecycle import keep_ignored_attributes, moves, resource_lifecycles
from fnplan.compile.model import BackendSpec, Desired, OutputSpec
from fnplan.compile.nesting import Nesting
from fnplan.compile.providers import default_provider
from fnplan.compile.references import wire_references
from fnplan.compile.schemas import SchemaFiles
from fnplan.compile.sensitive import (
    add_function_secrets,
    add_trigger_secrets,
    add_workflow_secrets,
    sensitive_values,
)
from fnplan.compile.sources import SourceHasher, source_warnings
from fnplan.compile.targets import (
    FunctionCopies,
    Placement,
    check_output_targets,
    place,
    runtime_on,
    trigger_addresses,
)
from fnplan.compile.triggers import check_http_routes, event_resource, trigger_resource
from fnplan.compile.validate import validate
from fnplan.compile.workflows import build_document, workflow_resource
from fnplan.config.model import Config, Trigger
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
    keep_ignored_attributes(config, index.functions, functions, state)
    add_function_secrets(functions, sensitive_values(config))
    check_handlers(index, runtimes)
    nesting = Nesting(
        {
            address: draft_workflow(entry, index, schemas)
            for address, entry in index.workflows.items()
        }
    )
    expanded = nesting.expand_all()
    runtime_of = {address: attrs["runtime"]["address"] for address, attrs in functions.items()}
    placement = place(index, default, expanded, nesting.order, runtime_of)
    context = _Context(
        index=index,
        state=state,
        functions=FunctionCopies(functions, placement),
        placement=placement,
    )
    resources = _workflow_resources(context, nesting.order, expanded)
    resources.update(_function_resources(context))
    _add_runtimes(index, runtimes, resources, placement)
    for address, event in index.events.items():
        resources[address] = event_resource(event, schemas, default)
    triggers = _add_triggers(index, placement, resources)
    check_http_routes(triggers)
    check_output_targets(config.outputs.values(), resources)
    add_workflow_secrets(resources, sensitive_values(config))
    add_trigger_secrets(resources, sensitive_values(config))
    referring = wire_references(resources)
    desired = _desired(config, resources)
    desired.referring = referring
    add_external_blocks(config, desired)
    desired.lifecycle = resource_lifecycles(config, resources)
    desired.moved = moves(config, resources)
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
    state: State | None
    functions: FunctionCopies  # attributes before pins and version, per provider
    placement: Placement
    usage: Usage = field(default_factory=Usage)


def _workflow_resources(
    context: _Context, order: list[str], expanded: dict[str, DraftWorkflow]
) -> dict[str, Resource]:
    """Every workflow's copy on each of its targets, children first (a call pins its
    child's document version on the same target)."""
    placement = context.placement
    resources: dict[str, Resource] = {}
    for address in order:
        for copy_address, provider in placement.copies(address):
            draft = expanded[address]
            if copy_address != address:
                draft = dataclasses.replace(draft, address=copy_address)
            calls = resolve_functions(
                draft, provider, context.functions, context.state, context.usage
            )
            check_contracts(draft, context.functions.functions)
            children: dict[str, WorkflowCall] = {}
            for step in draft.steps.values():
                if step.workflow is not None:
                    child = placement.address(step.workflow, provider)
                    version = resources[child].attributes["version"]
                    children[step.name] = WorkflowCall(address=child, version=version)
            document = build_document(draft, calls, children)
            resources[copy_address] = workflow_resource(draft, document, provider)
    return resources


def _function_resources(context: _Context) -> dict[str, Resource]:
    """Shared functions on each of their providers (with their pinned versions retained)
    and dedicated copies."""
    usage = context.usage
    functions = context.functions
    resources: dict[str, Resource] = {}
    for function, entry in context.index.functions.items():
        for address, provider in context.placement.copies(function):
            resources[address] = function_resource(
                address,
                entry,
                functions.attributes(function, provider),
                version=functions.version(function, provider),
                retain_versions=sorted(usage.pins.get(address, ())),
                provider=provider,
                group=address,
            )
    for copy in usage.copies.values():
        resources[copy.address] = function_resource(
            copy.address,
            context.index.functions[copy.function],
            copy.attributes,
            version=copy.version,
            retain_versions=[],
            provider=copy.provider,
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
    index: Index,
    runtimes: dict[str, dict[str, Any]],
    resources: dict[str, Resource],
    placement: Placement,
) -> None:
    """Runtime resources, a copy on each provider its functions are on."""
    for runtime, entry in index.runtimes.items():
        for address, provider in placement.copies(runtime):
            attributes = runtime_on(runtimes[runtime], provider, placement)
            resources[address] = runtime_resource(entry, attributes, provider, address=address)


def _add_triggers(
    index: Index, placement: Placement, resources: dict[str, Resource]
) -> list[tuple[Entry[Trigger], Resource]]:
    """Trigger resources, a copy on each provider their target is on."""
    added = []
    for trigger, entry in index.triggers.items():
        for provider in placement.providers[trigger]:
            locate = partial(trigger_addresses, provider=provider, placement=placement)
            resource = trigger_resource(entry, index, provider, locate)
            resources[resource.address] = resource
            added.append((entry, resource))
    return added


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
