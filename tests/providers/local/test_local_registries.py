"""Events and triggers: entries in small registry files, read back by LocalStore."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fnplan.providers.local import LocalProvider
from fnplan.providers.local.store import LocalStore

from fnplan.errors import ProviderError
from fnplan.resources import Resource

from .conftest import recorded

SCHEMA = {"type": "object", "required": ["path"]}


def event(address: str, event_type: str, schema: dict | None = None) -> Resource:
    attributes = {"name": address.rpartition(".")[2], "type": event_type, "schema": schema}
    return Resource(address=address, type="event", attributes=attributes)


def trigger(address: str, kind: str = "schedule", **attributes: object) -> Resource:
    base = {
        "name": address.rpartition(".")[2],
        "kind": kind,
        "schedule": "0 2 * * *",
        "event_type": None,
        "source": None,
        "on_completion": None,
        "target": "workflow.report",
        "target_type": "workflow",
        "input": None,
    }
    return Resource(address=address, type="trigger", attributes={**base, **attributes})


def test_event_lifecycle(provider: LocalProvider, project: Path) -> None:
    resource = event("event.uploaded", "com.example.uploaded", SCHEMA)
    outputs = provider.create(resource)
    assert provider.create(resource) == outputs
    state = recorded(resource, outputs)
    assert provider.observe(state).up_to_date(resource.attributes)
    store = LocalStore(project / ".fnplan")
    assert store.events() == {
        "com.example.uploaded": {
            "address": "event.uploaded",
            "name": "uploaded",
            "type": "com.example.uploaded",
            "schema": SCHEMA,
            "source": None,
        }
    }

    renamed = event("event.uploaded", "com.example.created", None)
    provider.update(renamed, state)
    assert set(store.events()) == {"com.example.created"}
    assert not provider.observe(state).exists  # the old type is gone
    provider.delete(recorded(renamed))
    provider.delete(recorded(renamed))
    assert store.events() == {}
    assert not (project / ".fnplan/local").exists()


def test_an_event_type_has_one_owner(provider: LocalProvider) -> None:
    provider.create(event("event.a", "com.example.same"))
    with pytest.raises(ProviderError, match=r"already registered by event\.a"):
        provider.create(event("module.m.event.b", "com.example.same"))
    provider.delete(recorded(event("module.m.event.b", "com.example.same")))
    assert provider.observe(recorded(event("event.a", "com.example.same"))).exists


def test_trigger_lifecycle_and_drift(provider: LocalProvider, project: Path) -> None:
    resource = trigger("trigger.nightly")
    state = recorded(resource, provider.create(resource))
    assert provider.observe(state).up_to_date(resource.attributes)
    store = LocalStore(project / ".fnplan")
    assert store.triggers() == [{**resource.attributes, "address": "trigger.nightly"}]

    changed = trigger("trigger.nightly", schedule="0 3 * * *")
    assert provider.observe(state).differs_from(changed.attributes) == ["schedule"]
    provider.update(changed, state)
    assert provider.observe(state).up_to_date(changed.attributes)

    provider.delete(state)
    provider.delete(state)
    assert store.triggers() == []
    assert not (project / ".fnplan/local").exists()


def test_addresses_with_any_characters_round_trip(provider: LocalProvider, project: Path) -> None:
    resource = trigger('module.m.trigger.t["a b/c%"]')
    provider.create(resource)
    assert provider.observe(recorded(resource)).exists
    assert [t["address"] for t in LocalStore(project / ".fnplan").triggers()] == [resource.address]
    provider.delete(recorded(resource))
    assert not (project / ".fnplan/local").exists()


def test_unknown_trigger_kind(provider: LocalProvider) -> None:
    with pytest.raises(ProviderError) as error:
        provider.create(trigger("trigger.t", kind="carrier-pigeon"))
    assert "allowed: completion, event, http, queue, schedule, storage" in error.value.render()


def test_concurrent_registrations_are_not_lost(provider: LocalProvider, project: Path) -> None:
    resources = [trigger(f"trigger.t{i}") for i in range(40)]
    resources += [event(f"event.e{i}", f"com.example.e{i}") for i in range(40)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(provider.create, resources))
    store = LocalStore(project / ".fnplan")
    assert len(store.triggers()) == 40
    assert len(store.events()) == 40
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(provider.delete, [recorded(r) for r in resources]))
    assert not (project / ".fnplan/local").exists()
