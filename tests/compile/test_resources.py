"""Events, triggers, outputs and provider assignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.compile.compile import compile_config
from fnplan.config.model import Event, Output, ProviderConfig, Trigger, TriggerSource
from fnplan.errors import ConfigError, ErrorList
from tests.compile.builders import config, function, ref, step, workflow


def _flow(isolation: str = "shared", targets: list[str] = ()) -> list:  # type: ignore[assignment]
    steps = [step("go", function=ref("function.resize"))]
    return [workflow("w", steps, isolation=isolation, targets=[ref(t) for t in targets])]


def test_event_and_trigger_resources(tmp_path: Path) -> None:
    triggers = [
        Trigger(name="upload", event=ref("event.uploaded"), target=ref("workflow.w"),
                source=TriggerSource(kind="storage", config={"bucket": "images", "prefix": "in/"})),
        Trigger(name="on_event", event=ref("event.uploaded"), target=ref("function.resize")),
        Trigger(name="after", on_completion=ref("workflow.w"), target=ref("function.resize")),
        Trigger(name="nightly", schedule="0 2 * * *", target=ref("workflow.w"), input={"n": 1.0}),
    ]  # fmt: skip
    events = {"uploaded": Event(name="uploaded", type="com.x.up")}
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")], workflows=_flow(),
                 triggers=triggers, events=events)  # fmt: skip
    resources = compile_config(cfg).resources
    assert resources["event.uploaded"].attributes == {
        "name": "uploaded", "type": "com.x.up", "schema": None, "source": None,
    }  # fmt: skip
    upload = resources["trigger.upload"]
    assert upload.attributes["kind"] == "storage"
    assert upload.attributes["source"] == {
        "kind": "storage",
        "config": {"bucket": "images", "prefix": "in/"},
    }
    assert upload.attributes["event_type"] == "com.x.up"
    assert upload.depends_on == ["event.uploaded", "workflow.w"]
    assert resources["trigger.on_event"].attributes["kind"] == "event"
    assert resources["trigger.on_event"].attributes["target_type"] == "function"
    after = resources["trigger.after"]
    assert after.attributes["kind"] == "completion"
    assert after.attributes["on_completion"] == "workflow.w"
    nightly = resources["trigger.nightly"].attributes
    assert nightly["kind"] == "schedule" and nightly["input"] == {"n": 1}


def test_trigger_errors_are_reported_together(tmp_path: Path) -> None:
    triggers = [
        Trigger(name="nowhere", schedule="* * * * *", target=ref("workflow.nope"), pos="t.hcl:1:1"),
        Trigger(name="nothing", target=ref("workflow.w"), pos="t.hcl:5:1"),
    ]
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")], workflows=_flow(),
                 triggers=triggers)  # fmt: skip
    with pytest.raises(ErrorList) as caught:
        compile_config(cfg)
    text = caught.value.render()
    assert "'workflow.nope', which is not a declared workflow or function" in text
    assert "t.hcl:5:1: error: trigger.nothing must be fired by exactly one of" in text


def test_outputs_keep_their_refs(tmp_path: Path) -> None:
    outputs = [Output(name="url", value={"$ref": "workflow.w", "attr": "endpoint"}, sensitive=True)]
    cfg = config(
        tmp_path, functions=[function(tmp_path, "resize")], workflows=_flow(), outputs=outputs
    )
    spec = compile_config(cfg).outputs["url"]
    assert spec.value == {"$ref": "workflow.w", "attr": "endpoint"} and spec.sensitive


def test_the_only_remote_provider_is_the_default(tmp_path: Path) -> None:
    providers = [
        ProviderConfig(name="aws", config={"region": "us-east-1"}),
        ProviderConfig(name="local"),
    ]
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")], workflows=_flow(),
                 providers=providers)  # fmt: skip
    desired = compile_config(cfg)
    assert {r.provider for r in desired.resources.values()} == {"aws"}
    assert set(desired.providers) == {"aws", "local"}


def test_workflow_target_decides_its_functions_provider(tmp_path: Path) -> None:
    providers = [ProviderConfig(name="aws"), ProviderConfig(name="aws", alias="west")]
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")],
                 workflows=_flow(targets=["provider.aws.west"]), providers=providers)  # fmt: skip
    resources = compile_config(cfg).resources
    assert resources["workflow.w"].provider == "aws.west"
    assert resources["function.resize"].provider == "aws.west"
    assert resources["runtime.python"].provider == "aws.west"


def test_shared_function_on_two_providers_gets_a_copy_on_each(tmp_path: Path) -> None:
    """Workflows on different providers calling one shared function: one copy per provider
    (tests/compile/test_targets.py covers several targets in depth)."""
    providers = [ProviderConfig(name="aws")]
    flows = [
        workflow("a", [step("go", function=ref("function.resize"))], targets=[ref("provider.aws")]),
        workflow(
            "b", [step("go", function=ref("function.resize"))], targets=[ref("provider.local")]
        ),
    ]
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")], workflows=flows,
                 providers=providers)  # fmt: skip
    resources = compile_config(cfg).resources
    assert resources["function.resize[aws]"].provider == "aws"
    assert resources["function.resize[local]"].provider == "local"
    assert "function.resize" not in resources
    flows[1].isolation = "dedicated"
    resources = compile_config(cfg).resources
    assert resources["workflow.b.function.resize"].provider == "local"
    assert resources["function.resize"].provider == "aws"


def test_unknown_target_provider_is_an_error(tmp_path: Path) -> None:
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")],
                 workflows=_flow(targets=["provider.gcp"]))  # fmt: skip
    with pytest.raises(ConfigError, match="has no provider block"):
        compile_config(cfg)
