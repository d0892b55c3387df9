"""Runs moto's server (`python tests/moto_jsonata.py -H 127.0.0.1 -p PORT`) with a JSONata
engine for its Step Functions interpreter.

moto's ASL interpreter (LocalStack's) evaluates JSONata through one function, which LocalStack
backs with the reference implementation in a JVM and moto leaves unset; here it is backed by
jsonata-python, so that state machines in the JSONata query language (what the aws provider
generates) really run in moto. Nothing else of moto or boto3 is changed.
"""

from __future__ import annotations

import sys
from typing import Any

import jsonata  # type: ignore[import-untyped]
from moto.server import main
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata


def _evaluate(expression: str) -> Any:
    """moto composes each evaluation (variables bound, then the expression) into one text."""
    return jsonata.Jsonata(expression).evaluate(None)


if __name__ == "__main__":
    moto_jsonata._eval_jsonata = _evaluate
    main(sys.argv[1:])
