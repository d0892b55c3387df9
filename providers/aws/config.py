"""The `provider "aws" {}` block, validated by the engine through the protocol's config hook."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AwsConfig(BaseModel):
    """What the provider block takes.

    region       the AWS region (else the environment's / profile's)
    profile      a named profile from the AWS config files
    endpoint     one URL every service is called at (LocalStack, moto: how the tests run)
    role_arn     the execution role every function uses; fnplan creates a least-privilege
                 role per function when it is not given
    name_prefix  put before every physical name (e.g. an environment: "dev")
    tags         tags put on every object, besides fnplan's own
    max_attempts how many times one AWS call is tried when AWS throttles or answers 5xx
                 (botocore's adaptive mode, jittered exponential backoff); 1 turns retries off
    """

    model_config = ConfigDict(extra="forbid")

    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    profile: str | None = None
    endpoint: str | None = Field(default=None, pattern=r"^https?://")
    role_arn: str | None = Field(default=None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+")
    name_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9-]{0,16}$")
    tags: dict[str, str] = Field(default_factory=dict)
    max_attempts: int = Field(default=10, ge=1, le=50)
