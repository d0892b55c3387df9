"""schemas/config.schema.json describes the YAML form: what loads validates, mistakes do not."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from tests.config.test_loader import YAML
from tests.conftest import REPO

SCHEMA = json.loads((REPO / "schemas" / "config.schema.json").read_text())


def test_the_yaml_project_that_loads_validates() -> None:
    jsonschema.validate(yaml.safe_load(YAML), SCHEMA)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda doc: doc["function"]["resize"].update(memroy=1), "memroy"),
        (lambda doc: doc.update(funtion={}), "funtion"),
        (lambda doc: doc["function"]["resize"].update(memory="lots"), "lots"),
    ],
)
def test_mistakes_are_caught_by_the_schema(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    document = yaml.safe_load(YAML)
    edit(document)
    with pytest.raises(jsonschema.ValidationError, match=message):
        jsonschema.validate(document, SCHEMA)


def test_an_expression_is_accepted_where_a_number_is_expected() -> None:
    document = yaml.safe_load(YAML)
    document["function"]["resize"]["memory"] = "${var.memory}"
    jsonschema.validate(document, SCHEMA)


def test_the_yaml_examples_in_the_language_reference_validate() -> None:
    import re

    text = (REPO / "docs" / "language.md").read_text()
    examples = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert examples
    for example in examples:
        jsonschema.validate(yaml.safe_load(example), SCHEMA)
