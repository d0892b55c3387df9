"""The conformance kit catches providers that break the protocol: each broken variant of
netsim fails with the resource type and the step that found it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fnplan.providers.netsim import NetsimProvider, edit_object

from fnplan.provider import Observation, Provider, ProviderContext
from fnplan.resources import Resource
from fnplan.state.model import ResourceState
from fnplan.testing.providers import (
    ConformanceFailure,
    KitCase,
    check_concurrency,
    check_declarations,
    check_provider,
    check_resource,
)

from .conformance_samples import samples


class NoOutputs(NetsimProvider):
    def create(self, resource: Resource) -> dict[str, Any]:
        outputs = super().create(resource)
        return {k: v for k, v in outputs.items() if k != "arn"}


class BlindToDrift(NetsimProvider):
    def observe(self, prior: ResourceState) -> Observation:
        seen = super().observe(prior)
        return Observation(seen.exists, dict(prior.attributes), seen.outputs)


class AdoptsAnything(NetsimProvider):
    def _owned(self, obj: dict[str, Any], address: str) -> bool:
        return True


class NeverDeletes(NetsimProvider):
    def delete(self, prior: ResourceState) -> None:
        pass


class NewIdOnUpdate(NetsimProvider):
    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return {**super().update(resource, prior), "id": "fn-another"}


class ForgetsEnv(NetsimProvider):
    def observe(self, prior: ResourceState) -> Observation:
        seen = super().observe(prior)
        seen.attributes.pop("env", None)
        return seen


class PublishesAnyCode(NetsimProvider):
    def _code(self, resource: Resource) -> dict[str, str] | None:
        return None


class Overlaps:
    """Counts calls in flight; `create` sleeps so that concurrent calls overlap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.now -= 1


class NotThreadSafe(NetsimProvider):
    """Claims threads are fine, but breaks when two creates overlap."""

    calls: ClassVar[Overlaps]

    def create(self, resource: Resource) -> dict[str, Any]:
        with self.calls:
            time.sleep(0.05)
            if self.calls.most > 1:
                raise RuntimeError("two creates at once corrupted the store")
            return super().create(resource)


class SingleThreaded(NetsimProvider):
    """Declares `threaded = False` and records how many calls were ever in flight."""

    threaded: ClassVar[bool] = False
    calls: ClassVar[Overlaps]

    def create(self, resource: Resource) -> dict[str, Any]:
        with self.calls:
            time.sleep(0.01)
            return super().create(resource)


def kit(tmp_path: Path, cls: type[NetsimProvider]) -> KitCase:
    def provider(lineage: str) -> Provider:
        context = ProviderContext(
            project_dir=tmp_path, data_dir=tmp_path / ".fnplan", lineage=lineage
        )
        return cls(context)

    def drift(provider: Provider, state: ResourceState) -> None:
        assert isinstance(provider, NetsimProvider)
        edit_object(provider.root, state.outputs["id"], {"name": "edited"})

    return KitCase(
        provider=provider,
        samples=samples(tmp_path / "src", [], replacements=True),
        drift=drift,
        import_id=lambda state: str(state.outputs["id"]),
        settle_seconds=0.3,
        clones=3,
    )


@pytest.mark.parametrize(
    ("cls", "type_", "failure"),
    [
        (NoOutputs, "event", "event: create: create returned no ['arn'] (declared outputs)"),
        (BlindToDrift, "trigger", "trigger: drift: observe did not report the drift"),
        (AdoptsAnything, "event", "event: import: a create by another configuration adopted"),
        (NeverDeletes, "runtime", "runtime: replace: observe still finds the deleted object"),
        (NeverDeletes, "workflow", "workflow: delete: observe still finds the deleted object"),
        (NewIdOnUpdate, "function", "function: update: output 'id' is declared known at create"),
        (ForgetsEnv, "function", "function: create: observe does not read back ['env']"),
        (PublishesAnyCode, "function", "function: code changed after planning: create published"),
    ],
)
def test_a_broken_provider_fails_at_the_step_that_shows_it(
    tmp_path: Path, cls: type[NetsimProvider], type_: str, failure: str
) -> None:
    with pytest.raises(ConformanceFailure) as caught:
        check_resource(kit(tmp_path, cls), type_)
    assert failure in str(caught.value)


def test_a_provider_that_cannot_take_concurrent_calls_fails(tmp_path: Path) -> None:
    NotThreadSafe.calls = Overlaps()
    with pytest.raises(ConformanceFailure, match=r"runtime: concurrent create: .*corrupted"):
        check_concurrency(kit(tmp_path, NotThreadSafe))


def test_a_single_threaded_provider_is_called_one_call_at_a_time(tmp_path: Path) -> None:
    SingleThreaded.calls = Overlaps()
    check_concurrency(kit(tmp_path, SingleThreaded))
    assert SingleThreaded.calls.most == 1


def test_a_sample_the_schema_does_not_accept_fails_the_declarations(tmp_path: Path) -> None:
    case = kit(tmp_path, NetsimProvider)
    first = case.samples[0]
    extra = first.resource.model_copy(
        update={"attributes": {**first.resource.attributes, "colour": "blue"}}
    )
    broken = KitCase(
        case.provider,
        [type(first)(extra, first.update), *case.samples[1:]],
        case.drift,
    )
    with pytest.raises(ConformanceFailure, match=r"runtime: sample attributes \['colour'\]"):
        check_declarations(broken)


def test_netsim_passes_the_whole_kit(tmp_path: Path) -> None:
    check_provider(kit(tmp_path, NetsimProvider))


class CountsCloses(NetsimProvider):
    closed: ClassVar[int] = 0

    def close(self) -> None:
        type(self).closed += 1


def test_every_instance_the_kit_opens_is_closed(tmp_path: Path) -> None:
    check_resource(kit(tmp_path, CountsCloses), "event")
    assert CountsCloses.closed == 2  # the configuration's instance and the importing one
