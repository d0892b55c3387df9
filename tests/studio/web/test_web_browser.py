"""The studio in a real browser (headless Chromium): every step drawn, a step and an edge added
through the page changing only their lines on disk, a refused edit shown, the page following
edits made elsewhere, the plan's graph diff drawn, a run watched live, and a screenshot that
is not blank."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

from tests.cli.conftest import run_fnplan
from tests.events.conftest import Server
from tests.studio.test_ops_yaml import EXAMPLE, YAML
from tests.studio.web.conftest import git, start, stop
from tests.studio.web.test_web_api import added_lines

#: how long the page may take to show what the server sent (ms)
WAIT = 15_000


def open_workflow(page: Any, server: Server, name: str) -> None:
    page.goto(f"{server.url}/ui/workflows/{name}")
    page.wait_for_selector(".node", timeout=WAIT)


def drawn_steps(page: Any) -> list[str]:
    return sorted(page.eval_on_selector_all(".node", "nodes => nodes.map(n => n.dataset.step)"))


def wait_for_edge(page: Any, key: str) -> None:
    page.wait_for_selector(f'.edge[data-edge="{key}"]', state="attached", timeout=WAIT)


def test_the_page_draws_every_step_and_shows_a_steps_details(
    page: Any, shared_studio: Server
) -> None:
    open_workflow(page, shared_studio, "orders")
    assert drawn_steps(page) == ["charge", "check", "wait"]
    for key in ("step.check->step.wait:sequential", "step.check->step.charge:data"):
        wait_for_edge(page, key)
    page.click('.node[data-step="check"]')
    assert page.inner_text("#step-title") == "step.check"
    assert page.inner_text("#step-pos") == "main.hcl:30:3"
    assert json.loads(page.inner_text("#input-schema"))["required"] == ["id"]
    assert page.input_value('#attributes input[data-attribute="input"]') == "{ id = input.id }"
    assert page.get_attribute('.node[data-step="check"]', "class").split().count("selected") == 1
    page.focus('.node[data-step="wait"]')  # steps are reachable from the keyboard too
    page.keyboard.press("Enter")
    assert page.inner_text("#step-title") == "step.wait"
    links = page.eval_on_selector_all("#workflows a", "links => links.map(a => a.pathname)")
    assert links == ["/ui/workflows/orders", "/ui/workflows/ping"]


def test_zoom_and_pan_move_the_drawing(page: Any, shared_studio: Server) -> None:
    open_workflow(page, shared_studio, "orders")
    before = page.get_attribute("#viewport", "transform")
    page.click("#zoom-in")
    zoomed = page.get_attribute("#viewport", "transform")
    assert zoomed != before and "scale(" in zoomed
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 70)
    page.mouse.up()
    assert page.get_attribute("#viewport", "transform") != zoomed


def test_a_step_and_an_edge_added_through_the_page_change_only_their_lines(
    page: Any, studio: Server, project: Path
) -> None:
    open_workflow(page, studio, "orders")
    page.fill("#add-step input[name=step]", "audit")
    page.select_option("#add-step select", "function.check")
    page.click("#add-step button")
    page.wait_for_selector('.node[data-step="audit"]', timeout=WAIT)
    assert page.locator('#add-step select option[value="workflow.ping"]').count() == 1
    page.click("#connect")
    page.click('.node[data-step="charge"]')
    page.click('.node[data-step="audit"]')
    wait_for_edge(page, "step.charge->step.audit:sequential")
    assert git(project, "diff", "--numstat").split() == ["5", "0", "main.hcl"]
    assert added_lines(project) == [
        "",
        'step "audit" {',
        "function = function.check",
        "depends_on = [step.charge]",
        "}",
    ]
    # an attribute changed through the details panel changes its one line
    page.fill('#attributes input[data-attribute="function"]', "function.pause")
    page.click('#attributes tr:has(input[data-attribute="function"]) button[title="Set"]')
    page.wait_for_function(
        "() => document.querySelector('.node[data-step=\"audit\"] title')"
        ".textContent.includes('function.pause')",
        timeout=WAIT,
    )
    assert "function = function.pause" in added_lines(project)


def test_a_yaml_workflow_is_edited_through_the_page_keeping_its_comments(
    page: Any, tmp_path: Path
) -> None:
    project = tmp_path / "yaml"
    shutil.copytree(EXAMPLE / "functions", project / "functions")
    (project / "main.fnplan.yaml").write_text(YAML)
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "initial")
    server = start(project)
    try:
        open_workflow(page, server, "hello")
        page.fill("#add-step input[name=step]", "again")
        page.click("#add-step button")
        page.wait_for_selector('.node[data-step="again"]', timeout=WAIT)
        page.click("#connect")
        page.click('.node[data-step="greet"]')
        page.click('.node[data-step="again"]')
        wait_for_edge(page, "step.greet->step.again:sequential")
        assert added_lines(project) == [
            "again:",
            "function: ${function.hello}",
            "depends_on:",
            "- ${step.greet}",
        ]
        assert (
            "source: ./functions/hello   # beside this file"
            in (project / "main.fnplan.yaml").read_text()
        )
    finally:
        stop(server)


def test_a_refused_edit_shows_the_validation_error_and_writes_nothing(
    page: Any, studio: Server, project: Path
) -> None:
    open_workflow(page, studio, "orders")
    page.click("#connect")
    page.click('.node[data-step="charge"]')
    page.click('.node[data-step="check"]')
    page.wait_for_selector("#error:not([hidden])", timeout=WAIT)
    message = page.inner_text("#error")
    assert "nothing was written" in message and "cycle" in message.lower()
    assert git(project, "status", "--porcelain") == ""


def test_the_page_follows_edits_made_in_a_text_editor(
    page: Any, studio: Server, project: Path
) -> None:
    open_workflow(page, studio, "orders")
    page.wait_for_function("() => document.body.dataset.filesVersion", timeout=WAIT)
    main = project / "main.hcl"
    text = main.read_text()
    main.write_text(
        text.replace(
            '  step "check" {',
            '  step "greet" {\n    function = function.check\n    input    = { id = "hi" }\n  }\n\n'
            '  step "check" {',
        )
    )
    page.wait_for_selector('.node[data-step="greet"]', timeout=WAIT)
    assert drawn_steps(page) == ["charge", "check", "greet", "wait"]


def test_a_reload_keeps_what_is_being_typed_in_the_details_panel(
    page: Any, studio: Server, project: Path
) -> None:
    open_workflow(page, studio, "orders")
    version = page.wait_for_function("() => document.body.dataset.filesVersion").json_value()
    page.click('.node[data-step="wait"]')
    page.fill('#attributes input[data-attribute="input"]', "{ seconds = 2 }")
    main = project / "main.hcl"
    main.write_text(main.read_text())  # saved again, unchanged: the page reloads
    page.wait_for_function(
        "version => document.body.dataset.filesVersion !== version", arg=version, timeout=WAIT
    )
    page.wait_for_function(
        "() => document.querySelector('#status').textContent.includes('reloaded')"
    )
    assert page.input_value('#attributes input[data-attribute="input"]') == "{ seconds = 2 }"


def test_a_file_that_does_not_load_is_reported_until_it_is_fixed(
    page: Any, studio: Server, project: Path
) -> None:
    open_workflow(page, studio, "orders")
    page.wait_for_function("() => document.body.dataset.filesVersion", timeout=WAIT)
    main = project / "main.hcl"
    text = main.read_text()
    main.write_text(text.replace("= function.pause", "= function.nope"))
    page.wait_for_selector("#error:not([hidden])", timeout=WAIT)
    assert page.inner_text("#error").startswith("main.hcl:36:26: unknown function 'nope'")
    main.write_text(text)
    page.wait_for_selector("#error", state="hidden", timeout=WAIT)
    assert drawn_steps(page) == ["charge", "check", "wait"]


def test_a_step_and_an_edge_deleted_through_the_page_remove_only_their_lines(
    page: Any, studio: Server, project: Path
) -> None:
    open_workflow(page, studio, "orders")
    page.locator(".edge-hit").nth(
        edge_index(page, "step.wait->step.charge:sequential")
    ).dispatch_event("click")
    page.click("text=Delete edge")
    page.wait_for_selector(
        '.edge[data-edge="step.wait->step.charge:sequential"]', state="detached", timeout=WAIT
    )
    assert removed_lines(project) == ["depends_on = [step.wait]"]
    git(project, "checkout", "main.hcl")
    page.wait_for_selector(
        '.edge[data-edge="step.wait->step.charge:sequential"]', state="attached", timeout=WAIT
    )
    page.click('.node[data-step="charge"]')
    page.click("#delete-step")
    page.wait_for_selector('.node[data-step="charge"]', state="detached", timeout=WAIT)
    assert removed_lines(project) == [
        "",
        'step "charge" {',
        "function   = function.charge",
        "input      = { id = step.check.output.id }",
        "depends_on = [step.wait]",
        "}",
    ]
    assert drawn_steps(page) == ["check", "wait"]


def edge_index(page: Any, key: str) -> int:
    """The position of an edge among the drawn edges (its hit area has the same index)."""
    keys: list[str] = page.eval_on_selector_all(".edge", "edges => edges.map(e => e.dataset.edge)")
    return keys.index(key)


def removed_lines(project: Path) -> list[str]:
    """The lines `git diff` shows removed since the commit (stripped); none added."""
    diff = [
        line for line in git(project, "diff", "-U0").splitlines() if line[:3] not in ("---", "+++")
    ]
    assert not [line for line in diff if line.startswith("+")], diff
    return [line[1:].strip() for line in diff if line.startswith("-")]


def test_the_plan_tab_draws_the_graph_diff(page: Any, shared_studio: Server) -> None:
    open_workflow(page, shared_studio, "orders")
    page.click('#tabs button[data-tab="plan"]')
    page.wait_for_selector("#plan-summary", timeout=60_000)
    assert page.inner_text("#plan-summary").startswith("Plan:")
    page.wait_for_selector(".node.mark-added", timeout=WAIT)
    added = page.eval_on_selector_all(".node.mark-added", "nodes => nodes.map(n => n.dataset.step)")
    assert sorted(added) == ["charge", "check", "wait"]  # nothing is deployed yet
    assert page.locator(".edge.mark-added").count() >= 2
    assert "create workflow.orders" in page.inner_text("#plan-changes")


def test_a_run_is_watched_live_and_its_failed_step_highlighted(page: Any, deployed: Path) -> None:
    server = start(deployed)
    try:
        open_workflow(page, server, "orders")
        page.click('#tabs button[data-tab="runs"]')
        page.fill("#run-input", '{"id": "o-7", "seconds": 1.5}')
        page.click("#start-run")
        page.wait_for_selector('.node.state-running[data-step="wait"]', timeout=WAIT)
        assert page.get_attribute('#run-steps tr[data-step="check"]', "data-state") == "succeeded"
        page.wait_for_selector('.node.state-failed[data-step="charge"]', timeout=WAIT)
        page.wait_for_selector('#run-status[data-status="failed"]', timeout=WAIT)
        assert page.get_attribute('.node[data-step="wait"]', "class").split()[-1] == (
            "state-succeeded"
        )
        row = page.locator('#run-steps tr[data-step="charge"]')
        assert row.get_attribute("class") == "failed"
        assert row.locator("td").nth(2).inner_text() == "1"  # attempt
        assert row.locator("td").nth(3).inner_text().endswith(" ms")  # duration
        assert "card declined" in page.inner_text("#run-errors")
        assert "null" not in page.inner_text("#run-live")
        assert not page.is_visible("#add-step")  # editing is in the graph view only
        log = page.inner_text("#run-log")
        assert "charge attempt 1 failed" in log
        assert "stdout:\n      checking order o-7" in log
        execution = page.inner_text("#run-id")
        page.wait_for_selector(f'#executions a[data-execution="{execution}"]', timeout=WAIT)
        shot = page.screenshot()
        assert distinct_colours(page, shot) > 20, "the screenshot is blank"
        # a run started elsewhere appears in the list while the tab is open
        cli = run_fnplan(
            "run",
            "orders",
            "--execution-id",
            "from-cli",
            "--input",
            '{"id": "c", "seconds": 0}',
            cwd=deployed,
            check=1,
        )
        assert "card declined" in cli.stdout + cli.stderr
        page.wait_for_selector('#executions a[data-execution="from-cli"]', timeout=WAIT)
    finally:
        stop(server)


def test_a_screenshot_of_the_studio_is_not_blank(page: Any, shared_studio: Server) -> None:
    open_workflow(page, shared_studio, "orders")
    shot = page.screenshot()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    assert distinct_colours(page, shot) > 20, "the screenshot is blank"
    graph = page.locator("#graph").screenshot()
    assert distinct_colours(page, graph) > 5, "the graph is not drawn"


def test_the_studio_page_opened_with_a_token_works_from_its_cookie(
    page: Any, project: Path
) -> None:
    server = start(project, env={"FNPLAN_SERVE_TOKEN": "tok-123"})
    try:
        page.goto(f"{server.url}/ui/workflows/orders?token=tok-123")
        page.wait_for_selector(".node", timeout=WAIT)
        assert "token" not in page.url
        assert drawn_steps(page) == ["charge", "check", "wait"]
    finally:
        stop(server)


def distinct_colours(page: Any, png: bytes) -> int:
    """How many different colours a PNG holds, decoded by the browser itself."""
    data = base64.b64encode(png).decode()
    count: int = page.evaluate(
        """async (data) => {
            const image = new Image();
            image.src = "data:image/png;base64," + data;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width;
            canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            const pixels = context.getImageData(0, 0, image.width, image.height).data;
            const colours = new Set();
            for (let i = 0; i < pixels.length; i += 4 * 7) {
                colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
            }
            return colours.size;
        }""",
        data,
    )
    return count
