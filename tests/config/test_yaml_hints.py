"""Hints speak the syntax of the file they point into: YAML mistakes get YAML-shaped advice."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import assert_clean_error, run_fnplan

YAML = """\
runtime:
  python: {language: python3.12}
function:
  x: {runtime: "${runtime.python}", source: ./f}
workflow:
  w:
    step:
      s:
        function: function.x
"""


def test_a_plain_string_for_a_reference_in_yaml_gets_a_yaml_hint(tmp_path: Path) -> None:
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "main.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "main.fnplan.yaml").write_text(YAML)
    result = run_fnplan("validate", cwd=tmp_path, check=None)
    assert_clean_error(
        result,
        "main.fnplan.yaml:9:19: error: function: expected a reference to function, got string",
        'hint: write e.g. function: "${function.NAME}"',
    )
    assert "function = " not in result.stderr


def test_the_same_mistake_in_hcl_keeps_the_hcl_hint(tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text('runtime "python" {\n  language = "python3.12"\n}\n')
    (tmp_path / "more.hcl").write_text('function "x" {\n  runtime = "python"\n  source = "."\n}\n')
    result = run_fnplan("validate", cwd=tmp_path, check=None)
    assert_clean_error(result, "hint: write e.g. runtime = runtime.NAME")
