"""Building Workflow models: steps with their node type, run-time expressions kept symbolic,
`depends_on` and `catch { next }` resolved against the workflow's own step names."""

from __future__ import annotations

from typing import Any

from fnplan.config.blocks import make, nested
from fnplan.config.evaluate import Evaluator
from fnplan.config.model import (
    CatchRule,
    HttpSpec,
    RetryPolicy,
    ShellSpec,
    Step,
    StepResources,
    Workflow,
)
from fnplan.config.schema import TOP_LEVEL, BlockSchema
from fnplan.config.scope import Namespace
from fnplan.config.syntax import Block
from fnplan.errors import ConfigError
from fnplan.expr.values import is_pending, type_name

_WORKFLOW = TOP_LEVEL["workflow"]
_STEP = _WORKFLOW.blocks["step"]
_NODE_TYPES = ("function", "workflow", "sql", "shell", "http")
_ONLY_FOR = {"connection": "sql", "params": "sql", "nesting": "workflow"}
_SPECS: dict[str, Any] = {
    "shell": ShellSpec,
    "http": HttpSpec,
    "retry": RetryPolicy,
    "resources": StepResources,
}


def build_workflow(ev: Evaluator, name: str, block: Block) -> Workflow:
    """One workflow block with its steps, input schema and output."""
    step_blocks = _step_blocks(block)
    steps = Namespace("step", step_blocks, "", f' in workflow "{name}"')
    fields = ev.body(block.body, _WORKFLOW.attributes, steps)
    if "target" in fields:
        if "targets" in fields:
            raise ConfigError(
                "set either target or targets, not both",
                pos=block.body.attributes["targets"].pos,
            )
        fields["targets"] = [fields.pop("target")]
    input_block = nested(block, "input")
    if input_block is not None:
        values = ev.body(input_block.body, _WORKFLOW.blocks["input"].attributes)
        if "schema" in values:
            fields["input_schema"] = values["schema"]
    fields["steps"] = {
        step_name: _build_step(ev, step_name, step_block, steps)
        for step_name, step_block in step_blocks.items()
    }
    return make(Workflow, block, name=name, **fields)


def _step_blocks(block: Block) -> dict[str, Block]:
    found: dict[str, Block] = {}
    for child in block.body.blocks:
        if child.type != "step":
            continue
        name = child.labels[0]
        if name in found:
            raise ConfigError(
                f"step {name!r} is defined twice: at {found[name].pos} and at {child.pos}",
                pos=child.pos,
            )
        found[name] = child
    return found


def _build_step(ev: Evaluator, name: str, block: Block, steps: Namespace) -> Step:
    fields = ev.body(block.body, _STEP.attributes, steps)
    for child in block.body.blocks:
        schema: BlockSchema = _STEP.blocks[child.type]
        values = ev.body(child.body, schema.attributes, steps)
        if child.type == "catch":
            fields.setdefault("catch", []).append(make(CatchRule, child, **values))
        else:
            fields[child.type] = make(_SPECS[child.type], child, **values)
    kinds = [kind for kind in _NODE_TYPES if kind in fields]
    if len(kinds) != 1:
        found = f"found {', '.join(kinds)}" if kinds else "found none"
        raise ConfigError(
            f'step "{name}" must have exactly one of function, workflow, sql, shell '
            f"or http; {found}",
            pos=block.pos,
            allowed=_NODE_TYPES,
        )
    _check_node_attributes(name, block, kinds[0], fields)
    return make(Step, block, name=name, **fields)


def _check_node_attributes(name: str, block: Block, kind: str, fields: dict[str, Any]) -> None:
    """Attributes of one node kind appear only on it, an sql step has its connection, and a
    `when` known at plan time is a bool."""
    attributes = block.body.attributes
    for attribute, owner in _ONLY_FOR.items():
        if attribute in fields and kind != owner:
            raise ConfigError(
                f'{attribute} is only for {owner} steps; step "{name}" is a {kind} step',
                pos=attributes[attribute].expr.pos,
            )
    if kind == "sql" and "connection" not in fields:
        raise ConfigError(
            f'sql step "{name}" has no connection',
            pos=block.pos,
            hint='set connection = "<database URL>", e.g. "sqlite:///data.db"',
        )
    when = fields.get("when", True)
    if not isinstance(when, bool) and not is_pending(when):
        raise ConfigError(
            f"when: expected bool, got {type_name(when)}", pos=attributes["when"].expr.pos
        )
