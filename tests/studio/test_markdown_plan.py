"""`fnplan show PLANFILE --format markdown`: a plan for a pull-request comment."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.conftest import Runner, assert_clean_error

SECRET = "s3cr3t-token-value"


def _edit(project: Path, old: str, new: str) -> None:
    main = project / "main.hcl"
    text = main.read_text()
    assert old in text
    main.write_text(text.replace(old, new, 1))


def test_markdown_of_an_update_plan(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    _edit(
        quickstart,
        'variable "env" {',
        f'variable "api_token" {{\n  sensitive = true\n  default   = "{SECRET}"\n}}\n\n'
        'variable "env" {',
    )
    _edit(
        quickstart,
        "    APP_ENV    = var.env\n",
        "    APP_ENV    = var.env\n    API_TOKEN  = var.api_token\n",
    )
    _edit(
        quickstart,
        '  step "report_failure" {',
        '  step "audit" {\n    function   = function.report_failure\n'
        '    depends_on = [step.fetch]\n  }\n\n  step "report_failure" {',
    )
    fnplan("plan", "--out", "tfplan", cwd=quickstart)
    text = fnplan("show", "tfplan", "--format", "markdown", cwd=quickstart).stdout
    assert text.startswith("## fnplan plan\n\n**Plan: ")
    summary = re.search(r"\*\*Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.\*\*", text)
    assert summary is not None and int(summary.group(2)) >= 2
    assert SECRET not in text
    assert "### `runtime.python`" in text
    runtime = text[text.index("### `runtime.python`") :]
    assert '  + env.API_TOKEN = "(sensitive value)"' in runtime.split("###")[1]
    assert text.count("<details>") == text.count("</details>") >= 2
    section = text[text.index("### `workflow.thumbnail`") :]
    assert "will be updated in place" in section.splitlines()[2]
    graph = section[
        section.index("```mermaid") : section.index("  ```\n", section.index("```mermaid"))
    ]
    audit = re.search(r"(n\d+)\[\"audit\"\]", graph)
    assert audit is not None
    assert f"class {audit.group(1)} added" in graph
    # the other steps call new function versions: changed, none removed
    assert "class n0 changed" in graph and " removed\n" not in graph


def test_markdown_of_a_create_plan_lists_attributes(fnplan: Runner, quickstart: Path) -> None:
    fnplan("plan", "--out", "tfplan", cwd=quickstart)
    text = fnplan("show", "tfplan", "--format", "markdown", cwd=quickstart).stdout
    section = text[text.index("### `function.fetch`") :]
    assert '+ handler = "main.handler"' in section.split("###")[1]
    assert "class n0 added" in text


def test_markdown_needs_a_plan_file(fnplan: Runner, quickstart: Path) -> None:
    result = fnplan("show", "--format", "markdown", cwd=quickstart, check=None)
    assert_clean_error(result, "give its PLAN_FILE")
