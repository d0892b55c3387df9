"""Compile names a function's env entries that hold sensitive values (`sensitive_env`), so a
provider can keep them out of the platform's configuration (the aws provider stores them in
Secrets Manager); whether a value is sensitive is part of the version."""

from __future__ import annotations

from pathlib import Path

from fnplan.compile.compile import compile_config
from tests.compile.builders import config, function


def _attributes(root: Path, secrets: list[str], **env: str) -> dict[str, object]:
    cfg = config(root, functions=[function(root, "resize", env=env)])
    cfg.sensitive_values = secrets
    return compile_config(cfg).resources["function.resize"].attributes


def test_env_entries_holding_a_sensitive_text_are_named(tmp_path: Path) -> None:
    attributes = _attributes(
        tmp_path, ["s3cret"], API_KEY="s3cret", URL="postgres://u:s3cret@db", MODE="fast"
    )
    assert attributes["sensitive_env"] == ["API_KEY", "URL"]


def test_without_sensitive_values_there_is_no_such_attribute(tmp_path: Path) -> None:
    assert "sensitive_env" not in _attributes(tmp_path, ["other"], MODE="fast")


def test_marking_a_value_sensitive_publishes_a_new_version(tmp_path: Path) -> None:
    plain = _attributes(tmp_path, [], API_KEY="s3cret")
    marked = _attributes(tmp_path, ["s3cret"], API_KEY="s3cret")
    assert plain["version"] != marked["version"]
