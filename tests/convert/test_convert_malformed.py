"""Documents that look like a format but hold values of the wrong shape: every such element
is listed as not converted (the rest still converts); never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Runner

MALFORMED = {
    "list_of_functions.yml": "service: x\nprovider: {name: aws}\nfunctions: [1, 2]\n",
    "odd_events.yml": (
        "service: x\nprovider: {name: aws}\n"
        "functions:\n  f: {handler: a.b, events: [{http: 3}, {s3: [1]}, 7]}\n"
        "stepFunctions: {stateMachines: {m: {definition: {StartAt: A, States: {A: 5}}}}}\n"
    ),
    "sam.yaml": (
        "Transform: AWS::Serverless-2016-10-31\nGlobals: 3\nResources:\n"
        "  F: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Events: [1]}}\n"
    ),
    "knative.yaml": (
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: 3\n"
        "spec: {template: {spec: {containers: [3]}}}\n"
    ),
    "sw.yaml": (
        "document: {dsl: '1.0.0', name: 5}\n"
        "do: [3, {a: 4}, {b: {switch: 3}}, {c: {try: 3, catch: 4}}, {d: {fork: {branches: 3}}}]\n"
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_elements_are_listed(fnplan: Runner, tmp_path: Path, name: str) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_text(MALFORMED[name])
    result = fnplan("convert", f"in/{name}", "-o", "out", cwd=tmp_path, check=None)
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), output
    assert "internal error" not in output and "Traceback" not in output, output
    assert "not of the shape this format has" in output, output
