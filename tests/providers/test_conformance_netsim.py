"""netsim passes the provider conformance kit, with latency and eventual consistency on."""

from __future__ import annotations

from pathlib import Path

import pytest
from fnplan.providers.netsim import NetsimProvider, edit_object

from fnplan.provider import Provider, ProviderContext
from fnplan.state.model import ResourceState
from fnplan.testing.providers import (
    KitCase,
    check_concurrency,
    check_declarations,
    check_resource,
    declared_types,
)

from .conformance_samples import samples


@pytest.fixture
def case(tmp_path: Path) -> KitCase:
    config = {"latency_ms": 5, "consistency_ms": 200}

    def provider(lineage: str) -> Provider:
        context = ProviderContext(
            project_dir=tmp_path, data_dir=tmp_path / ".fnplan", config=config, lineage=lineage
        )
        return NetsimProvider(context)

    def drift(provider: Provider, state: ResourceState) -> None:
        assert isinstance(provider, NetsimProvider)
        edit_object(provider.root, state.outputs["id"], {"name": "edited in the console"})

    return KitCase(
        provider=provider,
        samples=samples(tmp_path / "src", [], replacements=True),
        drift=drift,
        import_id=lambda state: str(state.outputs["id"]),
    )


def test_declarations(case: KitCase) -> None:
    check_declarations(case)


@pytest.mark.parametrize("type_", declared_types(NetsimProvider))
def test_resource_lifecycle(case: KitCase, type_: str) -> None:
    check_resource(case, type_)


def test_concurrent_calls(case: KitCase) -> None:
    check_concurrency(case)
