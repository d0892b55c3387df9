"""Protocol v2 declarations: replace paths, output kinds and BaseProvider's default hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from fnplan.errors import ProviderError
from fnplan.provider import BaseProvider, Observation, Provider, ProviderContext
from fnplan.provider_schema import PlannedChange, ResourceSchema
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

SCHEMA = ResourceSchema(
    attributes=frozenset({"runtime", "steps", "env"}),
    outputs={"arn": "create", "version": "apply"},
    replace_paths=("runtime.image", "steps[*].type", "env.*", "name"),
)


@pytest.mark.parametrize(
    "path",
    [
        "runtime.image",
        "runtime.image.tag",
        "runtime.image[0]",
        "steps[2].type",
        "steps[0].type.kind",
        "env.LOG_FORMAT",
        "env['odd key']",
        "name",
    ],
)
def test_a_change_at_or_under_a_replace_path_replaces(path: str) -> None:
    assert SCHEMA.forces_replacement(path)


@pytest.mark.parametrize(
    "path",
    ["runtime", "runtime.env", "runtime.imagery", "steps[2].input", "steps", "env", "names"],
)
def test_a_change_elsewhere_does_not(path: str) -> None:
    assert not SCHEMA.forces_replacement(path)


def test_outputs_known_at_create_are_the_stable_ones() -> None:
    assert SCHEMA.stable_outputs() == {"arn"}


class _Minimal(BaseProvider):
    """Only the heart of the protocol; every hook is BaseProvider's."""

    name: ClassVar[str] = "minimal"

    def __init__(self, context: ProviderContext) -> None:
        self.context = context

    def observe(self, prior: ResourceState) -> Observation:
        return Observation(exists=False)

    def create(self, resource: Resource) -> dict[str, Any]:
        return {}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return {}

    def delete(self, prior: ResourceState) -> None:
        return None


def _prior() -> ResourceState:
    return ResourceState(
        address="function.f", type="function", provider="minimal", outputs={"arn": "a:1"}
    )


def test_base_provider_defaults_make_a_protocol_provider(tmp_path: Path) -> None:
    provider = _Minimal(ProviderContext(project_dir=tmp_path, data_dir=tmp_path))
    resource = Resource(address="function.f", type="function")
    change = PlannedChange("function.f", "function", "create", None, resource)
    assert isinstance(provider, Provider)
    assert provider.validate_resource(resource) == []
    assert provider.plan_change(change) is change
    assert provider.move(_prior(), "function.g") == {"arn": "a:1"}
    provider.close()
    with pytest.raises(ProviderError, match="cannot import function objects"):
        provider.import_object("function", "function.f", "id-1")
    with pytest.raises(ProviderError, match="no data source 'bucket'"):
        provider.read_data("bucket", {})


def test_a_provider_keyed_by_address_cannot_move_by_default(tmp_path: Path) -> None:
    class Keyed(_Minimal):
        keyed_by_address: ClassVar[bool] = True

    provider = Keyed(ProviderContext(project_dir=tmp_path, data_dir=tmp_path))
    with pytest.raises(ProviderError, match=r"cannot move function\.f to function\.g"):
        provider.move(_prior(), "function.g")
