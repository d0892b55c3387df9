"""Node types a step can be: each module prepares a request from the step and runs one attempt.

`prepare(step, resolve) -> (request, logged_input)` evaluates the step's run-time values once
per step (logged_input leaves out secrets such as connection URLs, headers and env);
`run(request, ctx) -> output` performs one attempt and raises StepFailure when it fails.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, Protocol, cast

from fnplan.run.context import AttemptContext
from fnplan.workflow.model import NodeType, Step

Resolve = Callable[[Any], Any]


class NodeRunner(Protocol):
    """The interface every module of this package provides."""

    def prepare(self, step: Step, resolve: Resolve) -> tuple[Any, Any]: ...
    def run(self, request: Any, ctx: AttemptContext) -> Any: ...


def node_runner(node_type: NodeType) -> NodeRunner:
    """The runner module of a node type (imported on first use: sql pulls in SQLAlchemy)."""
    return cast(NodeRunner, import_module(f"fnplan.run.nodes.{node_type}"))
