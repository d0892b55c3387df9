"""The aws provider against the protocol's conformance kit, on moto in server mode, for every
resource type it deploys: declarations; per type the lifecycle (code changed after planning
refused, create, update, the stored version intact, drift made with boto3, repair, delete),
with import by ARN where AWS has tags to tell fnplan's objects apart (functions, state
machines, rules); and concurrent calls from several threads.

A runtime's AWS object is the layer of its `packages` (a runtime without packages has none),
so the runtime sample has packages; its layer is built once per session (a shared cache). An
event has no AWS object at all (a detail-type on the default bus): only its declaration is
checked. Triggers are checked as a schedule (Scheduler) and as an event rule (imported)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, cast

import boto3
import pytest

from fnplan.provider import Provider, ProviderContext
from fnplan.state.model import ResourceState
from fnplan.testing.providers import (
    KitCase,
    Sample,
    check_concurrency,
    check_declarations,
    check_resource,
)
from providers.aws.provider import AwsProvider
from tests.providers.conformance_samples import event, samples, trigger

PACKAGES = ["six==1.16.0"]
#: an event is a detail-type on the default bus: AWS holds no object for it to drift or delete
DEPLOYED = sorted(set(AwsProvider.resource_schemas) - {"event"})
#: objects that take no tags, so another configuration's cannot be told apart: runtimes'
#: layers and schedule triggers' Scheduler schedules (the issue imports functions, state
#: machines and rules)
NOT_IMPORTED = {"runtime", "trigger"}


@pytest.fixture(scope="session")
def layer_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of built layers for the session: pip runs once for PACKAGES."""
    return tmp_path_factory.mktemp("aws-cache")


@pytest.fixture
def case(tmp_path: Path, aws_endpoint: str, layer_cache: Path) -> KitCase:
    config: dict[str, Any] = {
        "region": "us-east-1",
        "endpoint": aws_endpoint,
        "name_prefix": f"k{tmp_path.name[-6:].replace('_', '')}",
    }

    def provider(lineage: str) -> Provider:
        context = ProviderContext(
            project_dir=tmp_path,
            data_dir=tmp_path / ".fnplan",
            config=config,
            lineage=lineage,
            cache_dir=layer_cache,
        )
        return cast(Provider, AwsProvider(context))  # its ClassVars are narrower types

    def drift(provider: Provider, state: ResourceState) -> None:
        """An edit in the console: the function's memory, the state machine's definition, a
        layer version published by hand with the runtime's content hash."""
        if state.type == "function":
            lam = boto3.client("lambda", endpoint_url=aws_endpoint, region_name="us-east-1")
            lam.update_function_configuration(FunctionName=state.outputs["name"], MemorySize=1024)
            return
        if state.type == "runtime":
            lam = boto3.client("lambda", endpoint_url=aws_endpoint, region_name="us-east-1")
            name = str(state.outputs["layer_arn"]).split(":")[6]
            ours = lam.list_layer_versions(LayerName=name)["LayerVersions"][0]
            lam.publish_layer_version(
                LayerName=name,
                Description=ours["Description"],
                Content={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},  # an empty zip
            )
            return
        if state.type == "trigger" and "rule" in state.outputs["objects"]:
            pattern = {"detail-type": ["edited.in.the.console"]}
            events = boto3.client("events", endpoint_url=aws_endpoint, region_name="us-east-1")
            events.put_rule(Name=state.outputs["objects"]["rule"], EventPattern=json.dumps(pattern))
            return
        if state.type == "trigger":
            scheduler = boto3.client(
                "scheduler", endpoint_url=aws_endpoint, region_name="us-east-1"
            )
            found = scheduler.get_schedule(Name=state.outputs["objects"]["schedule"])
            scheduler.update_schedule(
                Name=found["Name"],
                ScheduleExpression="cron(0 5 * * ? *)",
                FlexibleTimeWindow=found["FlexibleTimeWindow"],
                Target=found["Target"],
            )
            return
        sfn = boto3.client("stepfunctions", endpoint_url=aws_endpoint, region_name="us-east-1")
        edited = {"StartAt": "Edited", "States": {"Edited": {"Type": "Succeed"}}}
        sfn.update_state_machine(
            stateMachineArn=state.outputs["arn"], definition=json.dumps(edited)
        )

    return KitCase(
        provider=provider,
        samples=[
            sample
            for sample in samples(tmp_path / "src", PACKAGES, replacements=True)
            if sample.resource.type in DEPLOYED
        ],
        drift=drift,
        import_id=lambda state: str(state.outputs["arn"]),
    )


def test_declarations(case: KitCase) -> None:
    check_declarations(dataclasses.replace(case, samples=_with_events(case)))


@pytest.mark.parametrize("type_", DEPLOYED)
def test_resource_lifecycle(case: KitCase, type_: str) -> None:
    if type_ in NOT_IMPORTED:
        case = dataclasses.replace(case, import_id=None)
    check_resource(case, type_)


def test_event_trigger_lifecycle_and_import(case: KitCase) -> None:
    """An event trigger is an EventBridge rule, which import adopts by ARN."""
    rule = trigger(kind="event", schedule=None, event_type="com.example.e")
    sample = Sample(rule, trigger(kind="event", schedule=None, event_type="com.example.f"))
    check_resource(dataclasses.replace(case, samples=[sample]), "trigger")


def test_concurrent_calls(case: KitCase) -> None:
    check_concurrency(case)


def _with_events(case: KitCase) -> list[Sample]:
    """The samples, and an event's, which declarations check too."""
    return [*case.samples, Sample(event(), event(schema={"type": "object"}))]
