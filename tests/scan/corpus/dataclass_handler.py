# ruff: noqa: UP042
# A scan corpus file: the older typing styles are written on purpose.
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class Status(str, Enum):
    OK = "ok"
    FAILED = "failed"


@dataclass
class Job:
    """A batch job to run."""

    name: str
    started: datetime
    tags: list[str] = field(default_factory=list)
    retries: int = 3


@dataclass(frozen=True)
class JobResult:
    status: Status
    messages: list[str] = field(default_factory=list)


def lambda_handler(event: Job, context) -> JobResult:
    """Run one batch job."""
    return JobResult(Status.OK)
