"""The values step of a WorkflowTemplate: fnplan's own evaluator run as an Argo script
template, for the run-time values Argo's expression syntax cannot express exactly.

Argo's `when` (govaluate) and `{{=...}}` (expr) differ from fnplan's expressions in null
handling, numbers and functions, so only constant values are written into the template;
every value holding an {"$expr"} is resolved by this step, exactly as the local executor
does, and read back by the step through the values step's output parameters.
"""

from __future__ import annotations

import json
from typing import Any

from .argo_secrets import SECRETS_ENV

#: the shared script template every values step uses
VALUES_TEMPLATE = "fnplan-values"
#: the parameter carrying the evaluator's request (JSON, filled by Argo substitutions)
REQUEST = "request"
#: where the script writes one file per output parameter
OUT_DIR = "/tmp/fnplan-values"
#: the output parameters the values step answers with (the step fields that may hold
#: expressions, and the evaluated `when`)
OUTPUTS = ("when", "input", "url", "headers", "body", "params", "connection", "env", "output")

SCRIPT = f"""\
import json, os
from fnplan.run import resolve

text = os.environ["FNPLAN_REQUEST"]
for token, secret in json.loads(os.environ.get("{SECRETS_ENV}") or "{{}}").items():
    text = text.replace(token, json.dumps(secret)[1:-1])
request = json.loads(text)
status = request.get("status") or {{}}
unavailable = frozenset(name for name, state in status.items() if str(state).lower() != "succeeded")
scope = {{"input": request.get("input"), "step": request.get("steps") or {{}}}}
when = resolve(request.get("when"), scope, unavailable)
if when not in (True, False, None):
    raise SystemExit(f"when must be true or false, got {{when!r}}")
values = resolve(request.get("values"), scope, unavailable) if when is not False else {{}}
os.makedirs("{OUT_DIR}", exist_ok=True)
answers = {{"when": when is not False}}
answers.update(values or {{}})
for name in {list(OUTPUTS)!r}:
    with open(os.path.join("{OUT_DIR}", name), "w") as out:
        out.write(json.dumps(answers.get(name)))
"""


def values_template(image: str, secrets: dict[str, Any] | None = None) -> dict[str, Any]:
    """The script template that resolves a step's values; `image` has fnplan installed;
    `secrets` is the env entry reading the template's sensitive values (argo_secrets.py)."""
    env = [{"name": "FNPLAN_REQUEST", "value": "{{inputs.parameters.request}}"}]
    return {
        "name": VALUES_TEMPLATE,
        "inputs": {"parameters": [{"name": REQUEST}]},
        "script": {
            "image": image,
            "command": ["python"],
            "source": SCRIPT,
            "env": [*env, secrets] if secrets else env,
        },
        "outputs": {
            "parameters": [
                {"name": name, "valueFrom": {"path": f"{OUT_DIR}/{name}"}} for name in OUTPUTS
            ]
        },
    }


def request(when: Any, values: dict[str, Any], steps: dict[str, tuple[str, str]]) -> str:
    """The request of one values step: constant parts as JSON, step outputs and phases as
    Argo references (`steps` maps a step name to (output as JSON text, phase as JSON text))."""
    outputs = ", ".join(
        f'{json.dumps(name)}: {{"output": {out}}}' for name, (out, _) in steps.items()
    )
    status = ", ".join(f"{json.dumps(name)}: {phase}" for name, (_, phase) in steps.items())
    return (
        f'{{"when": {json.dumps(when, sort_keys=True)}, '
        f'"values": {json.dumps(values, sort_keys=True)}, '
        f'"input": {{{{workflow.parameters.input}}}}, "steps": {{{outputs}}}, '
        f'"status": {{{status}}}}}'
    )
