"""Eventual consistency: a new object hidden from reads is neither reported gone nor made
twice; after the window, a missing object is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from fnplan.providers.netsim import NetsimProvider, cloud_objects

from fnplan.errors import ProviderError
from fnplan.provider import ProviderContext
from fnplan.resources import Resource
from fnplan.state.model import ResourceState
from fnplan.testing.polling import eventually

WINDOW_MS = 400
EVENT = Resource(
    address="event.e",
    type="event",
    attributes={"name": "e", "type": "com.example.e", "schema": None, "source": None},
)


def netsim(tmp_path: Path, **config: object) -> NetsimProvider:
    context = ProviderContext(
        project_dir=tmp_path,
        data_dir=tmp_path / ".fnplan",
        config={"consistency_ms": WINDOW_MS, **config},
        lineage="lineage-1",
    )
    return NetsimProvider(context)


def recorded(outputs: dict[str, object]) -> ResourceState:
    return ResourceState(
        address=EVENT.address,
        type=EVENT.type,
        provider="netsim",
        attributes=EVENT.attributes,
        outputs=outputs,
    )


def test_a_new_object_is_not_reported_gone_while_reads_cannot_see_it(tmp_path: Path) -> None:
    provider = netsim(tmp_path)
    state = recorded(provider.create(EVENT))
    with pytest.raises(ProviderError, match="there is no netsim object"):
        provider.read_data("netsim_object", {"id": state.outputs["id"]})

    hidden = provider.observe(state)
    assert hidden.exists and hidden.attributes == {} and hidden.outputs == state.outputs

    seen = eventually(
        lambda: provider.observe(state), lambda o: bool(o.attributes), 5, "never visible"
    )
    assert seen.up_to_date(EVENT.attributes)
    assert (
        provider.read_data("netsim_object", {"id": state.outputs["id"]})["arn"]
        == (state.outputs["arn"])
    )


def test_after_the_window_a_missing_object_is_gone(tmp_path: Path) -> None:
    provider = netsim(tmp_path)
    state = recorded(provider.create(EVENT))
    provider.delete(state)  # writes see the object at once
    assert cloud_objects(provider.root) == []
    assert provider.observe(state).exists  # still inside the window: not known to be gone
    eventually(lambda: provider.observe(state), lambda o: not o.exists, 5, "never gone")


def test_an_interrupted_create_is_found_by_its_token_and_never_made_twice(
    tmp_path: Path,
) -> None:
    provider = netsim(tmp_path, consistency_ms=0)
    first = provider.create(EVENT)
    pending = recorded({}).model_copy(update={"pending": "create"})  # no answer recorded
    found = provider.observe(pending)
    assert found.exists and found.outputs["id"] == first["id"]
    assert provider.create(EVENT)["id"] == first["id"]  # a retry adopts its own object
    assert len(cloud_objects(provider.root)) == 1

    provider.delete(pending)  # deleting what an interrupted create made
    assert cloud_objects(provider.root) == []


def test_a_hidden_object_is_still_adopted_by_a_retried_create(tmp_path: Path) -> None:
    provider = netsim(tmp_path, consistency_ms=60_000)
    first = provider.create(EVENT)
    assert not provider.observe(recorded({})).exists  # reads cannot find it yet
    assert provider.create(EVENT)["id"] == first["id"]
    assert len(cloud_objects(provider.root)) == 1
