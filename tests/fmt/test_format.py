"""format_hcl: canonical layout, every token and comment kept, idempotent, same meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.config.fmt import format_hcl
from fnplan.errors import ConfigError
from tests.fmt.corpus import HCL_FILES, MESSY, MESSY_FORMATTED, USER_FACING
from tests.fmt.shapes import meaning


def fmt(text: str) -> str:
    return format_hcl(text.encode()).decode()


@pytest.mark.parametrize("path", HCL_FILES, ids=lambda p: p.name)
def test_formatting_is_idempotent_and_keeps_the_meaning(path: Path) -> None:
    source = path.read_bytes()
    once = format_hcl(source)
    assert format_hcl(once) == once
    assert meaning(once) == meaning(source)


@pytest.mark.parametrize("path", USER_FACING, ids=lambda p: p.name)
def test_shipped_examples_and_modules_are_formatted(path: Path) -> None:
    assert format_hcl(path.read_bytes()) == path.read_bytes(), f"run: fnplan fmt {path}"


def test_messy_file_gets_the_canonical_layout() -> None:
    assert format_hcl(MESSY) == MESSY_FORMATTED
    assert format_hcl(MESSY_FORMATTED) == MESSY_FORMATTED
    assert meaning(MESSY) == meaning(MESSY_FORMATTED)


def test_equals_aligned_within_a_run_of_single_line_attributes() -> None:
    assert fmt('a = 1\nlonger_name = "x"\nbb = true\n') == (
        'a           = 1\nlonger_name = "x"\nbb          = true\n'
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a = 1\n\nlonger = 2\n", "a = 1\n\nlonger = 2\n"),
        ("a = 1\n# note\nlonger = 2\n", "a = 1\n# note\nlonger = 2\n"),
        ("a = 1\nb {\n}\nlonger = 2\n", "a = 1\nb {\n}\nlonger = 2\n"),
        ("a = 1\nlonger = {\n  x = 1\n}\n", "a = 1\nlonger = {\n  x = 1\n}\n"),
        ("a = 1\nh = <<EOF\nx\nEOF\nlonger = 2\n", "a = 1\nh = <<EOF\nx\nEOF\nlonger = 2\n"),
    ],
    ids=["blank line", "comment line", "block", "multi-line value", "heredoc"],
)
def test_runs_end_at_blank_lines_comments_blocks_and_multi_line_values(
    source: str, expected: str
) -> None:
    assert fmt(source) == expected


def test_multi_line_object_elements_are_aligned_and_indented() -> None:
    source = 'env = {\nSTAGE="prod"\n      "X-Header" = "yes"\n}\n'
    assert fmt(source) == 'env = {\n  STAGE      = "prod"\n  "X-Header" = "yes"\n}\n'


def test_nested_blocks_are_indented_two_spaces_per_level() -> None:
    source = 'workflow "w"{\nstep "a" {\nretry {\nmax_attempts=3\n}\n}\n}\n'
    assert fmt(source) == (
        'workflow "w" {\n  step "a" {\n    retry {\n      max_attempts = 3\n    }\n  }\n}\n'
    )


def test_block_header_spacing() -> None:
    assert fmt('function   "a"{\n}\n') == 'function "a" {\n}\n'
    assert fmt('a "b" "c"   {x=1}\n') == 'a "b" "c" { x = 1 }\n'
    assert fmt("e = {   }\n") == "e = {}\n"


def test_every_kind_of_comment_is_kept() -> None:
    source = (
        "# hash\n// slashes\n/* block\n   two lines */\n"
        "a = 1 # trailing hash\nbb = 2 // trailing slashes\nc = /* inline */ 3\n"
    )
    assert fmt(source) == (
        "# hash\n// slashes\n/* block\n   two lines */\n"
        "a  = 1 # trailing hash\nbb = 2 // trailing slashes\nc  = /* inline */ 3\n"
    )


def test_trailing_comments_are_aligned_in_consecutive_lines() -> None:
    source = 'a = 1 # one\nlonger = "two" # two\n\nc = 3   # alone\n'
    assert fmt(source) == 'a      = 1     # one\nlonger = "two" # two\n\nc = 3 # alone\n'


def test_blank_lines_collapse_and_vanish_at_edges_and_inside_brackets() -> None:
    source = "\n\n\na = 1\n\n\n\nb {\n\n  c = 2\n\n}\n\n\n"
    assert fmt(source) == "a = 1\n\nb {\n  c = 2\n}\n"


def test_crlf_becomes_lf_and_trailing_whitespace_goes() -> None:
    source = b'a = 1   \r\nb {  \r\n  c = "x"\t\r\n}\r\n'
    assert format_hcl(source) == b'a = 1\nb {\n  c = "x"\n}\n'


def test_exactly_one_final_newline() -> None:
    assert fmt("a = 1") == "a = 1\n"
    assert fmt("a = 1\n\n\n") == "a = 1\n"
    assert fmt("") == ""
    assert fmt("\n  \n") == ""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = f( 1 ,2 )", "x = f(1, 2)"),
        ("x = a . b [ 0 ] .c", "x = a.b[0].c"),
        ("x = a.0", "x = a.0"),
        ("x = a[*] . b", "x = a[*].b"),
        ("x = a .* . b", "x = a.*.b"),
        ("x = - 1+2*-3", "x = -1 + 2 * -3"),
        ("x = ! true||false", "x = !true || false"),
        ("x = a?b:c", "x = a ? b : c"),
        ('x = {"k":1,  (k) = 2}', 'x = { "k": 1, (k) = 2 }'),
        ("x = [ for k,v in m:k if v ]", "x = [for k, v in m : k if v]"),
        ("x = {for k,v in m:k=>v... if v}", "x = { for k, v in m : k => v... if v }"),
        ("x = concat(xs ...)", "x = concat(xs...)"),
        ("x = ( 1+2 )*3", "x = (1 + 2) * 3"),
        ("x = runtime.python-imaging", "x = runtime.python-imaging"),
    ],
)
def test_canonical_spacing_between_tokens(source: str, expected: str) -> None:
    assert fmt(source + "\n") == expected + "\n"


def test_string_and_heredoc_contents_are_left_alone() -> None:
    source = 'a   =   "  x  =  ${ var.y }  "\nb = <<-EOT\n    keep   these   \n  EOT\n'
    assert fmt(source) == 'a = "  x  =  ${ var.y }  "\nb = <<-EOT\n    keep   these   \n  EOT\n'


def test_brackets_sharing_a_line_indent_once() -> None:
    source = "x = [{\na = 1\n}, {\nb = [\n1,\n]\n}]\n"
    assert fmt(source) == "x = [{\n  a = 1\n}, {\n  b = [\n    1,\n  ]\n}]\n"


def test_multi_line_call_arguments_are_indented() -> None:
    source = 'x = format(\n"%s-%s",\n  a,\n      b,\n)\n'
    assert fmt(source) == 'x = format(\n  "%s-%s",\n  a,\n  b,\n)\n'


def test_non_ascii_text_is_kept() -> None:
    source = 'description = "größe ✓"\nn = 1\n'
    assert fmt(source) == 'description = "größe ✓"\nn           = 1\n'


def test_syntax_error_raises_config_error_with_position() -> None:
    with pytest.raises(ConfigError) as caught:
        format_hcl(b'a = 1\nb = "unterminated\n', "main.hcl")
    assert caught.value.pos is not None
    assert (caught.value.pos.file, caught.value.pos.line) == ("main.hcl", 2)
