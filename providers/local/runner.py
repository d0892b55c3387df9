"""`fnplan run` on the local provider: deployed documents run by the built-in executor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .store import LocalStore

if TYPE_CHECKING:
    from fnplan.provider import ProviderContext
    from fnplan.run import RunOptions, RunResult


class LocalRunner:
    """The WorkflowRunner capability (fnplan.provider.WorkflowRunner) of the local provider."""

    context: ProviderContext

    def run_workflow(self, address: str, input: Any, *, options: RunOptions) -> RunResult:
        """Run the deployed version of workflow `address` on this machine."""
        from fnplan.run import run_workflow
        from fnplan.run.debug import reusable_outputs
        from fnplan.run.history import runs_dir

        store = LocalStore(self.context.data_dir)
        document = store.workflow_document(address)
        log_dir = options.log_dir or runs_dir(self.context.data_dir)
        reuse: dict[str, Any] = {}
        if options.from_step and options.from_execution:
            reuse = reusable_outputs(document, options.from_step, log_dir, options.from_execution)
        return run_workflow(
            document,
            input,
            resolver=store,
            workflows=store,
            log_dir=log_dir,
            execution_id=options.execution_id,
            on_event=options.on_event,
            hooks=options.hooks,
            reuse=reuse,
            tracer_provider=options.tracer_provider,
        )
