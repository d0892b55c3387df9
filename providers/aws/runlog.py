"""The execution log of a run on AWS: fnplan.run's RunLog, shared with the other providers
that follow runs on their platform (one JSON line per fnplan.run.LogRecord)."""

from fnplan.run import RunLog, new_execution_id

__all__ = ["RunLog", "new_execution_id"]
