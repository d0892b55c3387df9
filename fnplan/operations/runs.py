"""Executions of deployed workflows and functions (`run`, `invoke`, `runs`, `logs`): which
provider holds an address, and what it is asked through its declared capabilities.

The engine never reads a provider's run directory: history and logs come from the
provider's "run-history" capability, runs from "run-workflow" / "invoke-function".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnplan.addresses import resolve, shorthand
from fnplan.errors import FnplanError, did_you_mean
from fnplan.operations.deployments import loaded, open_provider

if TYPE_CHECKING:
    from fnplan.config.model import Config
    from fnplan.events.dispatch import TargetResult
    from fnplan.provider import FunctionInvoker, Provider, RunHistory, WorkflowRunner
    from fnplan.run import Execution, LogRecord, RunResult
    from fnplan.state.model import ResourceState, State
    from fnplan.workflow.model import WorkflowDocument
    from fnplan.workspace import Workspace

#: the kinds of address that have executions
RUNNABLE = ("workflow", "function")


def workflow_address(name: str) -> str:
    """`thumbnail` is short for `workflow.thumbnail` (`thumbnail[aws]`: a target's copy)."""
    return shorthand(name, "workflow")


def function_address(name: str) -> str:
    """`resize` is short for `function.resize`."""
    return shorthand(name, "function")


@dataclass(frozen=True)
class Deployed:
    """A deployed workflow or function: its state record, its provider, and the values of
    sensitive variables at the last apply (to mask in output and logs)."""

    record: ResourceState
    provider: Provider
    redact: tuple[str, ...]

    @property
    def document(self) -> WorkflowDocument:
        """The compiled document of a deployed workflow, as recorded in the state."""
        from fnplan.workflow.model import WorkflowDocument

        return WorkflowDocument.model_validate(self.record.attributes["document"])

    def runner(self) -> WorkflowRunner:
        """The provider as a workflow runner ("provider X cannot run workflows" if not)."""
        from fnplan.provider import RUN_WORKFLOW, capability

        return capability(self.provider, RUN_WORKFLOW, self.record.provider)

    def invoker(self) -> FunctionInvoker:
        """The provider as a function invoker ("provider X cannot invoke functions" if not)."""
        from fnplan.provider import INVOKE_FUNCTION, capability

        return capability(self.provider, INVOKE_FUNCTION, self.record.provider)


def deployed(workspace: Workspace, address: str, kind: str) -> Deployed:
    """The deployed `kind` (workflow or function) at `address`; a clean error naming what is
    deployed when the state has no such record."""
    config, state = loaded(workspace)
    names = [r.address for r in state.resources.values() if r.type == kind]
    record = state.resources[resolve(address, names, kind)]  # the one copy of several targets
    provider = open_provider(workspace, config, record.provider)
    return Deployed(record, provider, tuple(state.redact))


def fire_completion(
    workspace: Workspace, address: str, result: RunResult, on_notice: Callable[[str], None]
) -> list[TargetResult]:
    """Start the completion triggers that listen for `address` after its run ended (see
    docs/events.md); providers that cannot deliver events are left out."""
    from fnplan.events.deployments import event_providers
    from fnplan.events.dispatch import fire_completion as fire

    providers = event_providers(workspace, capable_only=True)
    return fire(address, result, providers=providers, on_notice=on_notice)


def run_history(workspace: Workspace, address: str) -> RunHistory:
    """The "run-history" capability of the provider that runs `address`: the one its state
    record names, else (no longer deployed, or not yet) the one the configuration gives it."""
    return _history(workspace, address)[1]


def _history(workspace: Workspace, address: str) -> tuple[str, RunHistory]:
    """run_history, with the address `address` means (the one copy of a workflow deployed to
    one target of several: fnplan.addresses.resolve)."""
    from fnplan.provider import RUN_HISTORY, capability

    config, state = loaded(workspace)
    runnable = [r.address for r in state.resources.values() if r.type in RUNNABLE]
    address = resolve(address, runnable, "workflow", missing_ok=True)
    record = state.resources.get(address)
    provider_address = record.provider if record is not None else None
    if provider_address is None:
        provider_address = _configured_provider(workspace, config, state, address)
    provider = open_provider(workspace, config, provider_address)
    return address, capability(provider, RUN_HISTORY, provider_address)


def executions(workspace: Workspace, address: str, limit: int) -> list[Execution]:
    """`fnplan runs`: executions of `address`, newest first."""
    address, history = _history(workspace, address)
    return history.executions(address, limit)


@dataclass
class ExecutionLog:
    """`fnplan logs`: the records of one execution, optionally of one step only.

    Iterate it for the records; after the iteration, `check_step()` fails when the step
    named none of them (every step of a finished run has records, so that is a typo)."""

    execution_id: str
    records: Iterator[LogRecord]
    step: str | None = None

    def __post_init__(self) -> None:
        self._steps: set[str] = set()

    def __iter__(self) -> Iterator[LogRecord]:
        for record in self.records:
            self._steps.add(record.step or "")
            if self.step is None or record.step == self.step:
                yield record

    def check_step(self) -> None:
        """FnplanError when --step named a step that has no record in this execution."""
        if self.step is None or self.step in self._steps:
            return
        steps = self._steps - {""}
        raise FnplanError(
            f"--step: no step {self.step!r} in execution {self.execution_id}",
            allowed=sorted(steps),
            hint=did_you_mean(self.step, steps),
        )


def execution_log(
    workspace: Workspace,
    address: str,
    execution_id: str | None,
    *,
    step: str | None = None,
    follow: bool = False,
) -> ExecutionLog:
    """The records of one execution of `address` (its latest when `execution_id` is None)."""
    address, history = _history(workspace, address)
    found, records = history.execution_records(address, execution_id, follow=follow)
    return ExecutionLog(found, records, step)


def run_input(
    workspace: Workspace, address: str, input_text: str | None, from_execution: str | None
) -> Any:
    """The input of a new run of `address`: the given JSON text (or @FILE), else that of the
    execution it resumes, else {}."""
    from fnplan.run.input import parse_input

    if input_text is not None:
        return parse_input(input_text)
    if from_execution is not None:
        return execution_input(workspace, address, from_execution)
    return {}


def execution_input(workspace: Workspace, address: str, execution_id: str) -> Any:
    """The input an execution started with (its first record's), for `run --from` without
    `--input`."""
    address, history = _history(workspace, address)
    _, records = history.execution_records(address, execution_id, follow=False)
    first = next(records, None)
    return first.input if first is not None else None


def _configured_provider(workspace: Workspace, config: Config, state: State, address: str) -> str:
    """The provider the configuration deploys `address` to; an address that is neither
    deployed nor configured has no runs anywhere."""
    desired = workspace.compile(config, state)
    resource = desired.resources.get(address)
    if resource is not None:
        return resource.provider
    known = sorted(
        {r.address for r in state.resources.values() if r.type in RUNNABLE}
        | {r.address for r in desired.resources.values() if r.type in RUNNABLE}
    )
    raise FnplanError(
        f"no runs of {address} are recorded: it is neither deployed nor in the configuration",
        allowed=known,
        hint=did_you_mean(address, known),
    )
