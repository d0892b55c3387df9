"""A workflow document as an Argo `WorkflowTemplate` with one `dag` template.

Each fnplan version is its own template (`<workflow>-v<N>`). The run-time rules of
docs/language.md map onto Argo's enhanced `depends`: a step waits for `dep.Succeeded` of
every dependency (so a skipped or failed dependency omits it: skip propagation), a catch
target waits for `source.Failed` (it runs only when the catch fires), and a step with a catch
has `continueOn.failed` (a caught failure does not fail the run). Values holding expressions
go through a values step (fnplan.providers.kubernetes.argo_values).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fnplan.naming import NameRule, physical_name
from fnplan.run import is_expression, step_references
from fnplan.workflow.model import Step, WorkflowDocument

from .argo_secrets import check_sealed, holds_secret, seal, secret_env
from .argo_templates import API_VERSION, ArgoTargets, step_template
from .argo_values import VALUES_TEMPLATE, request, values_template

ENTRYPOINT = "main"
OUTPUT_TASK = "fnplan-output"
#: the template annotation telling a run's follower which task runs which step
#: (JSON: task name → {"step", "type", "catch"}); a step's values task ends in VALUES_SUFFIX
STEPS_ANNOTATION = "fnplan.io/steps"
VALUES_SUFFIX = "--values"
#: Argo object names
ARGO_NAME = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]*$")
PHASES_DONE = ("Succeeded", "Failed", "Skipped", "Omitted", "Errored")


def template_name(address: str, number: int) -> str:
    """`<workflow>-v<N>`: a DNS-1035 label within 63 characters, unique per address."""
    suffix = f"-v{number}"
    return physical_name(address, NameRule(63 - len(suffix), "a-z0-9-", True, True)) + suffix


def workflow_template(
    document: WorkflowDocument,
    name: str,
    namespace: str,
    labels: dict[str, str],
    targets: ArgoTargets,
) -> dict[str, Any]:
    """The WorkflowTemplate manifest of `document` (pure: no cluster is read)."""
    tasks_of = {step.name: _task_name(step.name) for step in document.steps}
    if len(set(tasks_of.values())) != len(tasks_of):
        raise ValueError(f"workflow {document.name!r}: step names collide once made Argo names")
    builder = _Builder(document, tasks_of, targets)
    for step in document.steps:
        builder.add_step(step)
    builder.add_output()
    dag: dict[str, Any] = {"name": ENTRYPOINT, "dag": {"tasks": builder.tasks}}
    dag["outputs"] = {"parameters": [builder.output_parameter()]}
    templates = [dag, *builder.templates]
    if builder.uses_values:
        secrets = secret_env(name) if document.sensitive_values else None
        templates.append(values_template(targets.runner_image(), secrets))
    manifest = {
        "apiVersion": API_VERSION,
        "kind": "WorkflowTemplate",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {
            "entrypoint": ENTRYPOINT,
            "arguments": {"parameters": [{"name": "input", "value": "{}"}]},
            "templates": templates,
        },
    }
    check_sealed(manifest, document.sensitive_values)
    return manifest


def step_tasks(document: WorkflowDocument) -> dict[str, dict[str, Any]]:
    """What STEPS_ANNOTATION holds: each step's task, its node type and whether it catches."""
    return {
        _task_name(step.name): {"step": step.name, "type": step.type, "catch": bool(step.catch)}
        for step in document.steps
    }


def _task_name(step: str) -> str:
    name = re.sub(r"[^a-zA-Z0-9-]", "-", step)
    if not ARGO_NAME.match(name):
        name = f"s{name}"
    return name


def dependencies(document: WorkflowDocument) -> dict[str, set[str]]:
    """Every step each one waits for to succeed: depends_on, edges and data references."""
    deps = {
        step.name: set(step.depends_on)
        | step_references(step.model_dump(exclude={"retry", "catch"}))
        for step in document.steps
    }
    for edge in document.edges:
        if edge.kind != "error":
            deps.setdefault(edge.target, set()).add(edge.source)
    for name, names in deps.items():
        names.discard(name)
    return deps


def catch_sources(document: WorkflowDocument) -> dict[str, set[str]]:
    """For each catch target, the steps whose catches route to it."""
    sources: dict[str, set[str]] = {}
    for step in document.steps:
        for catch in step.catch:
            if catch.errors != ["any"]:
                raise ValueError(
                    f"step {step.name!r}: Argo cannot tell error names apart; "
                    'a catch on Kubernetes matches errors = ["any"] only'
                )
            sources.setdefault(catch.next, set()).add(step.name)
    return sources


class _Builder:
    """Accumulates the dag's tasks and the templates they use."""

    def __init__(
        self, document: WorkflowDocument, tasks_of: dict[str, str], targets: ArgoTargets
    ) -> None:
        self.document = document
        self.tasks_of = tasks_of
        self.targets = targets
        self.deps = dependencies(document)
        self.sources = catch_sources(document)
        self.tasks: list[dict[str, Any]] = []
        self.templates: list[dict[str, Any]] = []
        self.uses_values = False

    def depends(self, step: Step) -> str | None:
        """Argo's depends: every dependency succeeded, and one of its catch sources failed."""
        sources = self.sources.get(step.name, set())
        parts = [f"{self.tasks_of[d]}.Succeeded" for d in sorted(self.deps[step.name] - sources)]
        if sources:
            failed = " || ".join(f"{self.tasks_of[s]}.Failed" for s in sorted(sources))
            parts.append(f"({failed})" if len(sources) > 1 else failed)
        return " && ".join(parts) or None

    def add_step(self, step: Step) -> None:
        task_name = self.tasks_of[step.name]
        fields = _run_time_fields(step)
        depends = self.depends(step)
        task: dict[str, Any] = {"name": task_name, "template": task_name}
        if is_expression(step.when) or _has_expression(fields) or self.sensitive(step.when, fields):
            values_task = f"{task_name}{VALUES_SUFFIX}"
            self.tasks.append(self._values_task(values_task, depends, step.when, fields))
            depends = (
                f"{depends} && {values_task}.Succeeded" if depends else f"{values_task}.Succeeded"
            )
            arguments = {
                key: f"{{{{tasks.{values_task}.outputs.parameters.{key}}}}}" for key in fields
            }
            if step.when is not None:
                task["when"] = f"{{{{tasks.{values_task}.outputs.parameters.when}}}} == true"
        else:
            # keys sorted: the state keeps objects with sorted keys, and refresh compares
            arguments = {key: json.dumps(value, sort_keys=True) for key, value in fields.items()}
            if step.when is False:
                task["when"] = "false"
        if depends:
            task["depends"] = depends
        if arguments:
            task["arguments"] = {
                "parameters": [{"name": k, "value": v} for k, v in sorted(arguments.items())]
            }
        if step.catch:
            task["continueOn"] = {"failed": True}
        self.tasks.append(task)
        self.templates.append(self._template(step, task_name, sorted(arguments)))

    def sensitive(self, *values: Any) -> bool:
        """Whether any of `values` holds a sensitive text (it then goes through a values
        task, which reads it from the template's Secret)."""
        return holds_secret(values, self.document.sensitive_values)

    def request(self, when: Any, values: dict[str, Any], steps: dict[str, tuple[str, str]]) -> str:
        """A values task's request, its sensitive texts replaced by tokens."""
        return seal(request(when, values, steps), self.document.sensitive_values)

    def _values_task(
        self, name: str, depends: str | None, when: Any, fields: dict[str, Any]
    ) -> dict[str, Any]:
        self.uses_values = True
        steps = {
            ref: (self._output_ref(ref), '"Succeeded"') for ref in self._referenced(when, fields)
        }
        task: dict[str, Any] = {
            "name": name,
            "template": VALUES_TEMPLATE,
            "arguments": {
                "parameters": [{"name": "request", "value": self.request(when, fields, steps)}]
            },
        }
        if depends:
            task["depends"] = depends
        return task

    def _referenced(self, *values: Any) -> list[str]:
        names: set[str] = set()
        for value in values:
            names |= step_references(value)
        return sorted(name for name in names if name in self.tasks_of)

    def _output_ref(self, step: str) -> str:
        kind = next(s.type for s in self.document.steps if s.name == step)
        task = self.tasks_of[step]
        if kind == "workflow":
            return f"{{{{tasks.{task}.outputs.parameters.output}}}}"
        return f"{{{{tasks.{task}.outputs.result}}}}"

    def add_output(self) -> None:
        """The workflow's output: evaluated after the steps it reads, whatever their phase
        (a skipped step reads as null)."""
        output = self.document.output
        if not self._computed_output():
            return
        self.uses_values = True
        referenced = self._referenced(output)
        steps = {
            ref: (
                f"{{{{=tasks['{self.tasks_of[ref]}'].status == 'Succeeded' ? "
                f"{self._output_ref(ref)[2:-2]} : 'null'}}}}",
                f'"{{{{tasks.{self.tasks_of[ref]}.status}}}}"',
            )
            for ref in referenced
        }
        task: dict[str, Any] = {
            "name": OUTPUT_TASK,
            "template": VALUES_TEMPLATE,
            "arguments": {
                "parameters": [
                    {"name": "request", "value": self.request(None, {"output": output}, steps)}
                ]
            },
        }
        done = [
            "(" + " || ".join(f"{self.tasks_of[ref]}.{phase}" for phase in PHASES_DONE) + ")"
            for ref in referenced
        ]
        if done:
            task["depends"] = " && ".join(done)
        self.tasks.append(task)

    def _computed_output(self) -> bool:
        """Whether the output is evaluated by a values task (not written as a constant)."""
        output = self.document.output
        return _has_expression(output) or self.sensitive(output)

    def output_parameter(self) -> dict[str, Any]:
        if self._computed_output():
            ref = f"{{{{tasks.{OUTPUT_TASK}.outputs.parameters.output}}}}"
            return {"name": "output", "valueFrom": {"parameter": ref}}
        return {"name": "output", "value": json.dumps(self.document.output, sort_keys=True)}

    def _template(self, step: Step, name: str, parameters: list[str]) -> dict[str, Any]:
        template = step_template(step, name, self.targets)
        if parameters:
            template["inputs"] = {"parameters": [{"name": p} for p in parameters]}
        retry = _retry_strategy(step)
        if retry:
            template["retryStrategy"] = retry
        if step.resources and step.resources.timeout:
            template["activeDeadlineSeconds"] = int(step.resources.timeout)
        return template


def _run_time_fields(step: Step) -> dict[str, Any]:
    """The step's fields that reach its template as parameters (the ones that may hold
    expressions), by node type."""
    if step.type in ("function", "workflow"):
        return {"input": step.input}
    if step.type == "http" and step.http:
        return {"url": step.http.url, "headers": step.http.headers, "body": step.http.body}
    if step.type == "sql" and step.sql:
        return {"params": step.sql.params, "connection": step.sql.connection}
    if step.type == "shell" and step.shell:
        return {"env": step.shell.env}
    return {}


def _has_expression(value: Any) -> bool:
    if is_expression(value):
        return True
    if isinstance(value, dict):
        return any(_has_expression(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_expression(item) for item in value)
    return False


def _retry_strategy(step: Step) -> dict[str, Any] | None:
    """Argo's retryStrategy: attempts beyond the first, with the policy's backoff (linear
    backoff has no Argo form: it waits the fixed interval)."""
    retry = step.retry
    if retry.max_attempts <= 1:
        return None
    factor = 2 if retry.backoff == "exponential" else 1
    return {
        "limit": str(retry.max_attempts - 1),
        "retryPolicy": "Always",
        "backoff": {
            "duration": f"{retry.interval:g}s",
            "factor": str(factor),
            "cap": f"{retry.max_interval:g}s",
        },
    }
