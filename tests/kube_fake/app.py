"""The fake API server's HTTP side (Starlette): discovery, CRUD, apply, status, delete."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .store import ApiFailure, Key, Obj, Store


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource the fake serves."""

    group_version: str
    kind: str
    plural: str
    namespaced: bool = True


RESOURCES = [
    Resource("v1", "Namespace", "namespaces", namespaced=False),
    Resource("v1", "ConfigMap", "configmaps"),
    Resource("v1", "Secret", "secrets"),
    Resource("v1", "ServiceAccount", "serviceaccounts"),
    Resource("v1", "Pod", "pods"),
    Resource("coordination.k8s.io/v1", "Lease", "leases"),
    Resource("serving.knative.dev/v1", "Service", "services"),
    Resource("serving.knative.dev/v1", "Revision", "revisions"),
    Resource("eventing.knative.dev/v1", "Broker", "brokers"),
    Resource("eventing.knative.dev/v1", "Trigger", "triggers"),
    Resource("sources.knative.dev/v1", "PingSource", "pingsources"),
    Resource("argoproj.io/v1alpha1", "WorkflowTemplate", "workflowtemplates"),
    Resource("argoproj.io/v1alpha1", "Workflow", "workflows"),
    Resource("argoproj.io/v1alpha1", "WorkflowEventBinding", "workfloweventbindings"),
]
_BY_PATH = {(r.group_version, r.plural): r for r in RESOURCES}
#: the fake runs no containers: GET pods/NAME/log answers the text of this annotation
POD_LOG_ANNOTATION = "fake.fnplan.io/log"


def make_app(store: Store) -> Starlette:
    """The ASGI app serving `store`."""

    async def core(request: Request) -> Response:
        return await _serve(store, request, "v1", request.path_params["rest"])

    async def grouped(request: Request) -> Response:
        params = request.path_params
        gv = f"{params['group']}/{params['version']}"
        return await _serve(store, request, gv, params["rest"])

    async def server_version(_: Request) -> Response:
        return JSONResponse(_VERSION)

    async def api_versions(_: Request) -> Response:
        return JSONResponse({"kind": "APIVersions", "versions": ["v1"]})

    async def api_groups(_: Request) -> Response:
        return JSONResponse(_group_list())

    async def core_resources(_: Request) -> Response:
        return JSONResponse(_resource_list("v1"))

    async def group_resources(request: Request) -> Response:
        gv = f"{request.path_params['group']}/{request.path_params['version']}"
        if not any(r.group_version == gv for r in RESOURCES):
            return _failure(ApiFailure(404, "NotFound", f"the server could not find {gv}"))
        return JSONResponse(_resource_list(gv))

    return Starlette(
        routes=[
            Route("/version", server_version),
            Route("/api", api_versions),
            Route("/apis", api_groups),
            Route("/api/v1", core_resources),
            Route("/apis/{group}/{version}", group_resources),
            Route("/api/v1/{rest:path}", core, methods=_METHODS),
            Route("/apis/{group}/{version}/{rest:path}", grouped, methods=_METHODS),
        ]
    )


_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_VERSION = {"major": "1", "minor": "31", "gitVersion": "v1.31.0-fnplan-fake", "platform": "fake"}


async def _serve(store: Store, request: Request, gv: str, rest: str) -> Response:
    try:
        return await _route(store, request, gv, rest.strip("/").split("/"))
    except ApiFailure as failure:
        return _failure(failure)


async def _route(store: Store, request: Request, gv: str, parts: list[str]) -> Response:
    namespace = ""
    # /api/v1/namespaces/NAME[/status] is a Namespace itself; deeper paths are inside one
    if len(parts) >= 3 and parts[0] == "namespaces" and parts[2] != "status":
        namespace, parts = parts[1], parts[2:]
    resource = _BY_PATH.get((gv, parts[0]))
    if resource is not None and resource.kind == "Pod" and parts[2:] == ["log"]:
        pod = store.get(Key(f"{gv}/pods", namespace, parts[1]))
        return PlainTextResponse(pod["metadata"].get("annotations", {}).get(POD_LOG_ANNOTATION, ""))
    if resource is None or len(parts) > 3 or (len(parts) == 3 and parts[2] != "status"):
        raise ApiFailure(404, "NotFound", f"the server could not find {request.url.path}")
    if resource.namespaced and not namespace and len(parts) > 1:
        raise ApiFailure(404, "NotFound", f"{resource.plural} must be under a namespace")
    resource_id = f"{gv}/{resource.plural}"
    manager = request.query_params.get("fieldManager", "unknown")
    method = request.method
    if len(parts) == 1:
        if method == "GET":
            selector = request.query_params.get("labelSelector", "")
            items = store.list(resource_id, namespace, selector)
            return JSONResponse({"kind": f"{resource.kind}List", "apiVersion": gv, "items": items})
        if method == "POST":
            body = await _json(request)
            name = (body.get("metadata") or {}).get("name", "")
            _check_type(resource, body)
            return JSONResponse(store.create(Key(resource_id, namespace, name), body, manager), 201)
        raise ApiFailure(405, "MethodNotAllowed", f"{method} is not allowed on a collection")
    key = Key(resource_id, namespace, parts[1])
    status = len(parts) == 3
    if method == "GET":
        return JSONResponse(store.get(key))
    if method == "PUT":
        body = await _json(request)
        _check_type(resource, body)
        return JSONResponse(store.replace(key, body, manager, status=status))
    if method == "PATCH":
        return JSONResponse(await _patch(store, request, resource, key, manager, status))
    if method == "DELETE":
        left = store.delete(key, _preconditions(await request.body()))
        if left is not None:
            return JSONResponse(left, 202)
        return JSONResponse(_status(200, "Success", "", f"{key.name} deleted"))
    raise ApiFailure(405, "MethodNotAllowed", f"{method} is not allowed")


async def _patch(
    store: Store, request: Request, resource: Resource, key: Key, manager: str, status: bool
) -> Obj:
    kind = request.headers.get("content-type", "").split(";")[0]
    if kind == "application/apply-patch+yaml":
        if "fieldManager" not in request.query_params:
            raise ApiFailure(422, "Invalid", "fieldManager is required for apply requests")
        text = (await request.body()).decode()
        try:
            body = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ApiFailure(400, "BadRequest", f"error decoding YAML: {exc}") from None
        if not isinstance(body, dict):
            raise ApiFailure(400, "BadRequest", "an apply patch must be an object")
        _check_type(resource, body)
        force = request.query_params.get("force") == "true"
        return store.apply(key, body, manager, force)
    if kind in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
        return store.merge_patch(key, await _json(request), manager, status=status)
    raise ApiFailure(415, "UnsupportedMediaType", f"the fake does not take {kind!r} patches")


def _check_type(resource: Resource, body: Obj) -> None:
    """422 when the body's apiVersion/kind do not name the resource of the URL."""
    if body.get("apiVersion") != resource.group_version or body.get("kind") != resource.kind:
        raise ApiFailure(
            422,
            "Invalid",
            f"the object is {body.get('apiVersion')}/{body.get('kind')}, the URL names "
            f"{resource.group_version}/{resource.kind}",
        )


def _preconditions(body: bytes) -> dict[str, str]:
    """DeleteOptions.preconditions (uid, resourceVersion) of a DELETE's body, if any."""
    try:
        options = json.loads(body) if body else {}
    except ValueError as exc:
        raise ApiFailure(400, "BadRequest", f"the body is not JSON: {exc}") from None
    found = options.get("preconditions") if isinstance(options, dict) else None
    return {k: str(v) for k, v in (found or {}).items() if v is not None}


async def _json(request: Request) -> Obj:
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise ApiFailure(400, "BadRequest", f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiFailure(400, "BadRequest", "the body must be a JSON object")
    return body


def _failure(failure: ApiFailure) -> Response:
    return JSONResponse(
        _status(failure.code, "Failure", failure.reason, failure.message), failure.code
    )


def _status(code: int, status: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": status,
        "reason": reason,
        "message": message,
        "code": code,
    }


def _group_list() -> dict[str, Any]:
    groups: dict[str, list[str]] = {}
    for r in RESOURCES:
        if "/" in r.group_version:
            group, version = r.group_version.split("/")
            groups.setdefault(group, [])
            if version not in groups[group]:
                groups[group].append(version)
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": group,
                "versions": [{"groupVersion": f"{group}/{v}", "version": v} for v in versions],
                "preferredVersion": {
                    "groupVersion": f"{group}/{versions[0]}",
                    "version": versions[0],
                },
            }
            for group, versions in groups.items()
        ],
    }


def _resource_list(gv: str) -> dict[str, Any]:
    verbs = ["create", "delete", "get", "list", "patch", "update"]
    found: list[dict[str, Any]] = []
    for r in RESOURCES:
        if r.group_version != gv:
            continue
        found.append(
            {
                "name": r.plural,
                "singularName": r.kind.lower(),
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": verbs,
            }
        )
        found.append(
            {
                "name": f"{r.plural}/status",
                "singularName": "",
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": ["get", "patch", "update"],
            }
        )
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": found}
