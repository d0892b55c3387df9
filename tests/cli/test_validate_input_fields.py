"""`fnplan validate` warns when a step reads a workflow input field that the input schema does
not require and nothing covers its absence: such a run fails with "no attribute"."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Runner

REASON = 'reason = "resize failed"'


def _report_failure_reads(project: Path, expression: str) -> str:
    """Add `size = EXPRESSION` to the input of thumbnail's report_failure step; returns the
    position of that step's `input` attribute."""
    main = project / "main.hcl"
    text = main.read_text()
    assert text.count(REASON) == 1
    main.write_text(text.replace(REASON, f"{REASON}\n      size   = {expression}"))
    lines = main.read_text().splitlines()
    step = next(i for i, line in enumerate(lines) if 'step "report_failure"' in line)
    index = next(i for i in range(step, len(lines)) if lines[i].lstrip().startswith("input"))
    return f"main.hcl:{index + 1}:{lines[index].index('{') + 1}"


def test_an_optional_field_read_without_default_is_a_warning(
    fnplan: Runner, quickstart: Path
) -> None:
    pos = _report_failure_reads(quickstart, "input.size")
    result = fnplan("validate", cwd=quickstart)
    assert "Success!" in result.stdout
    warning = result.stderr
    assert f"{pos}: warning:" in warning, warning
    assert "workflow.thumbnail step 'report_failure'" in warning, warning
    assert "input.size" in warning and "upload.json" in warning, warning
    assert "try(input.size, " in warning, warning
    assert warning.count("warning:") == 1, warning


def test_no_warning_when_try_or_can_covers_it(fnplan: Runner, quickstart: Path) -> None:
    _report_failure_reads(quickstart, "try(input.size, 0) + (can(input.size) ? input.size : 0)")
    result = fnplan("validate", cwd=quickstart)
    assert "warning" not in result.stderr, result.stderr


def test_no_warning_for_required_fields(fnplan: Runner, quickstart: Path) -> None:
    result = fnplan("validate", cwd=quickstart)
    assert result.stderr == "", result.stderr
    schema = quickstart / "schemas" / "upload.json"
    schema.write_text(schema.read_text().replace('"required": ["url"]', '"required": []'))
    result = fnplan("validate", cwd=quickstart)
    assert "warning:" in result.stderr and "input.url" in result.stderr, result.stderr
    assert "workflow.catalog step 'record'" in result.stderr, result.stderr
