"""Sensitive values in a state machine definition (a step input, a url or statement built from
a `sensitive = true` variable) are read from Secrets Manager when an execution starts, never
written into the definition: each text becomes a secret `fnplan/<state machine>/<n>`, a first
state reads them all (BatchGetSecretValue) into variables `$fnplan_secret_<n>`, and every
place that held the text concatenates the variable instead. Inner states of Parallel branches
read those variables as they read the generator's own (`$input`, `$steps`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from fnplan.errors import ProviderError

from .clients import Clients

#: the state that reads the secrets, before the generator's first state
READ_STATE = "Read secrets"
#: the fields of a JSONata state whose strings may be expressions
_EXPRESSION_FIELDS = frozenset(
    {"Arguments", "Output", "Assign", "Condition", "Items", "ItemSelector", "Error", "Cause"}
)


def secret_prefix(machine: str) -> str:
    return f"fnplan/{machine}/"


def hide_secrets(
    definition: dict[str, Any], sensitive: Iterable[str], machine: str, address: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The definition reading each sensitive text it holds from a secret, and the secrets
    (name -> value) it reads; the definition itself when it holds none."""
    text = json.dumps(definition)
    present = sorted(t for t in set(sensitive) if t and any(f in text for f in _forms(t)))
    if not present:
        return definition, {}
    names = {t: f"{secret_prefix(machine)}{n}" for n, t in enumerate(present, 1)}
    variables = {t: f"$fnplan_secret_{n}" for n, t in enumerate(present, 1)}
    hidden = _rewrite(definition, _Replacer(variables), inside=False)
    left = json.dumps(hidden)
    if any(form in left for t in present for form in _forms(t)):
        raise ProviderError(
            f"{address}: a sensitive value would be written into the state machine definition "
            "where it cannot be read from a secret (a state name, a key or a fixed setting)",
            hint="use sensitive values only in step inputs, urls, headers or statements",
        )
    assign = {
        variables[t][1:]: f'{{% $states.result.SecretValues[Name = "{names[t]}"].SecretString %}}'
        for t in present
    }
    read = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:secretsmanager:batchGetSecretValue",
        "Arguments": {"SecretIdList": [names[t] for t in present]},
        "Assign": assign,
        "Output": "{% $states.input %}",
        # throttling or a passing outage must not fail the execution before it begins
        "Retry": [
            {
                "ErrorEquals": ["States.ALL"],
                "IntervalSeconds": 1,
                "MaxAttempts": 3,
                "BackoffRate": 2.0,
            }
        ],
        "Next": hidden["StartAt"],
    }
    hidden = {**hidden, "StartAt": READ_STATE, "States": {READ_STATE: read, **hidden["States"]}}
    return hidden, {names[t]: t for t in present}


def secret_statements(clients: Clients, machine: str) -> list[dict[str, Any]]:
    """What the state machine's role needs to read its own secrets (BatchGetSecretValue
    takes no resource; each secret it returns needs GetSecretValue)."""
    arn = f"arn:aws:secretsmanager:{clients.region}:{clients.account}:secret"
    return [
        {"Effect": "Allow", "Action": "secretsmanager:BatchGetSecretValue", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": f"{arn}:{secret_prefix(machine)}*",
        },
    ]


def _forms(text: str) -> tuple[str, str]:
    """How a text appears in a definition: as it is, and escaped inside a JSON string."""
    return text, json.dumps(text)[1:-1]


class _Replacer:
    """Rewrites strings holding sensitive texts into JSONata reading the variables."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        self.variables = {form: v for t, v in variables.items() for form in _forms(t)}
        longest = sorted(self.variables, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(t) for t in longest))

    def string(self, value: str) -> str:
        if not self.pattern.search(value):
            return value
        if value.startswith("{%") and value.endswith("%}"):
            return "{%" + self._expression(value[2:-2]) + "%}"
        return "{% " + self._concatenation(value, '"', escape=True) + " %}"

    def _expression(self, expression: str) -> str:
        """Each string literal of the expression that holds a text, as a concatenation."""
        parts, index = [], 0
        for match in re.finditer(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', expression):
            literal = match.group()
            parts.append(expression[index : match.start()])
            if literal[0] != "`" and self.pattern.search(literal[1:-1]):
                literal = self._concatenation(literal[1:-1], literal[0], escape=False)
            parts.append(literal)
            index = match.end()
        return "".join(parts) + expression[index:]

    def _concatenation(self, content: str, quote: str, *, escape: bool) -> str:
        """`content` (escaped for a literal already, unless `escape`) as JSONata joining its
        plain pieces and the variables of the texts it holds."""
        pieces, index = [], 0
        for match in self.pattern.finditer(content):
            pieces += [self._literal(content[index : match.start()], quote, escape)]
            pieces.append(self.variables[match.group()])
            index = match.end()
        pieces.append(self._literal(content[index:], quote, escape))
        kept = [p for p in pieces if p and p not in ('""', "''")]
        return kept[0] if len(kept) == 1 else "(" + " & ".join(kept) + ")"

    @staticmethod
    def _literal(content: str, quote: str, escape: bool) -> str:
        return json.dumps(content) if escape else f"{quote}{content}{quote}"


def _rewrite(value: Any, replacer: _Replacer, *, inside: bool) -> Any:
    """`value` with the strings of its expression fields rewritten (keys stay as they are)."""
    if isinstance(value, dict):
        return {
            key: _rewrite(item, replacer, inside=inside or key in _EXPRESSION_FIELDS)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rewrite(item, replacer, inside=inside) for item in value]
    if isinstance(value, str) and inside:
        return replacer.string(value)
    return value
