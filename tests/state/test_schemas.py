"""The checked-in JSON Schemas under schemas/ match the models they are generated from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from fnplan import schemas
from fnplan.state.codec import encode_state

from .conftest import sample_state


def test_checked_in_schemas_are_up_to_date() -> None:
    stale = schemas.out_of_date()
    assert not stale, f"regenerate with `python -m fnplan.schemas`: {', '.join(stale)}"


def test_state_schema_entry_point_writes_the_state_schema(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "fnplan.state.schema", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert [p.name for p in tmp_path.iterdir()] == ["state.schema.json"]
    assert (tmp_path / "state.schema.json").read_text() == schemas.generate("state.schema.json")


def test_written_state_files_validate_against_the_state_schema() -> None:
    schema = json.loads(schemas.generate("state.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(encode_state(sample_state())), schema)
