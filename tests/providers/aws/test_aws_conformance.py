"""The aws provider against the protocol's conformance kit, on moto in server mode: the
lifecycle of a function and of a workflow (code changed after planning refused, create,
update, the stored version intact, drift made with boto3, repair, replace, delete)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import boto3
import pytest

from fnplan.provider import Provider, ProviderContext
from fnplan.state.model import ResourceState
from fnplan.testing.providers import KitCase, check_resource
from providers.aws.provider import AwsProvider
from tests.providers.conformance_samples import samples


@pytest.fixture
def case(tmp_path: Path, aws_endpoint: str) -> KitCase:
    config: dict[str, Any] = {
        "region": "us-east-1",
        "endpoint": aws_endpoint,
        "name_prefix": f"k{tmp_path.name[-6:].replace('_', '')}",
    }

    def provider(lineage: str) -> Provider:
        context = ProviderContext(
            project_dir=tmp_path, data_dir=tmp_path / ".fnplan", config=config, lineage=lineage
        )
        return cast(Provider, AwsProvider(context))  # its ClassVars are narrower types

    def drift(provider: Provider, state: ResourceState) -> None:
        """An edit in the console: the function's memory, the state machine's definition."""
        if state.type == "function":
            lam = boto3.client("lambda", endpoint_url=aws_endpoint, region_name="us-east-1")
            lam.update_function_configuration(FunctionName=state.outputs["name"], MemorySize=1024)
            return
        sfn = boto3.client("stepfunctions", endpoint_url=aws_endpoint, region_name="us-east-1")
        edited = {"StartAt": "Edited", "States": {"Edited": {"Type": "Succeed"}}}
        sfn.update_state_machine(
            stateMachineArn=state.outputs["arn"], definition=json.dumps(edited)
        )

    return KitCase(
        provider=provider,
        samples=samples(tmp_path / "src", [], replacements=True),
        drift=drift,
        import_id=None,  # import_object does not pass the kit yet (source_hash, version)
    )


@pytest.mark.parametrize("type_", ["function", "workflow"])
def test_resource_lifecycle(case: KitCase, type_: str) -> None:
    check_resource(case, type_)
