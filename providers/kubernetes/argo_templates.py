"""The template each step's task runs, per node type: `http` for function and http steps
(the Argo Agent runs them), `resource` creating a child Workflow for `call` nesting, and
`script` for shell and sql steps. Run-time values arrive as input parameters (JSON text)."""

from __future__ import annotations

from typing import Any, Protocol

import yaml

from fnplan.workflow.model import Step

API_VERSION = "argoproj.io/v1alpha1"


class ArgoTargets(Protocol):
    """What the template calls, as the provider knows it from its state and configuration."""

    def function_url(self, address: str, version: str) -> str:
        """The URL of a function version: its Knative Service's `v<N>` tag URL."""
        ...

    def workflow_template(self, address: str, version: str) -> str:
        """The WorkflowTemplate name of a called workflow's pinned version."""
        ...

    def runner_image(self) -> str:
        """An image with fnplan (and psycopg) installed: values and sql steps run in it."""
        ...

    def shell_image(self) -> str:
        """The image of shell steps that name none."""
        ...


#: an sql step: fnplan's runner image executes the statement with psycopg, rows as JSON; the
#: language's `:name` parameters (SQLAlchemy's rule: not after ':' or a word character, not
#: before ':') become psycopg's `%(name)s`, and a literal '%' is doubled when there are any;
#: a SQLAlchemy URL naming a driver (`postgresql+psycopg://`, as local takes) is a libpq URL
SQL_SCRIPT = """\
import json, os, re
import psycopg
from psycopg.rows import dict_row

connection = json.loads(os.environ["FNPLAN_CONNECTION"])
connection = re.sub(r"^postgres(ql)?\\+\\w+://", "postgresql://", connection)
params = json.loads(os.environ["FNPLAN_PARAMS"]) or {}
statement = os.environ["FNPLAN_STATEMENT"]
if params:
    statement = re.sub(r"(?<![:\\w]):(\\w+)(?!:)", r"%(\\1)s", statement.replace("%", "%%"))
with psycopg.connect(connection, row_factory=dict_row) as db:
    cursor = db.execute(statement, params or None)
    rows = cursor.fetchall() if cursor.description else []
print(json.dumps({"rows": rows, "row_count": cursor.rowcount}, default=str))
"""


def step_template(step: Step, name: str, targets: ArgoTargets) -> dict[str, Any]:
    """The template of one step (its inputs and retry are added by the caller)."""
    if step.type == "function" and step.function:
        url = targets.function_url(step.function.address, step.function.version)
        return {"name": name, "http": _http(url, "POST", {}, "{{inputs.parameters.input}}", 30)}
    if step.type == "http" and step.http:
        task = step.http
        return {
            "name": name,
            "http": _http(
                "{{=fromJSON(inputs.parameters.url)}}",
                task.method,
                task.headers,
                "{{inputs.parameters.body}}",
                task.timeout,
            ),
        }
    if step.type == "workflow" and step.workflow:
        callee = targets.workflow_template(step.workflow.address, step.workflow.version)
        return {
            "name": name,
            "resource": {
                "action": "create",
                "setOwnerReference": True,
                "manifest": child_workflow_manifest(callee),
                "successCondition": "status.phase == Succeeded",
                "failureCondition": "status.phase in (Failed, Error)",
            },
            "outputs": {
                "parameters": [
                    {
                        "name": "output",
                        "valueFrom": {
                            "jsonPath": "{.status.outputs.parameters[?(@.name=='output')].value}"
                        },
                    }
                ]
            },
        }
    if step.type == "shell" and step.shell:
        env = [
            {"name": key, "value": f"{{{{=jsonpath(inputs.parameters.env, '$.{key}')}}}}"}
            for key in sorted(step.shell.env)
        ]
        return {
            "name": name,
            "script": {
                "image": step.shell.image or targets.shell_image(),
                "command": ["sh"],
                "source": step.shell.script,
                "env": env,
            },
        }
    if step.type == "sql" and step.sql:
        variables = {
            "FNPLAN_STATEMENT": step.sql.statement,
            "FNPLAN_CONNECTION": "{{inputs.parameters.connection}}",
            "FNPLAN_PARAMS": "{{inputs.parameters.params}}",
        }
        return {
            "name": name,
            "script": {
                "image": targets.runner_image(),
                "command": ["python"],
                "source": SQL_SCRIPT,
                "env": [{"name": key, "value": value} for key, value in variables.items()],
            },
        }
    raise ValueError(f"step {step.name!r}: type {step.type!r} has no task")


def _http(
    url: str, method: str, headers: dict[str, Any], body: str, timeout: float
) -> dict[str, Any]:
    """An http template (the response body is the step's output, `outputs.result`)."""
    return {
        "url": url,
        "method": method,
        "headers": [
            {"name": key, "value": f"{{{{=jsonpath(inputs.parameters.headers, '$.{key}')}}}}"}
            for key in sorted(headers)
        ],
        "body": body,
        "timeoutSeconds": int(timeout),
        "successCondition": "response.statusCode >= 200 && response.statusCode < 300",
    }


def child_workflow_manifest(template: str) -> str:
    """A `resource` template's manifest: a child Workflow of the callee's template (a true
    child execution with its own status; `templateRef` would inline it)."""
    manifest = {
        "apiVersion": API_VERSION,
        "kind": "Workflow",
        "metadata": {"generateName": f"{template}-"},
        "spec": {
            "workflowTemplateRef": {"name": template},
            "arguments": {
                "parameters": [{"name": "input", "value": "{{inputs.parameters.input}}"}]
            },
        },
    }
    return yaml.safe_dump(manifest, sort_keys=False)
