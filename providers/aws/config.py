"""The `provider "aws" {}` block, validated by the engine through the protocol's config hook."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_ARN = r"^arn:aws[a-z-]*:"


class DataApiConfig(BaseModel):
    """The Aurora cluster sql steps run on through the RDS Data API, unless a step's
    connection is an rds-data:// URL of its own (providers/aws/sql_target.py)."""

    model_config = ConfigDict(extra="forbid")

    resource_arn: str = Field(pattern=_ARN + r"rds:")
    secret_arn: str = Field(pattern=_ARN + r"secretsmanager:")
    database: str | None = None


class EcsConfig(BaseModel):
    """Where shell steps that name an `image` run as Fargate tasks (providers/aws/ecs_tasks.py)."""

    model_config = ConfigDict(extra="forbid")

    cluster: str
    subnets: list[str] = Field(min_length=1)
    security_groups: list[str] = Field(default_factory=list)
    assign_public_ip: bool = False
    execution_role_arn: str | None = Field(default=None, pattern=_ARN + r"iam::\d{12}:role/.+")
    cpu: int = 256
    memory: int = 512


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
    event_bus    the EventBridge bus events are sent to and event triggers listen on
    data_api     the default Aurora cluster of sql steps (resource_arn, secret_arn, database)
    ecs          the cluster and network of shell steps that name an image
    """

    model_config = ConfigDict(extra="forbid")

    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    profile: str | None = None
    endpoint: str | None = Field(default=None, pattern=r"^https?://")
    role_arn: str | None = Field(default=None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+")
    name_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9-]{0,16}$")
    tags: dict[str, str] = Field(default_factory=dict)
    max_attempts: int = Field(default=10, ge=1, le=50)
    event_bus: str = Field(default="default", pattern=r"^[A-Za-z0-9._-]{1,256}$")
    data_api: DataApiConfig | None = None
    ecs: EcsConfig | None = None
