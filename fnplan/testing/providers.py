"""The provider conformance kit: what every provider must do, checked against a real instance.

A provider's tests describe it with a `KitCase` (a factory, one sample resource per declared
type, a way to make drift) and call the checks; each failure is a `ConformanceFailure`
naming the resource type and the step:

    CASE = KitCase(provider=make_provider, samples=[...], drift=drift, import_id=...)

    def test_conforms() -> None:
        check_provider(CASE)

    @pytest.mark.parametrize("type_", declared_types(MyProvider))
    def test_type_conforms(type_: str) -> None:
        check_resource(CASE, type_)

Per sample: code that changed after planning is refused → create (declared outputs
returned) → observe up to date → the stored version matches its hash → update (outputs
declared "create" kept) → drift detected → drift repaired → replace (when the type declares
replace paths) → delete → delete again succeeds → a create by another configuration (another
lineage) is refused and `import_object` adopts (when the provider imports).
`check_concurrency` calls a threaded provider from several threads at once; a provider that
says `threaded = False` is called from one thread, as the engine does. Reads are polled for
`settle_seconds`, so an eventually consistent provider passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from threading import Barrier
from typing import Any, TypeVar

from fnplan.errors import FnplanError, ProviderError
from fnplan.provider import BaseProvider, Observation, Provider, is_threaded
from fnplan.provider_schema import ResourceSchema
from fnplan.resources import Resource
from fnplan.state.model import ResourceState
from fnplan.testing.polling import eventually
from fnplan.testing.versions import version_problem, with_code_hash

#: the lineage of the configuration the kit deploys as; FOREIGN is another configuration's
LINEAGE = "00000000-0000-4000-8000-00000000c0de"
FOREIGN = "00000000-0000-4000-8000-0000000f0e19"

T = TypeVar("T")


class ConformanceFailure(AssertionError):
    """The provider does not do what the protocol says; the message names type and step."""


@dataclass(frozen=True)
class Sample:
    """One resource to deploy, in three forms (same address).

    resource     what is created first
    update       an in-place change of it (no replace path changed)
    replacement  a change of a declared replace path (None: replacement is not checked)
    """

    resource: Resource
    update: Resource
    replacement: Resource | None = None


@dataclass(frozen=True)
class KitCase:
    """A provider under test.

    provider        a new, configured instance deploying for the given state lineage;
                    instances share what they deploy (one cloud, one data directory)
    samples         one per declared resource type, in dependency order: a sample's
                    `depends_on` may name earlier samples, which are deployed first
    drift           changes the real object of a deployed resource outside fnplan (like an
                    edit in a web console), so that observe must report an attribute as
                    different
    import_id       the id `import_object` takes for a deployed object (None: the provider
                    does not import)
    settle_seconds  how long reads may lag behind writes (eventual consistency)
    clones          how many objects of one type `check_concurrency` deploys at once
    clone           the Nth copy of a sample for `check_concurrency`: by default its address
                    with the suffix `_cN`; a provider whose objects must differ in more (a
                    unique event type, say) changes that too
    objectless      types with no platform object of their own (a Kubernetes runtime is an
                    image its functions name): observe reports the recorded attributes, so
                    drift, repair and an observe after delete are not checked
    """

    provider: Callable[[str], Provider]
    samples: Sequence[Sample]
    drift: Callable[[Provider, ResourceState], None]
    import_id: Callable[[ResourceState], str] | None = None
    settle_seconds: float = 10.0
    clones: int = 4
    clone: Callable[[Resource, int], Resource] = field(default=lambda r, n: _renamed(r, n))
    objectless: frozenset[str] = frozenset()

    def sample(self, type_: str) -> Sample:
        found = [s for s in self.samples if s.resource.type == type_]
        if len(found) != 1:
            raise ConformanceFailure(f"the case has {len(found)} samples of type {type_!r}")
        return found[0]


def check_provider(case: KitCase) -> None:
    """Every check: declarations, each declared type's lifecycle, concurrency."""
    check_declarations(case)
    for type_ in [s.resource.type for s in case.samples]:
        check_resource(case, type_)
    check_concurrency(case)


def declared_types(provider: Provider | type[Provider]) -> list[str]:
    """The resource types a provider (class) declares, for `pytest.mark.parametrize`."""
    return sorted(provider.resource_schemas)


def check_declarations(case: KitCase) -> None:
    """The provider implements the protocol, and every declared type has a sample whose
    attributes the schema accepts."""
    with _opened(case, LINEAGE) as provider:
        if not isinstance(provider, Provider):
            raise ConformanceFailure(f"{type(provider).__name__} does not implement Provider")
        schemas = provider.resource_schemas
    if not schemas:
        raise ConformanceFailure("the provider declares no resource_schemas")
    for type_, schema in schemas.items():
        for form in _forms(case.sample(type_)):
            unknown = sorted(form.attributes.keys() - schema.attributes)
            if unknown:
                raise ConformanceFailure(
                    f"{type_}: sample attributes {unknown} are not in the declared schema"
                )


def check_resource(case: KitCase, type_: str) -> None:
    """The whole lifecycle of the sample of `type_` (its dependencies deployed around it)."""
    sample = case.sample(type_)
    with _opened(case, LINEAGE) as provider:
        _lifecycle(case, provider, sample)


def _lifecycle(case: KitCase, provider: Provider, sample: Sample) -> None:
    type_ = sample.resource.type
    schema = _schema(provider, type_)
    with _dependencies(case, provider, sample.resource):
        if "source_hash" in sample.resource.attributes:
            _step(type_, "code changed after planning", lambda: _stale(case, provider, sample))
        state = _step(type_, "create", lambda: _create(case, provider, schema, sample.resource))
        state = _step(type_, "update", lambda: _update(case, provider, schema, sample, state))
        if type_ not in case.objectless:
            _step(type_, "drift", lambda: _drift(case, provider, sample.update, state))
            state = _step(type_, "repair", lambda: _update(case, provider, schema, sample, state))
        if schema.replace_paths and sample.replacement is not None:
            state = _step(type_, "replace", lambda: _replace(case, provider, schema, sample, state))
        _step(type_, "delete", lambda: _delete(case, provider, state))
        if case.import_id is not None and _imports(provider):
            _step(type_, "import", lambda: _import(case, provider, schema, sample.resource))


def check_concurrency(case: KitCase) -> None:
    """`clones` copies of each sample deployed, observed and deleted at once (from several
    threads for a threaded provider, from this one otherwise)."""
    with _opened(case, LINEAGE) as provider:
        for sample in case.samples:
            with _dependencies(case, provider, sample.resource):
                _concurrently(case, provider, sample.resource)


def _concurrently(case: KitCase, provider: Provider, resource: Resource) -> None:
    schema = _schema(provider, resource.type)
    copies = [case.clone(resource, i) for i in range(case.clones)]
    created = _step(
        resource.type,
        "concurrent create",
        lambda: _all(provider, copies, lambda r: _create(case, provider, schema, r)),
    )
    _step(
        resource.type,
        "concurrent delete",
        lambda: _all(provider, created, lambda state: _delete(case, provider, state)),
    )


# the steps


def _create(
    case: KitCase, provider: Provider, schema: ResourceSchema, resource: Resource
) -> ResourceState:
    outputs = provider.create(resource)
    missing = sorted(schema.outputs.keys() - outputs.keys())
    if missing:
        raise ConformanceFailure(f"create returned no {missing} (declared outputs)")
    state = _recorded(resource, outputs)
    observed = _observe_up_to_date(case, provider, state, resource)
    _same_outputs(schema, outputs, observed.outputs, "observe")
    _version_intact(resource, observed)
    return state


def _stale(case: KitCase, provider: Provider, sample: Sample) -> None:
    """A create whose code is not what its `source_hash` says is refused, leaving nothing."""
    stale = with_code_hash(sample.resource, "sha256:" + "0" * 64)
    try:
        outputs = provider.create(stale)
    except ProviderError:
        pass
    else:
        provider.delete(_recorded(stale, outputs))
        raise ConformanceFailure("create published code that does not hash to its source_hash")
    if provider.observe(_recorded(stale, {})).exists:
        raise ConformanceFailure("the refused create left an object behind")


def _update(
    case: KitCase, provider: Provider, schema: ResourceSchema, sample: Sample, prior: ResourceState
) -> ResourceState:
    outputs = provider.update(sample.update, prior)
    _same_outputs(schema, prior.outputs, outputs, "update")
    state = _recorded(sample.update, outputs)
    observed = _observe_up_to_date(case, provider, state, sample.update)
    _version_intact(sample.update, observed)
    return state


def _drift(case: KitCase, provider: Provider, desired: Resource, state: ResourceState) -> None:
    case.drift(provider, state)
    eventually(
        lambda: provider.observe(state),
        lambda seen: seen.exists and bool(seen.differs_from(desired.attributes)),
        case.settle_seconds,
        "observe did not report the drift",
    )


def _replace(
    case: KitCase, provider: Provider, schema: ResourceSchema, sample: Sample, old: ResourceState
) -> ResourceState:
    """Create the replacement beside the old object (or after deleting it, for providers
    that key objects by address), as the engine does."""
    assert sample.replacement is not None
    changed = _changed_paths(sample.update.attributes, sample.replacement.attributes)
    if not any(schema.forces_replacement(path) for path in changed):
        raise ConformanceFailure(f"the replacement sample changes {changed}: no replace path")
    if getattr(provider, "keyed_by_address", False):
        _delete(case, provider, old)
        return _create(case, provider, schema, sample.replacement)
    new = _create(case, provider, schema, sample.replacement)
    _observe_up_to_date(case, provider, old, sample.update)  # not adopted by the new one
    _delete(case, provider, old)
    _observe_up_to_date(case, provider, new, sample.replacement)
    return new


def _delete(case: KitCase, provider: Provider, state: ResourceState) -> None:
    provider.delete(state)
    if state.type in case.objectless:
        provider.delete(state)
        return
    eventually(
        lambda: provider.observe(state),
        lambda seen: not seen.exists,
        case.settle_seconds,
        "observe still finds the deleted object",
    )
    provider.delete(state)  # deleting what is gone succeeds


def _import(case: KitCase, provider: Provider, schema: ResourceSchema, resource: Resource) -> None:
    """Another configuration's create is refused; `import_object` adopts the object."""
    assert case.import_id is not None
    state = _create(case, provider, schema, resource)
    with _opened(case, FOREIGN) as other:
        _adopt(case, other, resource, case.import_id(state))


def _adopt(case: KitCase, other: Provider, resource: Resource, object_id: str) -> None:
    """As another configuration: create is refused, import adopts, delete removes."""
    try:
        other.create(resource)
    except ProviderError:
        pass
    else:
        raise ConformanceFailure("a create by another configuration adopted the object")
    adopted = eventually(
        lambda: _try_import(other, resource, object_id),
        lambda seen: seen is not None,
        case.settle_seconds,
        f"import_object({resource.type!r}, {resource.address!r}, {object_id!r}) failed",
    )
    assert adopted is not None
    differs = adopted.differs_from(resource.attributes)
    if not adopted.exists or differs:
        raise ConformanceFailure(f"import_object found no object, or one differing in {differs}")
    imported = _recorded(resource, adopted.outputs)
    _observe_up_to_date(case, other, imported, resource)
    _delete(case, other, imported)


# helpers


def _step(type_: str, step: str, run: Callable[[], Any]) -> Any:
    """Run one step; any failure becomes a ConformanceFailure naming type and step."""
    try:
        return run()
    except AssertionError as failure:
        raise ConformanceFailure(f"{type_}: {step}: {failure}") from failure
    except FnplanError as error:
        raise ConformanceFailure(f"{type_}: {step}: {error.render()}") from error
    except Exception as error:  # a provider bug, reported at the step that met it
        raise ConformanceFailure(f"{type_}: {step}: {type(error).__name__}: {error}") from error


def _observe_up_to_date(
    case: KitCase, provider: Provider, state: ResourceState, desired: Resource
) -> Observation:
    """The observation once it shows attributes, which must be the desired ones."""
    seen = eventually(
        lambda: provider.observe(state),
        lambda seen: seen.exists and bool(seen.attributes),
        case.settle_seconds,
        f"observe of {state.address} found no object with attributes",
    )
    differs = seen.differs_from(desired.attributes)
    if differs:
        raise ConformanceFailure(f"observe of {state.address} differs in {differs}")
    return seen


def _same_outputs(
    schema: ResourceSchema, before: dict[str, Any], after: dict[str, Any], where: str
) -> None:
    """Outputs declared "create" must not change once the object exists."""
    for name in sorted(schema.stable_outputs()):
        if before.get(name) != after.get(name):
            raise ConformanceFailure(
                f"output {name!r} is declared known at create, but {where} changed it from "
                f"{before.get(name)!r} to {after.get(name)!r}"
            )


def _version_intact(resource: Resource, observed: Observation) -> None:
    problem = version_problem(resource, observed.attributes)
    if problem:
        raise ConformanceFailure(problem)


def _changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    from fnplan.plan.diff import attr_changes

    return [change.path for change in attr_changes(before, after)]


def _try_import(provider: Provider, resource: Resource, object_id: str) -> Observation | None:
    try:
        return provider.import_object(resource.type, resource.address, object_id)
    except ProviderError:
        return None


def _imports(provider: Provider) -> bool:
    """Whether the provider implements import (not BaseProvider's refusal)."""
    return getattr(type(provider), "import_object", None) is not BaseProvider.import_object


def _schema(provider: Provider, type_: str) -> ResourceSchema:
    schema = provider.resource_schemas.get(type_)
    if schema is None:
        raise ConformanceFailure(f"{type_}: the provider declares no schema for it")
    return schema


def _recorded(resource: Resource, outputs: dict[str, Any]) -> ResourceState:
    """The state entry the engine records after create/update."""
    return ResourceState(
        address=resource.address,
        type=resource.type,
        provider=resource.provider,
        attributes=resource.attributes,
        outputs=outputs,
        dependencies=resource.depends_on,
    )


def _forms(sample: Sample) -> list[Resource]:
    return [sample.resource, sample.update, *([sample.replacement] if sample.replacement else [])]


def _renamed(resource: Resource, index: int) -> Resource:
    return resource.model_copy(update={"address": f"{resource.address}_c{index}"})


def _all(provider: Provider, items: Sequence[Any], work: Callable[[Any], T]) -> list[T]:
    """`work` on every item: from one thread per item started together (threaded
    providers), or one after the other (the engine serialises the others)."""
    if not is_threaded(provider):
        return [work(item) for item in items]
    barrier = Barrier(len(items))

    def together(item: Any) -> T:
        barrier.wait(timeout=60)
        return work(item)

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(together, items))


@contextmanager
def _opened(case: KitCase, lineage: str) -> Iterator[Provider]:
    """A provider instance for `lineage`, closed at the end as the engine closes it."""
    provider = case.provider(lineage)
    try:
        yield provider
    finally:
        provider.close()


@contextmanager
def _dependencies(case: KitCase, provider: Provider, resource: Resource) -> Iterator[None]:
    """Deploy the samples `resource` depends on (transitively) before, delete them after."""
    states: list[ResourceState] = []
    try:
        for dependency in _needed(case, resource):
            create = partial(
                _create, case, provider, _schema(provider, dependency.type), dependency
            )
            states.append(_step(dependency.type, "create (as a dependency)", create))
        yield
    finally:
        for state in reversed(states):
            provider.delete(state)


def _needed(case: KitCase, resource: Resource) -> Iterator[Resource]:
    """The samples `resource` depends on, dependencies first."""
    by_address = {s.resource.address: s.resource for s in case.samples}
    seen: set[str] = set()

    def visit(current: Resource) -> Iterator[Resource]:
        for address in current.depends_on:
            dependency = by_address.get(address)
            if dependency is not None and address not in seen:
                seen.add(address)
                yield from visit(dependency)
                yield dependency

    yield from visit(resource)
