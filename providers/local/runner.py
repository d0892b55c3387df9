"""`fnplan run` on the local provider: deployed documents run by the built-in executor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .store import LocalStore

if TYPE_CHECKING:
    from fnplan.provider import ProviderContext
    from fnplan.run import RunOptions, RunResult


class LocalRunner:
    """The WorkflowRunner and FunctionInvoker capabilities (fnplan.provider) of the local
    provider."""

    context: ProviderContext

    def run_workflow(self, address: str, input: Any, *, options: RunOptions) -> RunResult:
        """Run the deployed version of workflow `address` on this machine."""
        from fnplan.run import reusable_outputs, run_workflow, runs_dir

        store = LocalStore(self.context.data_dir, self.context.alias)
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
            masked=options.masked,
        )

    def invoke_function(
        self, address: str, input: Any, *, version: str | None, options: RunOptions
    ) -> RunResult:
        """Invoke one deployed version of function `address` (the latest when None) once."""
        from fnplan.run import function_document, run_workflow, runs_dir

        store = LocalStore(self.context.data_dir, self.context.alias)
        if version is None:
            version = store.latest_function_version(address).version
        else:
            store.function_version(address, version)  # an unknown version is an error here
        return run_workflow(
            function_document(address, version),
            input,
            resolver=store,
            workflows=store,
            log_dir=options.log_dir or runs_dir(self.context.data_dir),
            execution_id=options.execution_id,
            on_event=options.on_event,
            workflow_version=version,
            tracer_provider=options.tracer_provider,
            masked=options.masked,
        )
