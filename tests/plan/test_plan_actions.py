"""make_plan: actions, reasons, replacement, targets, destroy, outputs and scale."""

from __future__ import annotations

import pytest

from fnplan.errors import PlanError
from fnplan.plan.model import Plan, ResourceChange
from fnplan.plan.planner import make_plan
from fnplan.resources import Resource
from tests.plan.helpers import desired, recorded, res, state_of
from tests.plan.memory import MemoryProvider

PROVIDERS = {"memory": MemoryProvider()}

RUNTIME = res("runtime.python", language="python3.12", memory=256)
RESIZE = res(
    "function.resize",
    ("runtime.python",),
    name="resize",
    source_hash="sha256:aaa",
    version="1111aaaa2222bbbb",
    memory=256,
    timeout=30,
    env={"LOG_FORMAT": "json"},
)


def _workflow(version: str, isolation: str = "shared", extra_step: bool = False) -> Resource:
    steps = [
        {
            "name": "resize",
            "type": "function",
            "function": {"address": "function.resize", "version": version},
        }
    ]
    if extra_step:
        steps.append({"name": "notify", "type": "http", "http": {"url": "https://x"}})
    return res(
        "workflow.thumbnail",
        ("function.resize",),
        name="thumbnail",
        isolation=isolation,
        document={"name": "thumbnail", "steps": steps, "edges": []},
    )


def _by_address(plan: Plan) -> dict[str, ResourceChange]:
    return {change.address: change for change in plan.changes}


def test_create_update_delete_noop_with_reasons() -> None:
    old_fn = RESIZE
    new_fn = res(
        "function.resize",
        ("runtime.python",),
        name="resize",
        source_hash="sha256:bbb",
        version="3333cccc4444dddd",
        memory=512,
        timeout=60,
        env={"LOG_FORMAT": "text"},
    )
    gone = res("event.legacy", type="com.example.legacy")
    new_event = res("event.uploaded", type="com.example.uploaded")
    plan = make_plan(
        desired(RUNTIME, new_fn, new_event),
        state_of(RUNTIME, old_fn, gone),
        providers=PROVIDERS,
    )
    changes = _by_address(plan)
    assert changes["runtime.python"].action == "noop"
    assert changes["event.uploaded"].action == "create"
    assert changes["event.legacy"].action == "delete"
    assert changes["event.legacy"].reasons == ["not in configuration"]
    update = changes["function.resize"]
    assert update.action == "update"
    assert update.reasons == [
        "code changed",
        "configuration changed: env, memory, timeout",
        "publishes a new version (1111aaaa2222 → 3333cccc4444)",
        "keeps the newest versions",
    ]
    paths = {c.path: (c.before, c.after) for c in update.changes}
    assert paths["env.LOG_FORMAT"] == ("json", "text")
    assert paths["memory"] == (256, 512)
    assert plan.summary.model_dump() == {"add": 1, "change": 1, "destroy": 1, "imported": 0}
    assert [c.action for c in plan.changes][:1] == ["delete"]  # deletes first
    assert plan.lineage and plan.serial == 4 and plan.config_hash == "sha256:test"


def test_workflow_reasons_name_new_function_version_isolation_and_steps() -> None:
    before = _workflow("v1")
    after = _workflow("v2", isolation="dedicated", extra_step=True)
    plan = make_plan(desired(RESIZE, after), state_of(RESIZE, before))
    change = _by_address(plan)["workflow.thumbnail"]
    assert change.action == "update"
    assert change.reasons == [
        "isolation shared→dedicated",
        "uses function.resize at version v2 (was v1)",
        "steps changed: added notify",
    ]
    assert "document.steps[0].function.version" in {c.path for c in change.changes}
    assert "document.steps[1]" in {c.path for c in change.changes}


def test_replace_trigger_forces_replacement_and_create_before_destroy_with_dependents() -> None:
    runtime = res("runtime.python", language="python3.13", memory=256)
    plan = make_plan(desired(runtime, RESIZE), state_of(RUNTIME, RESIZE), providers=PROVIDERS)
    change = _by_address(plan)["runtime.python"]
    assert change.action == "replace"
    assert "forces replacement: language" in change.reasons
    assert change.create_before_destroy  # function.resize depends on it
    assert [c.forces_replacement for c in change.changes] == [True]
    assert plan.summary.model_dump() == {"add": 1, "change": 0, "destroy": 1, "imported": 0}


def test_replace_without_dependents_is_destroy_then_create() -> None:
    renamed = res(
        "function.resize", ("runtime.python",), **{**RESIZE.attributes, "name": "resize2"}
    )
    plan = make_plan(desired(RUNTIME, renamed), state_of(RUNTIME, RESIZE), providers=PROVIDERS)
    change = _by_address(plan)["function.resize"]
    assert change.action == "replace" and not change.create_before_destroy


def test_replace_option_and_provider_move() -> None:
    moved = RESIZE.model_copy(update={"provider": "memory.west"})
    plan = make_plan(desired(RUNTIME, moved), state_of(RUNTIME, RESIZE), replace=["runtime.python"])
    changes = _by_address(plan)
    assert changes["runtime.python"].action == "replace"
    assert changes["runtime.python"].reasons == ["--replace requested"]
    assert changes["function.resize"].action == "replace"
    assert changes["function.resize"].reasons == ["moves from provider memory to memory.west"]
    with pytest.raises(PlanError, match=r"--replace function\.resise") as error:
        make_plan(desired(RUNTIME, RESIZE), state_of(RUNTIME), replace=["function.resise"])
    assert error.value.hint == "did you mean 'function.resize'?"


def test_targets_take_dependencies_and_groups_match_dedicated_copies() -> None:
    copy = res(
        "workflow.thumbnail.function.resize",
        ("runtime.python",),
        group="workflow.thumbnail",
        name="c",
    )
    flow = res("workflow.thumbnail", ("workflow.thumbnail.function.resize",), name="thumbnail")
    other = res("function.other", ("runtime.python",), name="other")
    want = desired(RUNTIME, copy, flow, other)
    plan = make_plan(want, state_of(), targets=["workflow.thumbnail"])
    assert {c.address for c in plan.changes} == {
        "runtime.python",
        "workflow.thumbnail",
        "workflow.thumbnail.function.resize",
    }
    plan = make_plan(want, state_of(), targets=["workflow.thumbnail.function.resize"])
    assert {c.address for c in plan.changes} == {
        "runtime.python",
        "workflow.thumbnail.function.resize",
    }
    with pytest.raises(PlanError, match=r"--target function\.othr") as error:
        make_plan(want, state_of(), targets=["function.othr"])
    assert error.value.hint == "did you mean 'function.other'?"


def test_destroy_deletes_everything_and_targeted_destroy_takes_dependents() -> None:
    flow = _workflow("v1")
    state = state_of(RUNTIME, RESIZE, flow)
    plan = make_plan(desired(RUNTIME, RESIZE, flow), state, destroy=True)
    assert {c.action for c in plan.changes} == {"delete"}
    assert plan.summary.destroy == 3 and plan.destroy
    plan = make_plan(desired(), state, destroy=True, targets=["function.resize"])
    assert {c.address for c in plan.changes} == {"function.resize", "workflow.thumbnail"}


def test_outputs_known_after_apply_unless_resource_unchanged() -> None:
    ref = {"$ref": "function.resize", "attr": "endpoint"}
    state = state_of(RUNTIME)
    state.resources["function.resize"] = recorded(RESIZE, endpoint="mem://x")
    plan = make_plan(desired(RUNTIME, RESIZE, outputs={"url": ref, "fixed": 3}), state)
    outputs = {o.name: o for o in plan.outputs}
    assert outputs["url"].after == "mem://x" and not outputs["url"].known_after_apply
    assert outputs["fixed"].action == "create"
    changed = res("function.resize", ("runtime.python",), **{**RESIZE.attributes, "memory": 1})
    plan = make_plan(desired(RUNTIME, changed, outputs={"url": ref}), state)
    (url,) = plan.outputs
    assert url.known_after_apply and url.after == ref and url.action == "create"


def test_plan_of_10000_unchanged_resources_has_no_changes() -> None:
    """Its speed is measured by benchmarks/components.py (plan_noop)."""
    resources = [
        res(f"function.f{i}", ("runtime.python",), name=f"f{i}", memory=128, env={"A": str(i)})
        for i in range(10_000)
    ]
    want = desired(RUNTIME, *resources)
    state = state_of(RUNTIME, *resources)
    plan = make_plan(want, state, providers=PROVIDERS)
    assert not plan.has_changes()


def test_a_new_version_says_which_older_versions_are_kept_and_why() -> None:
    old = res("function.resize", (), version="sha256:aaaa", keep_versions=3, retain_versions=[])
    new = res(
        "function.resize",
        (),
        version="sha256:bbbb",
        keep_versions=3,
        retain_versions=["sha256:1234567890abcdef"],
    )
    plan = make_plan(desired(new), state_of(old))
    (change,) = plan.changes
    assert change.reasons[-1] == (
        "keeps the newest 3 versions and 1234567890ab "
        "(pinned by a workflow's versions[N], never deleted)"
    )


def test_workflow_pinned_back_to_an_older_version_names_both_versions() -> None:
    from fnplan.plan.reasons import update_reasons

    def document(version: str) -> dict[str, object]:
        step = {"name": "resize", "function": {"address": "function.resize", "version": version}}
        return {"document": {"steps": [step]}}

    reasons = update_reasons("workflow", document("b" * 64), document("a" * 64), ["document"])
    assert reasons == [f"uses function.resize at version {'a' * 12} (was {'b' * 12})"]


def test_a_targeted_plan_touches_only_outputs_of_its_targets() -> None:
    """Like Terraform's -target: outputs about other resources, or about none, are left alone."""
    state = state_of(RUNTIME)
    want = desired(
        RUNTIME,
        RESIZE,
        outputs={
            "url": {"$ref": "function.resize", "attr": "endpoint"},
            "runtime": {"$ref": "runtime.python", "attr": "id"},
            "env": "dev",
        },
    )
    targeted = make_plan(want, state, targets=["runtime.python"])
    assert [o.name for o in targeted.outputs] == ["runtime"]
    full = make_plan(want, state)
    assert [o.name for o in full.outputs] == ["env", "runtime", "url"]
