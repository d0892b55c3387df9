"""An http trigger of a workflow → an API Gateway HTTP API of the trigger's own: one route
(`method` and `path` as `fnplan serve` serves them, POST /NAME by default) whose integration
starts the state machine (`StepFunctions-StartExecution`) with the request body as input (or
the trigger's constant `input`), through the trigger's role; stage `$default`, deployed
automatically. `auth = "iam"` (the default) makes callers sign with SigV4; `"none"` makes the
route public. The trigger's `url` is the stage's endpoint with the path.
"""

from __future__ import annotations

from typing import Any

from fnplan.resources import http_route

from .clients import aws_errors, unless_missing
from .ownership import ADDRESS_TAG, LINEAGE_TAG
from .trigger_access import TriggerContext
from .trigger_input import constant_input
from .triggers_sources import source_config

ROUTE_AUTH = {"iam": "AWS_IAM", "none": "NONE"}


class HttpApi:
    """http → an HTTP API starting the workflow's state machine."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        config = source_config(attributes)
        method, path = http_route(str(attributes["name"]), config)
        machine = ctx.target_arn(attributes)
        role = ctx.ensure_role("apigateway.amazonaws.com", machine, "workflow")
        integration = {
            "CredentialsArn": role,
            "RequestParameters": {
                "StateMachineArn": machine,
                "Input": constant_input(attributes) or "$request.body",
            },
        }
        route = {
            "RouteKey": f"{method} {path}",
            "AuthorizationType": ROUTE_AUTH[str(config.get("auth") or "iam")],
        }
        gateway = ctx.clients["apigatewayv2"]
        if prior.get("api"):
            api = prior["api"]
            with aws_errors(f"{ctx.address}: apigateway UpdateIntegration {api}"):
                gateway.update_integration(
                    ApiId=api, IntegrationId=prior["integration"], **integration
                )
                gateway.update_route(ApiId=api, RouteId=prior["route"], **route)
            return {**prior, "url": f"{prior['endpoint']}{path}"}
        self._remove_crashed(ctx)
        return self._create(ctx, integration, route, path)

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        gateway, api = ctx.clients["apigatewayv2"], objects["api"]
        with aws_errors(f"{ctx.address}: apigateway GetApi {api}"):
            try:
                gateway.get_api(ApiId=api)
            except gateway.exceptions.NotFoundException:
                return None
            route = gateway.get_route(ApiId=api, RouteId=objects["route"])
            integration = gateway.get_integration(ApiId=api, IntegrationId=objects["integration"])
        return {
            "route": [route.get("RouteKey"), route.get("AuthorizationType"), route.get("Target")],
            "integration": [
                integration.get("IntegrationSubtype"),
                integration.get("CredentialsArn"),
                integration.get("RequestParameters"),
            ],
        }

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        api = objects.get("api")
        if api:
            with unless_missing(f"{ctx.address}: apigateway DeleteApi {api}"):
                ctx.clients["apigatewayv2"].delete_api(ApiId=api)
        ctx.delete_role()

    def _create(
        self, ctx: TriggerContext, integration: dict[str, Any], route: dict[str, Any], path: str
    ) -> dict[str, Any]:
        gateway = ctx.clients["apigatewayv2"]
        with aws_errors(f"{ctx.address}: apigateway CreateApi {ctx.name}"):
            api = gateway.create_api(Name=ctx.name, ProtocolType="HTTP", Tags=ctx.tags)
            made = gateway.create_integration(
                ApiId=api["ApiId"],
                IntegrationType="AWS_PROXY",
                IntegrationSubtype="StepFunctions-StartExecution",
                PayloadFormatVersion="1.0",
                **integration,
            )
            target = f"integrations/{made['IntegrationId']}"
            routed = gateway.create_route(ApiId=api["ApiId"], Target=target, **route)
            gateway.create_stage(ApiId=api["ApiId"], StageName="$default", AutoDeploy=True)
        return {
            "api": api["ApiId"],
            "integration": made["IntegrationId"],
            "route": routed["RouteId"],
            "endpoint": api["ApiEndpoint"],
            "arn": f"arn:aws:apigateway:{ctx.clients.region}::/apis/{api['ApiId']}",
            "url": f"{api['ApiEndpoint']}{path}",
            "role": True,
        }

    def _remove_crashed(self, ctx: TriggerContext) -> None:
        """APIs may share a name, so a create retried after a crash finds the API it made by
        its tags (never recorded: nobody has its URL) and deletes it before making one."""
        gateway = ctx.clients["apigatewayv2"]
        with aws_errors(f"{ctx.address}: apigateway GetApis"):
            apis = gateway.get_apis().get("Items", [])
            for api in apis:
                tags = api.get("Tags") or {}
                ours = tags.get(ADDRESS_TAG) == ctx.address
                if api.get("Name") == ctx.name and ours and tags.get(LINEAGE_TAG) == ctx.lineage:
                    gateway.delete_api(ApiId=api["ApiId"])
