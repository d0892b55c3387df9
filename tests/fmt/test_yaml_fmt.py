"""`fnplan fmt` on YAML configuration: canonical layout by a round trip that keeps every
comment and means the same to the loader; idempotent; syntax errors leave files alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fnplan.config.fmt_yaml import format_yaml
from fnplan.errors import ConfigError
from tests.cli.conftest import assert_clean_error, run_fnplan

UNFORMATTED = """\
# yaml-language-server: $schema=../schemas/config.schema.json
runtime:
    python: {language: python3.12,   memory: 256}   # the base runtime···
function:
    hello:
        runtime: ${runtime.python}
        source: ./functions/hello
workflow:
  hello:
    step:
        greet:
          function: ${function.hello}
          catch:
          - errors: [any]
            next: ${step.report}
        report:
          shell:
            script: |
              echo "kept as written"···
                indented····
    output: {greeting: "${step.greet.output.greeting}"}
""".replace("·", " ")  # trailing spaces: after a comment (dropped) and in a block scalar (kept)

FORMATTED = """\
# yaml-language-server: $schema=../schemas/config.schema.json
runtime:
  python: {language: python3.12, memory: 256}       # the base runtime
function:
  hello:
    runtime: ${runtime.python}
    source: ./functions/hello
workflow:
  hello:
    step:
      greet:
        function: ${function.hello}
        catch:
          - errors: [any]
            next: ${step.report}
      report:
        shell:
          script: |
            echo "kept as written"···
              indented····
    output: {greeting: "${step.greet.output.greeting}"}
""".replace("·", " ")

CASES = [
    UNFORMATTED,
    "",
    "# only a comment   \n\n",
    "# header\n---\na: 1  # trailing\n",
    "a: 1\n---\nb: [1,2]\n",
    "a: &base {x: 1}\nb: *base\n",
    "a: 'single'\nb: \"double\"\nc: yes\nd: 0755\ne: 1_000\nf: 2024-01-01\ng: ~\n",
    "s: >-\n  folded  \n  text\nt: |+\n  keep\n\n",
    "x:\n\n\n  y: 1\n",
]


def test_yaml_is_laid_out_canonically_with_comments_and_block_scalars_kept() -> None:
    assert format_yaml(UNFORMATTED.encode(), "main.fnplan.yaml").decode() == FORMATTED


@pytest.mark.parametrize("text", CASES)
def test_formatting_keeps_meaning_and_comments_and_is_idempotent(text: str) -> None:
    once = format_yaml(text.encode(), "c.fnplan.yaml")
    assert format_yaml(once, "c.fnplan.yaml") == once
    assert list(yaml.safe_load_all(once)) == list(yaml.safe_load_all(text))
    comments = [line.split("#", 1)[1].strip() for line in text.splitlines() if "#" in line]
    assert comments == [
        line.split("#", 1)[1].strip() for line in once.decode().splitlines() if "#" in line
    ]
    assert once.endswith(b"\n") or once == b""
    assert b"\r" not in once


@pytest.mark.parametrize(
    ("source", "where", "what"),
    [
        (b"a: 1\nb: [1, 2\n", "bad.fnplan.yaml:3:1", "expected ',' or ']'"),
        (b"a: 1\na: 2\n", "bad.fnplan.yaml:2:1", 'found duplicate key "a"'),
        (b"a: 1\nb: \x07\n", "bad.fnplan.yaml:2:4", "special characters are not allowed"),
    ],
)
def test_a_yaml_error_is_one_line_at_its_position(source: bytes, where: str, what: str) -> None:
    with pytest.raises(ConfigError) as caught:
        format_yaml(source, "bad.fnplan.yaml")
    rendered = caught.value.render()
    assert rendered.startswith(f"{where}: error: invalid YAML: ") and what in rendered
    assert "\n" not in rendered


def test_fmt_command_formats_yaml_and_hcl_files(tmp_path: Path) -> None:
    (tmp_path / "main.fnplan.yaml").write_text(UNFORMATTED)
    (tmp_path / "other.hcl").write_text("locals {\nx=1\n}\n")
    (tmp_path / "ci.yaml").write_text("not:   configuration\n")  # not a configuration file
    check = run_fnplan("fmt", "--check", cwd=tmp_path, check=3)
    assert check.stdout.split() == [str(tmp_path / "main.fnplan.yaml"), str(tmp_path / "other.hcl")]
    run_fnplan("fmt", cwd=tmp_path)
    assert (tmp_path / "main.fnplan.yaml").read_text() == FORMATTED
    assert (tmp_path / "other.hcl").read_text() == "locals {\n  x = 1\n}\n"
    assert (tmp_path / "ci.yaml").read_text() == "not:   configuration\n"
    run_fnplan("fmt", "--check", cwd=tmp_path)


def test_fmt_leaves_every_file_alone_when_one_yaml_file_is_broken(tmp_path: Path) -> None:
    (tmp_path / "a.fnplan.yaml").write_text(UNFORMATTED)
    (tmp_path / "b.fnplan.yml").write_text("a: 1\nb: {c: 2\n")
    assert_clean_error(run_fnplan("fmt", cwd=tmp_path, check=None), "b.fnplan.yml:")
    assert (tmp_path / "a.fnplan.yaml").read_text() == UNFORMATTED


def test_fmt_refuses_a_named_file_that_is_not_configuration(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    result = run_fnplan("fmt", "notes.txt", cwd=tmp_path, check=None)
    assert_clean_error(result, "fmt formats HCL and YAML configuration files only")
