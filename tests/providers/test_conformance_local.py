"""The local provider passes the provider conformance kit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fnplan.providers.local import LocalProvider
from fnplan.providers.local.disk import encode_address

from fnplan.provider import Provider, ProviderContext
from fnplan.resources import Resource
from fnplan.state.model import ResourceState
from fnplan.testing.providers import (
    KitCase,
    check_concurrency,
    check_declarations,
    check_resource,
    declared_types,
)

from .conformance_samples import samples
from .local.test_local_runtimes import tiny_wheel


def drift(provider: Provider, state: ResourceState) -> None:
    """Edit what the local provider stored for `state`, as a user could by hand."""
    assert isinstance(provider, LocalProvider)
    layout = provider.layout
    if state.type == "runtime":
        edit(Path(state.outputs["venv"]) / "packages.json", packages=[])
    elif state.type == "function":
        with (Path(state.outputs["code"]) / "main.py").open("a") as code:
            code.write("# edited by hand\n")
    elif state.type == "workflow":
        edit(Path(state.outputs["document_path"]), name="edited")
    elif state.type == "event":
        edit(layout.events / f"{encode_address(state.attributes['type'])}.json", schema={})
    else:
        edit(layout.triggers / f"{encode_address(state.address)}.json", schedule="1 1 * * *")


def clone(resource: Resource, index: int) -> Resource:
    """A copy at another address; an event also needs a type of its own (types are unique)."""
    attributes = dict(resource.attributes)
    if resource.type == "event":
        attributes["type"] = f"{attributes['type']}{index}"
    return resource.model_copy(
        update={"address": f"{resource.address}_c{index}", "attributes": attributes}
    )


def edit(path: Path, **changes: object) -> None:
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.fixture
def case(tmp_path: Path) -> KitCase:
    def provider(lineage: str) -> Provider:
        context = ProviderContext(
            project_dir=tmp_path, data_dir=tmp_path / ".fnplan", lineage=lineage
        )
        return LocalProvider(context)

    wheel = tiny_wheel(tmp_path / "wheels", "fnplan_tiny", "one")
    return KitCase(
        provider=provider,
        samples=samples(tmp_path / "src", [str(wheel)], replacements=False),
        drift=drift,
        import_id=lambda state: state.address,
        clones=2,
        clone=clone,
    )


def test_declarations(case: KitCase) -> None:
    check_declarations(case)


@pytest.mark.parametrize("type_", declared_types(LocalProvider))
def test_resource_lifecycle(case: KitCase, type_: str) -> None:
    check_resource(case, type_)


def test_calls_one_at_a_time(case: KitCase) -> None:
    check_concurrency(case)
