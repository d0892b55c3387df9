"""`fnplan runs` and `fnplan logs` on AWS: the execution logs this project's runs wrote
(providers/aws/runlog.py), read back like the local provider's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnplan.provider import ProviderContext
    from fnplan.run import Execution, LogRecord, RunLogs


class AwsHistory:
    """The RunHistory capability (fnplan.provider) over the project's runs directory."""

    context: ProviderContext

    def executions(self, address: str, limit: int) -> list[Execution]:
        """Executions of `address`, newest first; FnplanError when none is recorded."""
        return self._logs().executions(address, limit)

    def execution_records(
        self, address: str, execution_id: str | None, *, follow: bool
    ) -> tuple[str, Iterator[LogRecord]]:
        """The id and records of one execution (the latest when None)."""
        return self._logs().execution_records(address, execution_id, follow=follow)

    def _logs(self) -> RunLogs:
        from fnplan.run import RunLogs, runs_dir

        return RunLogs(runs_dir(self.context.data_dir))
