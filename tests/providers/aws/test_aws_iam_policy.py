"""The IAM policy docs/providers/aws-policy.json (what a user attaches to the identity
fnplan runs as) allows every AWS operation the provider's code calls: the calls are found in
the source (boto3 client methods, paginators), so a new call without its permission fails
here rather than in someone's account."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[3]
POLICY = ROOT / "docs" / "providers" / "aws-policy.json"
SOURCES = [p for p in (ROOT / "providers" / "aws").rglob("*.py") if "s3_state" not in p.parts]
#: boto3 service name → IAM action prefix
PREFIX = {"stepfunctions": "states"}
#: names the provider's code gives clients of one service (`lam = self.clients["lambda"]`)
SERVICE_OF_NAME = {"lam": "lambda", "sfn": "stepfunctions", "iam": "iam", "logs": "logs"}
#: IAM actions whose names differ from their operation's
ACTION_OF = {"lambda:Invoke": "lambda:InvokeFunction", "s3:HeadBucket": "s3:ListBucket"}
#: API Gateway's IAM actions are the HTTP methods of its management API (CreateApi is a POST)
APIGATEWAY_VERB = {"Create": "POST", "Get": "GET", "Update": "PATCH", "Delete": "DELETE"}
#: permissions no call names: handing roles to the services, tagging on create, the layers a
#: function uses, and the log deliveries a state machine with logging needs of its creator
IMPLIED = {
    "iam:PassRole",
    "iam:TagRole",
    "logs:TagResource",
    "lambda:GetLayerVersion",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    # an http step's connection: EventBridge keeps its credentials in a secret it makes
    # with its creator's permissions; an image step's task definition is tagged on register
    "secretsmanager:CreateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecret",
    "secretsmanager:TagResource",  # a function's secrets are tagged on create
    "ecs:TagResource",
    "pipes:TagResource",  # a queue trigger's pipe is tagged on create
}


def _service(node: ast.AST, names: dict[str, str]) -> str | None:
    """The service of a client expression: clients["svc"] or a name bound to one."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        base = node.value
        name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
        return str(node.slice.value) if name == "clients" else None
    if isinstance(node, ast.Name):
        return names.get(node.id) or SERVICE_OF_NAME.get(node.id)
    return None


def _bound(tree: ast.AST) -> dict[str, str]:
    """The module's names bound to a client: `events = self.clients["events"]`."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            service = _service(node.value, {})
            if isinstance(target, ast.Name) and service is not None:
                names[target.id] = service
    return names


def called_actions() -> set[str]:
    """IAM actions of the AWS operations the provider's source calls."""
    found: set[str] = set()
    session = boto3.Session(region_name="us-east-1")
    mappings: dict[str, dict[str, str]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        names = _bound(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            service = _service(node.func.value, names)
            if service is None:
                continue
            method = node.func.attr
            if method == "get_paginator" and isinstance(node.args[0], ast.Constant):
                method = str(node.args[0].value)
            if service not in mappings:
                mappings[service] = session.client(service).meta.method_to_api_mapping
            mapping = mappings[service]
            if method in mapping:
                action = f"{PREFIX.get(service, service)}:{mapping[method]}"
                if service == "apigatewayv2":
                    verb = next(
                        v for k, v in APIGATEWAY_VERB.items() if mapping[method].startswith(k)
                    )
                    action = f"apigateway:{verb}"
                found.add(ACTION_OF.get(action, action))
    return found


def allowed_actions() -> set[str]:
    document = json.loads(POLICY.read_text())
    return {a for s in document["Statement"] if s["Effect"] == "Allow" for a in s["Action"]}


def test_the_policy_allows_every_call_the_provider_makes() -> None:
    called = called_actions()
    assert {"lambda:CreateFunction", "states:CreateStateMachine", "iam:PutRolePolicy"} <= called
    missing = (called | IMPLIED) - allowed_actions()
    assert not missing, f"add to {POLICY.name}: {sorted(missing)}"


def test_the_policy_allows_nothing_the_provider_does_not_call() -> None:
    extra = allowed_actions() - called_actions() - IMPLIED
    assert not extra, f"{POLICY.name} allows what the provider never calls: {sorted(extra)}"
