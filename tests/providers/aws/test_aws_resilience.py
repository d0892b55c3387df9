"""The provider's AWS clients retry throttling and 5xx answers with botocore's adaptive mode
(jittered exponential backoff), within a budget the provider block can set; a call that
still fails reports the AWS error code and message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from fnplan.errors import ProviderError
from providers.aws.clients import DEFAULT_MAX_ATTEMPTS, Clients, aws_errors
from providers.aws.config import AwsConfig


class _Failing:
    """A before-send hook answering the first `failures` requests with `status` itself."""

    def __init__(self, failures: int, status: int, code: str) -> None:
        self.failures, self.status, self.code = failures, status, code
        self.sent = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.sent += 1
        if self.sent > self.failures:
            return None
        body = f'{{"__type": "{self.code}", "message": "slow down"}}'.encode()
        return AWSResponse(request.url, self.status, {"x-amzn-ErrorType": self.code}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _lambda(endpoint: str, **config: Any) -> Any:
    clients = Clients(AwsConfig(region="us-east-1", endpoint=endpoint, **config))
    return clients["lambda"]


def test_clients_use_adaptive_retries_with_the_default_budget(aws_endpoint: str) -> None:
    retries = _lambda(aws_endpoint).meta.config.retries
    assert retries == {"mode": "adaptive", "total_max_attempts": DEFAULT_MAX_ATTEMPTS}


@pytest.mark.parametrize(
    ("status", "code"), [(429, "TooManyRequestsException"), (503, "ServiceException")]
)
def test_throttling_and_5xx_are_retried_until_the_call_succeeds(
    aws_endpoint: str, status: int, code: str
) -> None:
    lam = _lambda(aws_endpoint)
    hook = _Failing(2, status, code)
    lam.meta.events.register("before-send.lambda.ListFunctions", hook)
    assert "Functions" in lam.list_functions()
    assert hook.sent == 3


def test_retries_turned_off_report_the_aws_error_code(aws_endpoint: str) -> None:
    lam = _lambda(aws_endpoint, max_attempts=1)
    hook = _Failing(5, 429, "TooManyRequestsException")
    lam.meta.events.register("before-send.lambda.ListFunctions", hook)
    expected = "lambda ListFunctions: TooManyRequestsException: slow down"
    with pytest.raises(ProviderError, match=expected), aws_errors("lambda ListFunctions"):
        lam.list_functions()
    assert hook.sent == 1


def test_the_budget_is_checked_in_the_provider_block() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        AwsConfig(max_attempts=0)
