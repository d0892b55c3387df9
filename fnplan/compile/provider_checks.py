"""Validate's provider checks (protocol v2), run once compile has placed every block.

Each provider block against its provider's `config_model`, every after-apply reference
against the outputs the provider declares, every workflow step against the node types the
provider runs, and each resource through the provider's own `validate_resource`. Problems
are reported together at their file:line:column; providers' warnings join the compile's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from fnplan.compile.index import Entry, Index, build_index
from fnplan.compile.model import CompileWarning, Desired
from fnplan.compile.output_refs import reference_errors
from fnplan.config.model import Config, ProviderConfig
from fnplan.errors import ConfigError, ErrorList, FnplanError, SourcePos, did_you_mean
from fnplan.expr.marks import unmark_deep
from fnplan.provider import Provider, close_providers, open_providers, provider_class
from fnplan.resources import Resource


def check_providers(config: Config, desired: Desired) -> None:
    """Raise every provider-level problem of the configuration at once; add the warnings
    the providers' validation hooks report to `desired.warnings`."""
    classes, errors = _classes(config, desired)
    for address, block in config.providers.items():
        if address in classes:
            errors.extend(config_errors(block, classes[address].config_model))
    schemas = {address: cls.resource_schemas for address, cls in classes.items()}
    index = build_index(config)
    errors.extend(unmanaged_errors(desired.resources, classes))
    errors.extend(reference_errors(config, desired.resources, schemas))
    errors.extend(node_type_errors(index, desired.resources, classes))
    if not errors:  # only providers whose configuration is valid are opened
        errors.extend(_hook_diagnostics(config, index, desired))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)


def _classes(
    config: Config, desired: Desired
) -> tuple[dict[str, type[Provider]], list[FnplanError]]:
    """The provider class of every provider address configured or used; an unknown provider
    is an error at its block (or at the first resource placed on it)."""
    addresses = sorted(config.providers.keys() | desired.providers_used())
    classes: dict[str, type[Provider]] = {}
    errors: list[FnplanError] = []
    for address in addresses:
        try:
            classes[address] = provider_class(address.partition(".")[0])
        except ConfigError as error:
            error.pos = error.pos or SourcePos.parse(_where(address, config, desired))
            errors.append(error)
    return classes, errors


def _where(address: str, config: Config, desired: Desired) -> str | None:
    block = config.providers.get(address)
    if block is not None:
        return block.pos
    placed = (r.pos for r in desired.resources.values() if r.provider == address)
    return next(placed, None)


def config_errors(block: ProviderConfig, model: type[BaseModel] | None) -> list[FnplanError]:
    """The provider block's attributes checked against the provider's pydantic model (a
    provider without one checks its configuration itself)."""
    if model is None:
        return []
    values, _ = unmark_deep(block.config)
    try:
        model.model_validate(values)
    except ValidationError as error:
        return [_config_error(block, model, problem) for problem in error.errors()]
    return []


def _config_error(block: ProviderConfig, model: type[BaseModel], problem: Any) -> ConfigError:
    loc = [str(part) for part in problem["loc"]]
    field = loc[0] if loc else ""
    where = f'provider "{block.address}" block'
    pos = SourcePos.parse(block.pos_of(field) if field else block.pos)
    allowed = sorted(model.model_fields)
    if problem["type"] == "extra_forbidden":
        return ConfigError(
            f"unknown attribute {field!r} in {where}",
            pos=pos,
            allowed=allowed,
            hint=did_you_mean(field, allowed),
        )
    if problem["type"] == "missing":
        return ConfigError(f"missing required attribute {field!r} in {where}", pos=pos)
    return ConfigError(f"{'.'.join(loc)} in {where}: {problem['msg']}", pos=pos)


def unmanaged_errors(
    resources: Mapping[str, Resource], classes: Mapping[str, type[Provider]]
) -> list[FnplanError]:
    """A resource placed on a provider whose schemas leave out its type (a provider that
    declares no schemas at all is not checked)."""
    errors: list[FnplanError] = []
    for resource in resources.values():
        cls = classes.get(resource.provider)
        if cls is None or not cls.resource_schemas or resource.type in cls.resource_schemas:
            continue
        errors.append(
            ConfigError(
                f"{resource.address}: provider {resource.provider} cannot manage "
                f"{resource.type} resources",
                pos=SourcePos.parse(resource.pos),
                allowed=cls.resource_schemas,
            )
        )
    return errors


def node_type_errors(
    index: Index, resources: Mapping[str, Resource], classes: Mapping[str, type[Provider]]
) -> list[FnplanError]:
    """A workflow step whose node type the workflow's provider cannot run."""
    errors: list[FnplanError] = []
    for resource in resources.values():
        cls = classes.get(resource.provider)
        if resource.type != "workflow" or cls is None:
            continue
        for step in resource.attributes.get("document", {}).get("steps", []):
            if step.get("type") in cls.node_types:
                continue
            entry = index.workflows.get(resource.group) or index.workflows.get(resource.address)
            steps = {name: s.pos for name, s in entry.block.steps.items()} if entry else {}
            pos = steps.get(step.get("name")) or (entry.block.pos if entry else resource.pos)
            errors.append(
                ConfigError(
                    f"step {step.get('name')!r} of {resource.address} is a {step.get('type')} "
                    f"step, which provider {resource.provider} cannot run",
                    pos=SourcePos.parse(pos),
                    allowed=cls.node_types,
                )
            )
    return errors


def _hook_diagnostics(config: Config, index: Index, desired: Desired) -> Iterator[FnplanError]:
    """Each resource through its provider's validate_resource: errors are yielded, warnings
    join desired.warnings; each at the attribute its path names, when it was written."""
    used = desired.providers_used()
    if not used:
        return
    configs = {address: block.config for address, block in config.providers.items()}
    providers = open_providers(configs, used, Path(config.directory))
    try:
        for resource in desired.resources.values():
            for found in providers[resource.provider].validate_resource(resource):
                path = f".{found.path}" if found.path else ""
                message = f"{resource.address}{path}: {found.message}"
                pos = _position(index, resource, found.path)
                if found.severity == "warning":
                    desired.warnings.append(CompileWarning(message=message, pos=pos))
                else:
                    yield ConfigError(message, pos=SourcePos.parse(pos))
    finally:
        close_providers(providers.values())


def _position(index: Index, resource: Resource, path: str | None) -> str | None:
    """Where the attribute at `path` (its first segment) of the resource's block is written;
    else the block (a copy per target is found under its block's address)."""
    tables: dict[str, Mapping[str, Entry[Any]]] = {
        "runtime": index.runtimes,
        "function": index.functions,
        "workflow": index.workflows,
        "event": index.events,
        "trigger": index.triggers,
    }
    table = tables.get(resource.type, {})
    entry = table.get(resource.address) or table.get(resource.address.partition("[")[0])
    if entry is None:
        return resource.pos
    first = re.split(r"[.\[]", path, maxsplit=1)[0] if path else ""
    return entry.block.positions.get(first, entry.block.pos) if first else entry.block.pos
