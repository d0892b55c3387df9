"""boto3 clients for the provider, made once per service and shared by its threads, and the
translation of AWS errors into ProviderError (the platform's own message, no traceback)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from fnplan.errors import ProviderError

from .config import AwsConfig

#: tries of one call by default: adaptive mode backs off up to 20 s a try, ~1.5 min at most
DEFAULT_MAX_ATTEMPTS = AwsConfig.model_fields["max_attempts"].default


class Clients:
    """The AWS services one provider configuration talks to."""

    def __init__(self, config: AwsConfig) -> None:
        self.config = config
        self._mutex = threading.Lock()
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._account: str | None = None
        self._account_mutex = threading.Lock()

    def __getitem__(self, service: str) -> Any:
        """The client of `service` ("lambda", "iam", "stepfunctions", ...). Made under the
        lock (a boto3 session is not thread-safe); found without it, so that a thread whose
        client exists never waits while another thread makes a different one."""
        client = self._clients.get(service)
        if client is None:
            with self._mutex:
                client = self._clients.get(service)
                if client is None:
                    client = self._clients[service] = self._boto_session().client(
                        service, endpoint_url=self.config.endpoint, config=self._retries()
                    )
        return client

    @property
    def region(self) -> str:
        region = self["sts"].meta.region_name
        if not region:
            raise ProviderError(
                "the aws provider has no region",
                hint='set region = "..." in the provider block, or AWS_REGION',
            )
        return str(region)

    @property
    def account(self) -> str:
        """The account the credentials belong to (for ARNs the provider composes), asked
        once: the first thread asks while the others wait for its answer."""
        with self._account_mutex:
            if self._account is None:
                with aws_errors("sts GetCallerIdentity"):
                    self._account = str(self["sts"].get_caller_identity()["Account"])
            return self._account

    def _retries(self) -> Any:
        """Throttling and 5xx answers retried with jittered backoff; adaptive mode also slows
        this client's own request rate after throttling (many threads share it)."""
        from botocore.config import Config

        return Config(retries={"mode": "adaptive", "total_max_attempts": self.config.max_attempts})

    def _boto_session(self) -> Any:
        if self._session is None:
            import boto3

            self._session = boto3.Session(
                profile_name=self.config.profile, region_name=self.config.region
            )
        return self._session


def error_code(exc: Exception) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def aws_errors(what: str) -> Iterator[None]:
    """AWS failures as ProviderError "WHAT: CODE: message"."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        raise ProviderError(f"{what}: {error_code(exc)}: {message}") from None
    except BotoCoreError as exc:
        raise ProviderError(f"{what}: {exc}") from None


@contextlib.contextmanager
def unless_missing(what: str) -> Iterator[None]:
    """Like aws_errors, but an error saying the object does not exist is no error (deletes
    are idempotent)."""
    from botocore.exceptions import ClientError

    with aws_errors(what):
        try:
            yield
        except ClientError as exc:
            if not missing(exc):
                raise


def missing(exc: Exception) -> bool:
    """Whether an AWS error says the object does not exist."""
    return error_code(exc) in {
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NoSuchEntityException",
        "StateMachineDoesNotExist",
        "NotFoundException",
        "404",
    }
