"""Drafts: workflow steps with absolute addresses, between the evaluated Config and the
final WorkflowDocument (inline nesting and isolation work on these)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, cast

from fnplan.compile.exprs import Rewrite, rewrite_value, step_references
from fnplan.compile.index import Entry, Index
from fnplan.compile.schemas import SchemaFiles
from fnplan.config.model import RetryPolicy, Step, Workflow
from fnplan.workflow.model import (
    Catch,
    HttpTask,
    NodeType,
    Resources,
    Retry,
    ShellTask,
    SqlTask,
)


@dataclass(slots=True)
class Draft:
    """One step: `function`/`workflow` are absolute addresses; `pin` is N of versions[N]."""

    name: str
    type: NodeType
    pos: str | None
    positions: dict[str, str] = field(default_factory=dict)
    function: str | None = None
    pin: int | None = None
    workflow: str | None = None
    nesting: str = "call"
    sql: SqlTask | None = None
    shell: ShellTask | None = None
    http: HttpTask | None = None
    input: Any = None
    when: Any = None
    depends_on: list[str] = field(default_factory=list)
    retry: Retry = field(default_factory=Retry)
    catch: list[Catch] = field(default_factory=list)
    resources: Resources | None = None

    def pos_of(self, attribute: str) -> str | None:
        """Position of one attribute of the step, falling back to the step's."""
        return self.positions.get(attribute, self.pos)

    def data_values(self) -> list[Any]:
        """Every value that may read other steps' outputs as data (everything but `when`)."""
        values: list[Any] = [self.input]
        if self.sql is not None:
            values += [self.sql.connection, self.sql.params]
        if self.http is not None:
            values += [self.http.url, self.http.headers, self.http.body]
        if self.shell is not None:
            values.append(self.shell.env)
        return values

    def predecessors(self) -> set[str]:
        """Steps this one waits for: depends_on, data and conditional references."""
        found = set(self.depends_on)
        for value in [*self.data_values(), self.when]:
            found.update(str(path[0]) for path in step_references(value))
        return found

    def rewritten(self, rewrite: Rewrite) -> Draft:
        """A copy with every run-time expression rewritten."""
        changes: dict[str, Any] = {
            "input": rewrite_value(self.input, rewrite),
            "when": rewrite_value(self.when, rewrite),
        }
        if self.sql is not None:
            changes["sql"] = self.sql.model_copy(
                update={
                    "connection": rewrite_value(self.sql.connection, rewrite),
                    "params": rewrite_value(self.sql.params, rewrite),
                }
            )
        if self.http is not None:
            changes["http"] = self.http.model_copy(
                update={
                    "url": rewrite_value(self.http.url, rewrite),
                    "headers": rewrite_value(self.http.headers, rewrite),
                    "body": rewrite_value(self.http.body, rewrite),
                }
            )
        if self.shell is not None:
            changes["shell"] = self.shell.model_copy(
                update={"env": rewrite_value(self.shell.env, rewrite)}
            )
        return dataclasses.replace(self, **changes)


@dataclass(slots=True)
class DraftWorkflow:
    """A workflow's steps (in declaration order) and output, before isolation is applied."""

    address: str
    entry: Entry[Workflow]
    input_schema: dict[str, Any] | None
    output_schema: dict[str, Any] | None
    steps: dict[str, Draft]
    output: Any


def draft_workflow(entry: Entry[Workflow], index: Index, schemas: SchemaFiles) -> DraftWorkflow:
    """The draft of a validated workflow block."""
    workflow = entry.block
    return DraftWorkflow(
        address=entry.address,
        entry=entry,
        input_schema=schemas.load(workflow.input_schema, workflow.pos_of("input_schema")),
        output_schema=schemas.load(workflow.output_schema, workflow.pos_of("output_schema")),
        steps={name: _draft_step(step, entry, index) for name, step in workflow.steps.items()},
        output=workflow.output,
    )


def _draft_step(step: Step, entry: Entry[Workflow], index: Index) -> Draft:
    draft = Draft(
        name=step.name,
        type=cast(NodeType, step.node_type),  # validated: exactly one node kind
        pos=step.pos,
        positions=dict(step.positions),
        nesting=step.nesting,
        input=step.input,
        when=step.when,
        depends_on=[ref.name for ref in step.depends_on],
        retry=_retry(step.retry),
        catch=[Catch(errors=list(rule.errors), next=rule.next.name) for rule in step.catch],
    )
    if step.resources is not None:
        draft.resources = Resources(**step.resources.model_dump(exclude={"pos", "positions"}))
        draft.positions.setdefault("resources", step.resources.pos or step.pos or "")
    if step.function is not None:
        draft.function = index.resolve(entry.config, step.function, ("function",), step.name)
        draft.pin = step.function.version
        draft.positions["function"] = step.function.pos or step.pos_of("function") or ""
    elif step.workflow is not None:
        draft.workflow = index.resolve(entry.config, step.workflow, ("workflow",), step.name)
        draft.positions["workflow"] = step.workflow.pos or step.pos_of("workflow") or ""
    elif step.sql is not None:
        draft.sql = SqlTask(statement=step.sql, connection=step.connection, params=step.params)
    elif step.shell is not None:
        draft.shell = ShellTask(
            script=step.shell.script, image=step.shell.image, env=step.shell.env
        )
    elif step.http is not None:
        http = step.http
        draft.http = HttpTask(
            url=http.url,
            method=http.method,
            headers=http.headers,
            body=http.body,
            timeout=http.timeout,
        )
    return draft


def _retry(policy: RetryPolicy) -> Retry:
    if policy == _DEFAULT_POLICY:
        return _DEFAULT_RETRY
    return Retry(
        max_attempts=policy.max_attempts,
        backoff=policy.backoff,
        interval=policy.interval,
        max_interval=policy.max_interval,
        errors=list(policy.errors),
    )


_DEFAULT_POLICY = RetryPolicy()
_DEFAULT_RETRY = Retry()
