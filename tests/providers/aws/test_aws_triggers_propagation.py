"""A role fnplan has just created may not be usable yet (IAM is eventually consistent):
the calls that name it are repeated while AWS says so, and only then."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from fnplan.providers.aws.trigger_access import once_role_propagates


def failure(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "CreateSchedule")


class Flaky:
    """Fails with `error` `times` times, then answers."""

    def __init__(self, error: ClientError, times: int) -> None:
        self.error, self.left, self.calls = error, times, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.left:
            self.left -= 1
            raise self.error
        return "made"


def test_a_role_not_usable_yet_is_waited_for() -> None:
    call = Flaky(failure("ValidationException", "The execution role cannot be assumed"), 1)
    assert once_role_propagates(call) == "made" and call.calls == 2


def test_other_errors_and_a_role_that_never_works_are_raised() -> None:
    other = Flaky(failure("ValidationException", "Invalid schedule expression"), 1)
    with pytest.raises(ClientError):
        once_role_propagates(other)
    assert other.calls == 1
    never = Flaky(failure("InvalidParameterValueException", "role lacks sqs:ReceiveMessage"), 99)
    with pytest.raises(ClientError):
        once_role_propagates(never, seconds=0)
    assert never.calls == 1
