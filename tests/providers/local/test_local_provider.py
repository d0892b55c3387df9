"""The provider as the engine sees it: entry point, protocol, dispatch, full teardown."""

from __future__ import annotations

from pathlib import Path

import pytest
from fnplan.providers.local import LocalProvider

from fnplan.errors import ProviderError
from fnplan.provider import Provider, provider_class
from fnplan.resources import Resource

from .conftest import function, recorded, write_source
from .test_local_registries import event, trigger
from .test_local_workflows import workflow


def test_registered_under_the_entry_point() -> None:
    assert provider_class("local") is LocalProvider
    assert LocalProvider.node_types == {"function", "workflow", "sql", "shell", "http"}
    assert all(not schema.replace_paths for schema in LocalProvider.resource_schemas.values())


def test_implements_the_protocol(provider: LocalProvider) -> None:
    assert isinstance(provider, Provider)


def test_unknown_type_is_a_provider_error(provider: LocalProvider) -> None:
    prior = recorded(Resource(address="queue.q", type="event")).model_copy(update={"type": "queue"})
    with pytest.raises(ProviderError, match=r"cannot manage 'queue' objects"):
        provider.observe(prior)


def test_destroying_everything_leaves_nothing(provider: LocalProvider, project: Path) -> None:
    runtime = Resource(
        address="runtime.python",
        type="runtime",
        attributes={"name": "python", "language": "python3.11", "packages": []},
    )
    resources = [
        runtime,
        function("function.echo", write_source(project / "src")),
        workflow("workflow.w", ["a"]),
        event("event.e", "com.example.e"),
        trigger("trigger.t"),
    ]
    states = [recorded(r, provider.create(r)) for r in resources]
    assert (project / ".fnplan/local").is_dir()
    (project / ".fnplan" / "state.json").write_text("{}")
    for state in reversed(states):
        provider.delete(state)
    assert sorted(p.name for p in (project / ".fnplan").iterdir()) == ["state.json"]


def test_a_thousand_functions_sharing_a_source_all_observe_up_to_date(
    provider: LocalProvider, project: Path
) -> None:
    """Its speed is measured by benchmarks/components.py (observe_functions)."""
    source = write_source(project / "src", extra={"lib/a.py": "A = 1\n", "lib/b.py": "B = 2\n"})
    states = []
    for i in range(1000):
        resource = function(f"function.f{i}", source)
        states.append(recorded(resource, provider.create(resource)))
    observations = [provider.observe(state) for state in states]
    assert all(o.up_to_date(s.attributes) for o, s in zip(observations, states, strict=True))
