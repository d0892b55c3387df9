"""HCL files to Body/Block/Attribute: structure, positions, errors and the parse cache."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from fnplan.config.hcl import parse_hcl
from fnplan.config.parse_cache import parse_hcl_cached
from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import ast, evaluate, to_source

CORPUS = Path(__file__).parent / "corpus"

DESIGN_SNIPPET = b"""\
provider "aws"   { region = "us-east-1" endpoint = var.aws_endpoint }
workflow "thumbnail" {
  step "fetch"  { function = function.fetch  input = { url = input.url } }
  step "resize" {
    retry { max_attempts = 3  backoff = "exponential" }
  }
}
blk ident other { }
"""


def test_structure_and_positions() -> None:
    body = parse_hcl(DESIGN_SNIPPET, "main.hcl")
    provider, workflow, other = body.blocks
    assert (provider.type, provider.labels) == ("provider", ["aws"])
    assert provider.pos == SourcePos("main.hcl", 1, 1)
    assert provider.label_pos == [SourcePos("main.hcl", 1, 10)]
    endpoint = provider.body.attributes["endpoint"]
    assert to_source(endpoint.expr) == "var.aws_endpoint"
    assert endpoint.name_pos == SourcePos("main.hcl", 1, 41)
    assert endpoint.pos == SourcePos("main.hcl", 1, 52)
    fetch, resize = workflow.body.blocks_of("step")
    assert list(fetch.body.attributes) == ["function", "input"]
    assert resize.body.blocks[0].body.attributes["max_attempts"].expr == ast.Literal(3)
    assert other.labels == ["ident", "other"]
    assert other.body.attributes == {} and other.body.blocks == []


def test_every_corpus_file_parses() -> None:
    for path in CORPUS.glob("*.hcl"):
        body = parse_hcl(path.read_bytes(), str(path))
        assert body.blocks or body.attributes


def test_empty_and_comment_only_files() -> None:
    assert parse_hcl(b"", "e.hcl").blocks == []
    assert parse_hcl(b"# nothing\n// here\n/* at all */\n", "e.hcl").attributes == {}


def test_non_ascii_columns_count_characters() -> None:
    body = parse_hcl('locals { a = "héllo" b = 1 }\n'.encode(), "u.hcl")
    assert body.blocks[0].body.attributes["b"].name_pos == SourcePos("u.hcl", 1, 22)


def test_heredoc_attribute() -> None:
    source = b"locals {\n  script = <<-EOT\n    echo ${var.x}\n    done\n  EOT\n}\n"
    attr = parse_hcl(source, "h.hcl").blocks[0].body.attributes["script"]
    assert evaluate(attr.expr, {"var": {"x": "hi"}}) == "echo hi\ndone\n"


def test_duplicate_attribute_names_both_positions() -> None:
    with pytest.raises(ConfigError) as info:
        parse_hcl(b'runtime "p" {\n  memory = 1\n  memory = 2\n}\n', "d.hcl")
    error = info.value
    assert "attribute 'memory' is set twice" in error.message
    assert error.pos == SourcePos("d.hcl", 3, 3)
    assert "first set at d.hcl:2:3" in error.render()


@pytest.mark.parametrize(
    ("source", "message", "line", "column"),
    [
        (b'runtime "p" {\n  memory = 1\n', "expected '}'", 3, 1),
        (b"a = 1\nb = \n", "expected an expression", 3, 1),
        (b'a = "open\nb = 2\n', "unterminated string", 1, 5),
        (b"a = [1 2]\n", "unexpected '2'", 1, 8),
        (b'blk "a" { x = 1 } }\n', "unexpected '}'", 1, 19),
        (b"a = 1 2\n", "unexpected '2'", 1, 7),
        (b'a = "\\q"\n', "invalid escape sequence", 1, 6),
        (b"a = f(1,\n", "unexpected end of file", 2, 1),
    ],
)
def test_syntax_errors(source: bytes, message: str, line: int, column: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_hcl(source, "bad.hcl")
    assert message in info.value.message
    assert info.value.pos == SourcePos("bad.hcl", line, column)


def test_unclosed_block_names_the_block() -> None:
    with pytest.raises(ConfigError) as info:
        parse_hcl(b'runtime "p" {\n  memory = 1\n', "bad.hcl")
    assert "the block opened at bad.hcl:1:1 is not closed" in info.value.render()


def test_parse_cache_reuses_and_repairs(tmp_path: Path) -> None:
    source = tmp_path / "main.hcl"
    source.write_bytes(DESIGN_SNIPPET)
    cache = tmp_path / "cache"
    first = parse_hcl_cached(source, cache)
    entries = list(cache.glob("parse-*.pickle"))
    assert len(entries) == 1
    assert parse_hcl_cached(source, cache) == first
    # a warm hit comes from the pickle, not from parsing again
    marker = pickle.loads(entries[0].read_bytes())
    marker.attributes["marker"] = marker.blocks[0].body.attributes["region"]
    entries[0].write_bytes(pickle.dumps(marker))
    assert "marker" in parse_hcl_cached(source, cache).attributes
    entries[0].write_bytes(b"not a pickle")
    assert parse_hcl_cached(source, cache) == first
    assert pickle.loads(entries[0].read_bytes()) == first
    assert parse_hcl_cached(source, None) == first
    source.write_bytes(DESIGN_SNIPPET + b"extra = 1\n")
    assert "extra" in parse_hcl_cached(source, cache).attributes
    assert len(list(cache.glob("parse-*.pickle"))) == 2
    assert not list(cache.glob(".parse-*"))


def test_parse_cache_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        parse_hcl_cached(tmp_path / "nope.hcl", tmp_path)


def test_a_thousand_function_blocks_all_parse() -> None:
    """Their speed is measured by benchmarks/components.py (hcl_parse)."""
    block = (
        'function "fn{i}" {{\n  runtime = runtime.python\n  source = "./functions/fn{i}"\n'
        '  memory = {i}\n  env = {{ NAME = "fn-${{var.env}}-{i}" }}\n'
        "  scaling {{\n    max = 20\n  }}\n}}\n"
    )
    source = "".join(block.format(i=i) for i in range(1000)).encode()
    body = parse_hcl(source, "big.hcl")
    assert len(body.blocks) == 1000
