"""The "run-history" capability over a provider's run directory, for providers whose runs write
their execution logs under the workspace's data directory (<data_dir>/runs): the local
provider, and the aws provider for the runs this project started."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnplan.provider import ProviderContext
    from fnplan.run import Execution, LogRecord, RunLogs


class RunDirectoryHistory:
    """RunHistory (fnplan.provider) over `self.context.data_dir`/runs; a mixin for providers."""

    context: ProviderContext

    def executions(self, address: str, limit: int) -> list[Execution]:
        """Executions of `address`, newest first (FnplanError when none is recorded)."""
        return self._logs().executions(address, limit)

    def execution_records(
        self, address: str, execution_id: str | None, *, follow: bool
    ) -> tuple[str, Iterator[LogRecord]]:
        """One execution's id and records (the latest when None), followed with `follow`."""
        return self._logs().execution_records(address, execution_id, follow=follow)

    def _logs(self) -> RunLogs:
        from fnplan.run import RunLogs, runs_dir  # the executor's modules: only when asked

        return RunLogs(runs_dir(self.context.data_dir))
