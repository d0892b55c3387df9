"""Function and runtime resources: attributes, version hashes, source hashing and its cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fnplan.compile.compile import compile_config
from fnplan.errors import ConfigError
from fnplan.resources import Resource
from tests.compile.builders import config, function, write_schema


def _fn(root: Path, **fields: object) -> Resource:
    desired = compile_config(config(root, functions=[function(root, "resize", **fields)]))
    return desired.resources["function.resize"]


def test_function_attributes_follow_the_documented_shape(tmp_path: Path) -> None:
    schema = write_schema(tmp_path, "in", {"type": "object"})
    resource = _fn(tmp_path, memory=512, env={"A": "1"}, input_schema=schema)
    attributes = resource.attributes
    assert set(attributes) == {
        "name", "runtime", "source", "source_hash", "handler", "memory", "timeout", "env",
        "input_schema", "output_schema", "scaling", "rollout", "keep_versions",
        "retain_versions", "version",
    }  # fmt: skip
    assert attributes["runtime"]["address"] == "runtime.python"
    assert attributes["memory"] == 512 and attributes["timeout"] == 30
    assert attributes["env"] == {"LOG_FORMAT": "json", "A": "1"}
    assert attributes["input_schema"] == {"type": "object"}
    assert attributes["source_hash"].startswith("sha256:")
    assert resource.depends_on == ["runtime.python"]
    assert len(attributes["version"]) == 64


def test_version_changes_with_code_and_config_and_not_otherwise(tmp_path: Path) -> None:
    first = _fn(tmp_path).attributes["version"]
    assert _fn(tmp_path).attributes["version"] == first
    assert _fn(tmp_path, keep_versions=9).attributes["version"] == first  # retention only
    assert _fn(tmp_path, memory=1024).attributes["version"] != first  # configuration
    (tmp_path / "functions" / "resize" / "__pycache__").mkdir()
    (tmp_path / "functions" / "resize" / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"x")
    assert _fn(tmp_path).attributes["version"] == first  # caches are not code
    (tmp_path / "functions" / "resize" / "util.py").write_text("X = 1\n")
    assert _fn(tmp_path).attributes["version"] != first  # code


def test_version_does_not_depend_on_the_checkout_location(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    assert _fn(one).attributes["version"] == _fn(two).attributes["version"]


def test_warm_source_cache_reuses_digests_and_notices_edits(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")])
    first = compile_config(cfg, cache_dir=cache).resources["function.resize"].attributes
    entries = json.loads((cache / "sources.json").read_text())
    (path,) = entries
    assert path.endswith("main.py")
    # a poisoned digest with matching size/mtime proves the warm path does not read the file
    entries[path][2] = "0" * 64
    (cache / "sources.json").write_text(json.dumps(entries))
    warm = compile_config(cfg, cache_dir=cache).resources["function.resize"].attributes
    assert warm["source_hash"] != first["source_hash"]
    code = Path(path)
    code.write_text(code.read_text() + "# edit\n")
    os.utime(code, ns=(1, 1))
    edited = compile_config(cfg, cache_dir=cache).resources["function.resize"].attributes
    assert edited["source_hash"] not in (first["source_hash"], warm["source_hash"])


def test_corrupt_source_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "sources.json").write_text("{not json")
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")])
    assert compile_config(cfg, cache_dir=cache).resources["function.resize"]


def test_bad_schema_json_is_an_error_at_the_attribute(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    fn = function(tmp_path, "resize", input_schema=str(bad))
    fn.positions["input_schema"] = "main.hcl:14:3"
    with pytest.raises(ConfigError) as caught:
        compile_config(config(tmp_path, functions=[fn]))
    assert "main.hcl:14:3" in caught.value.render()
    assert "not valid JSON" in caught.value.message


def test_missing_source_directory_is_an_error(tmp_path: Path) -> None:
    fn = function(tmp_path, "resize", source=str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="not a directory"):
        compile_config(config(tmp_path, functions=[fn]))


def test_runtime_resource_and_provider_default(tmp_path: Path) -> None:
    desired = compile_config(config(tmp_path, functions=[function(tmp_path, "resize")]))
    runtime = desired.resources["runtime.python"]
    assert runtime.attributes["env"] == {"LOG_FORMAT": "json"}
    assert {r.provider for r in desired.resources.values()} == {"local"}
    assert len(desired.config_hash) == 64
