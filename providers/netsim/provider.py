"""NetsimProvider: deploys to a simulated cloud that behaves like a network API.

What a real cloud provider has to cope with, without a network: every call takes
`latency_ms`, objects get server-assigned ids and their outputs (id, arn, url) are known only
after create, function and workflow versions are numbered by the server, a new object is
invisible to reads for `consistency_ms`, objects carry ownership tags, and any call can be
made to fail or hang (faults.py). It deploys only: nothing runs.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import ValidationError

from fnplan.errors import ProviderError
from fnplan.naming import NameRule, physical_name
from fnplan.provider import BaseProvider, Observation, ProviderContext
from fnplan.provider_schema import Diagnostic, PlannedChange

from .cloud import Cloud, Conflict, NotFound, Object
from .faults import Injector, pause
from .package import package, tree_hash
from .schemas import (
    DATA_SOURCES,
    OBJECT_DATA_SOURCE,
    RESOURCE_SCHEMAS,
    NetsimConfig,
    data_attributes,
)

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

#: the tags that tell this configuration's objects from foreign ones
ADDRESS_TAG = "fnplan:address"
LINEAGE_TAG = "fnplan:lineage"
#: physical names: letters, digits, `-` and `_`, at most 64 characters
NAME_RULE = NameRule(64, "A-Za-z0-9_-")
#: limits validate enforces, like a real function platform's
MAX_MEMORY_MB = 10_240
MAX_TIMEOUT_S = 900
_VERSIONED = frozenset({"function", "workflow"})

T = TypeVar("T")


class NetsimProvider(BaseProvider):
    """The network-like test provider (docs/providers/netsim.md)."""

    name: ClassVar[str] = "netsim"
    node_types: ClassVar[frozenset[str]] = frozenset(
        {"function", "workflow", "sql", "shell", "http"}
    )
    resource_schemas = RESOURCE_SCHEMAS
    data_sources = DATA_SOURCES
    config_model = NetsimConfig
    #: every call waits on the (simulated) network: threads overlap the waits
    threaded: ClassVar[bool] = True
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: objects are keyed by server-assigned ids: moving an address only re-tags
    keyed_by_address: ClassVar[bool] = False

    def __init__(self, context: ProviderContext) -> None:
        self.context = context
        self.config = _config(context.config)
        default = "netsim" if context.alias is None else f"netsim.{context.alias}"
        root = self.config.root
        self.root = context.project_dir / root if root else context.data_dir / default
        self.cloud = Cloud(
            self.root, consistency_ms=self.config.consistency_ms, region=self.config.region
        )
        self._faults = Injector(self.root)
        self._lineage = context.lineage

    # the protocol's heart

    def observe(self, prior: ResourceState) -> Observation:
        """The object as the cloud shows it; one created less than `consistency_ms` ago that
        reads cannot see yet is reported as existing with nothing to compare."""
        return self._call("observe", prior.address, lambda: self._observe(prior))

    def create(self, resource: Resource) -> dict[str, Any]:
        """Create the object (a retry with the same attributes returns the one it created);
        an object of this name that another configuration owns is refused."""
        return self._call("create", resource.address, lambda: self._create(resource))

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Write the desired attributes (a new version when `version` is new)."""
        return self._call("update", resource.address, lambda: self._update(resource, prior))

    def delete(self, prior: ResourceState) -> None:
        """Delete the object; one that is gone already is fine."""
        self._call("delete", prior.address, lambda: self._delete(prior))

    # protocol v2 hooks

    def validate_resource(self, resource: Resource) -> list[Diagnostic]:
        """The platform's limits on function memory and timeout."""
        if resource.type != "function":
            return []
        found = []
        memory, timeout = resource.attributes.get("memory"), resource.attributes.get("timeout")
        if isinstance(memory, int | float) and not 128 <= memory <= MAX_MEMORY_MB:
            found.append(
                Diagnostic(
                    f"netsim functions take 128 to {MAX_MEMORY_MB} MB, not {memory}", "memory"
                )
            )
        if isinstance(timeout, int | float) and not 1 <= timeout <= MAX_TIMEOUT_S:
            found.append(
                Diagnostic(f"netsim functions run 1 to {MAX_TIMEOUT_S} s, not {timeout}", "timeout")
            )
        return found

    def plan_change(self, change: PlannedChange) -> PlannedChange:
        """Predict the version a change publishes: a new object's is number 1; an update's
        new hash gets one past the highest the server keeps, a hash it keeps its number."""
        if change.type not in _VERSIONED or change.resource is None:
            return change
        version = change.resource.attributes.get("version")
        if not isinstance(version, str):  # it hashes a value known only after apply: no guess
            return change
        if change.action in ("create", "replace"):
            change.predicted_outputs.update(version=version, version_number=1)
        elif change.action == "update" and change.prior is not None:
            versions = change.prior.outputs.get("versions") or []
            known = {v["hash"]: v["number"] for v in versions if isinstance(v, dict)}
            number = known.get(version, 1 + max(known.values(), default=0))
            change.predicted_outputs.update(
                version=version,
                version_number=number,
                version_arn=f"{change.prior.outputs.get('arn')}:{number}",
            )
        return change

    def import_object(self, type_: str, address: str, id: str) -> Observation:
        """Adopt the object `id`: tag it as this configuration's `address`."""

        def adopt() -> Observation:
            obj = self._get(address, id)
            if obj["type"] != type_:
                raise ProviderError(
                    f"{address}: netsim object {id} is a {obj['type']}, not a {type_}"
                )
            adopted = self.cloud.update(id, lambda o: o.update(tags=self._tags(address)))
            return _observation(adopted)

        return self._call("import", address, adopt)

    def move(self, prior: ResourceState, new_address: str) -> dict[str, Any]:
        """Re-tag the object for its new address; its id, name and outputs stay."""

        def retag() -> dict[str, Any]:
            object_id = prior.outputs.get("id")
            if not isinstance(object_id, str):
                return dict(prior.outputs)
            try:
                moved = self.cloud.update(
                    object_id, lambda o: o.update(tags=self._tags(new_address))
                )
            except NotFound:
                return dict(prior.outputs)
            return _outputs(moved)

        return self._call("move", prior.address, retag)

    def read_data(self, type_: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """`netsim_object`: one object by `id`, or by `type` and `name`."""
        if type_ != OBJECT_DATA_SOURCE:
            return super().read_data(type_, arguments)
        label = f"data.{type_}"
        return self._call("read", label, lambda: data_attributes(self._lookup(label, arguments)))

    # the work behind each call

    def _observe(self, prior: ResourceState) -> Observation:
        object_id = prior.outputs.get("id")
        if not isinstance(object_id, str):  # an interrupted create: find it by its token
            made = self.cloud.find(
                client_token=self._token(prior.type, prior.address, prior.attributes)
            )
            return _observation(made[0]) if made else Observation(exists=False)
        try:
            return _observation(self.cloud.get(object_id))
        except NotFound:
            if self._propagating(prior):
                return Observation(exists=True, outputs=dict(prior.outputs))
            return Observation(exists=False)

    def _create(self, resource: Resource) -> dict[str, Any]:
        address = resource.address
        try:
            obj = self.cloud.create(
                resource.type,
                physical_name(address, NAME_RULE, prefix=self.config.name_prefix),
                _spec(resource),
                code=self._code(resource),
                tags=self._tags(address),
                token=self._token(resource.type, address, resource.attributes),
                refuse=lambda existing: not self._owned(existing, address),
            )
        except Conflict as conflict:
            object_id = conflict.existing["id"]
            raise ProviderError(
                f"{address} already exists as netsim object {object_id} "
                "(not created by this configuration)",
                hint=f"adopt it with `fnplan import {address} {object_id}`",
            ) from None
        return _outputs(obj)

    def _update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        object_id = prior.outputs.get("id")
        if not isinstance(object_id, str):
            raise ProviderError(f"{resource.address}: no netsim object id is recorded")
        spec, code, tags = _spec(resource), self._code(resource), self._tags(resource.address)
        try:
            obj = self.cloud.update(object_id, lambda o: o.update(spec=spec, code=code, tags=tags))
        except NotFound:
            raise ProviderError(
                f"{resource.address}: netsim object {object_id} no longer exists",
                hint="plan again: the next plan creates it",
            ) from None
        return _outputs(obj)

    def _delete(self, prior: ResourceState) -> None:
        object_id = prior.outputs.get("id")
        if isinstance(object_id, str):
            self.cloud.delete(object_id)
            return
        token = self._token(prior.type, prior.address, prior.attributes)
        for obj in self.cloud.find(client_token=token):
            self.cloud.delete(obj["id"])

    def _lookup(self, label: str, arguments: dict[str, Any]) -> Object:
        """The object a data source names: by id, or by type and name (exactly one)."""
        if arguments.get("id"):
            return self._get(label, str(arguments["id"]))
        type_, name = arguments.get("type"), arguments.get("name")
        if not (type_ and name):
            raise ProviderError(f"{label}: give `id`, or `type` and `name`")
        found = self.cloud.find(type=type_, name=name)
        if len(found) != 1:
            raise ProviderError(
                f"{label}: {len(found)} netsim {type_} objects are named {name!r}, not one",
                allowed=[obj["id"] for obj in found],
            )
        return found[0]

    def _get(self, label: str, object_id: str) -> Object:
        try:
            return self.cloud.get(object_id)
        except NotFound:
            raise ProviderError(
                f"{label}: there is no netsim object {object_id!r}",
                hint=f"ids look like fn-0123456789ab; objects are listed in {self.root}",
            ) from None

    def _code(self, resource: Resource) -> dict[str, str] | None:
        """A function's upload, refused when it is not the code `source_hash` names."""
        if resource.type != "function":
            return None
        source = self.context.project_dir / str(resource.attributes.get("source") or "")
        if not resource.attributes.get("source") or not source.is_dir():
            raise ProviderError(f"{resource.address}: source directory {source} does not exist")
        files = package(source)
        if tree_hash(files) != resource.attributes.get("source_hash"):
            raise ProviderError(
                f"{resource.address}: the code in {source} is not the planned source_hash: "
                "it changed after the plan was made",
                hint="make a new plan and apply that",
            )
        return files

    def _owned(self, obj: Object, address: str) -> bool:
        """Whether this configuration created `obj`: its lineage tag, or (without one on
        either side) its address tag."""
        theirs = obj["tags"].get(LINEAGE_TAG)
        if self._lineage and theirs:
            return bool(theirs == self._lineage)
        return bool(obj["tags"].get(ADDRESS_TAG) == address)

    def _tags(self, address: str) -> dict[str, str]:
        tags = {ADDRESS_TAG: address}
        if self._lineage:
            tags[LINEAGE_TAG] = self._lineage
        return tags

    def _token(self, type_: str, address: str, attributes: dict[str, Any]) -> str:
        """The client token of a create: the same request always gets the same object (what
        is stored: apply may publish the same code from a staged copy)."""
        spec = _stored(type_, attributes)
        request = json.dumps([self._lineage, type_, address, spec], sort_keys=True)
        return hashlib.sha256(request.encode()).hexdigest()

    def _propagating(self, prior: ResourceState) -> bool:
        """Whether the object was created so recently that reads may not see it yet."""
        created = prior.outputs.get("created_at")
        window = self.config.consistency_ms / 1000
        return isinstance(created, int | float) and time.time() < created + window

    def _call(self, operation: str, address: str, work: Callable[[], T]) -> T:
        """One API round trip: the injected faults, the latency, then the work."""

        def round_trip() -> T:
            if self.config.latency_ms:
                pause(self.config.latency_ms / 1000)
            return work()

        return self._faults.around(operation, address, round_trip)


def _config(raw: dict[str, Any]) -> NetsimConfig:
    try:
        return NetsimConfig.model_validate(raw)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise ProviderError(f"provider netsim: {where}: {problem['msg']}") from None


def _spec(resource: Resource) -> dict[str, Any]:
    return _stored(resource.type, resource.attributes)


def _stored(type_: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """What the cloud stores: the attributes, without the local path of a function's code
    (its files are uploaded instead)."""
    if type_ != "function":
        return dict(attributes)
    return {k: v for k, v in attributes.items() if k != "source"}


def _observation(obj: Object) -> Observation:
    attributes = dict(obj["spec"])
    if obj.get("code") is not None:
        attributes["source_hash"] = tree_hash(obj["code"])
    return Observation(exists=True, attributes=attributes, outputs=_outputs(obj))


def _outputs(obj: Object) -> dict[str, Any]:
    outputs = {key: obj[key] for key in ("id", "arn", "url", "name", "created_at")}
    if obj["type"] in _VERSIONED:
        number = obj.get("version_number")
        outputs.update(
            version=obj["spec"].get("version"),
            version_number=number,
            version_arn=f"{obj['arn']}:{number}",
            versions=[{"number": v["number"], "hash": v["hash"]} for v in obj["versions"]],
        )
    return outputs


def cloud_objects(root: Path) -> list[Object]:
    """Every object stored in the simulated cloud at `root`, visible or not (for tests)."""
    return Cloud(root).objects()


def edit_object(root: Path, object_id: str, spec: dict[str, Any]) -> None:
    """Change an object's stored attributes outside fnplan, like an edit in a web console."""
    Cloud(root).update(object_id, lambda obj: obj["spec"].update(spec))
