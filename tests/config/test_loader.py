"""Loading whole projects: HCL and YAML forms, merging, variables, runtimes, references."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fnplan.config.model import Config, Ref
from tests.config.conftest import Write, load, load_error
from tests.conftest import EXAMPLES

HCL = """\
fnplan {
  backend "local" {
    path = ".fnplan/state.json"
  }
}
variable "env" {
  default = "dev"
}
variable "sizes" {
  type    = list(number)
  default = [64, 128]
}
locals {
  prefix = "img-${var.env}"
}
provider "aws" {
  region = "us-east-1"
  alias  = "east"
}
runtime "python" {
  language = "python3.12"
  memory   = 256
  env      = { LOG_FORMAT = "json" }
}
runtime "imaging" {
  base     = runtime.python
  packages = ["pillow==11.0.0"]
}
function "resize" {
  runtime = runtime.imaging
  source  = "./code"
  scaling {
    max = 20
  }
}
workflow "thumbnail" {
  target = provider.aws.east
  input {
    schema = "./upload.json"
  }
  step "fetch" {
    function = function.resize
    input    = { url = input.url, tag = local.prefix }
  }
  step "resize" {
    function = function.resize.versions[2]
    input    = { image = step.fetch.output.path, width = var.sizes[0] }
    when     = step.fetch.output.bytes > 1024
    retry {
      max_attempts = 3
      backoff      = "exponential"
    }
    catch {
      errors = ["any"]
      next   = step.fail
    }
  }
  step "fail" {
    http {
      url    = "https://hooks.example.com/${var.env}"
      method = "POST"
    }
    depends_on = [step.fetch]
  }
  output = { thumbnail = step.resize.output.path }
}
event "uploaded" {
  type   = "com.example.uploaded"
  schema = "./upload.json"
}
trigger "on_upload" {
  source {
    storage {
      bucket = "images"
      events = ["created"]
    }
  }
  event  = event.uploaded
  target = workflow.thumbnail
}
trigger "after" {
  on_completion = workflow.thumbnail
  target        = function.resize
}
output "endpoint" {
  value = workflow.thumbnail.endpoint
}
"""

YAML = """\
fnplan:
  backend:
    local: {path: .fnplan/state.json}
variable:
  env: {default: dev}
  sizes: {type: list(number), default: [64, 128]}
locals:
  prefix: img-${var.env}
provider:
  aws: {region: us-east-1, alias: east}
runtime:
  python:
    language: python3.12
    memory: 256
    env: {LOG_FORMAT: json}
  imaging:
    base: ${runtime.python}
    packages: [pillow==11.0.0]
function:
  resize:
    runtime: ${runtime.imaging}
    source: ./code
    scaling: {max: 20}
workflow:
  thumbnail:
    target: ${provider.aws.east}
    input: {schema: ./upload.json}
    step:
      fetch:
        function: ${function.resize}
        input: {url: "${input.url}", tag: "${local.prefix}"}
      resize:
        function: ${function.resize.versions[2]}
        input: {image: "${step.fetch.output.path}", width: "${var.sizes[0]}"}
        when: ${step.fetch.output.bytes > 1024}
        retry: {max_attempts: 3, backoff: exponential}
        catch:
          errors: [any]
          next: ${step.fail}
      fail:
        http:
          url: https://hooks.example.com/${var.env}
          method: POST
        depends_on: ["${step.fetch}"]
    output: {thumbnail: "${step.resize.output.path}"}
event:
  uploaded: {type: com.example.uploaded, schema: ./upload.json}
trigger:
  on_upload:
    source:
      storage: {bucket: images, events: [created]}
    event: ${event.uploaded}
    target: ${workflow.thumbnail}
  after:
    on_completion: ${workflow.thumbnail}
    target: ${function.resize}
output:
  endpoint:
    value: ${workflow.thumbnail.endpoint}
"""
SUPPORT = {"code/main.py": "def handler(event, context):\n    return event\n", "upload.json": "{}"}


def _without_positions(value: Any, directory: str) -> Any:
    if isinstance(value, dict):
        return {
            key: _without_positions(item, directory)
            for key, item in value.items()
            if key not in ("pos", "positions", "files", "directory")
        }
    if isinstance(value, list):
        return [_without_positions(item, directory) for item in value]
    return value.replace(directory, "<dir>") if isinstance(value, str) else value


def _plain(config: Config) -> Any:
    return _without_positions(config.model_dump(), config.directory)


def test_hcl_and_yaml_load_to_the_same_config(project: Write) -> None:
    from_hcl = load(project({"main.hcl": HCL, **SUPPORT}))
    from_yaml = load(project({"main.fnplan.yaml": YAML, **SUPPORT}))
    assert _plain(from_hcl) == _plain(from_yaml)
    step = from_yaml.workflows["thumbnail"].steps["resize"]
    assert step.function is not None
    assert step.function == Ref(address="function.resize", version=2, pos=step.function.pos)
    assert step.input == {"image": {"$expr": "step.fetch.output.path"}, "width": 64}
    assert step.when == {"$expr": "step.fetch.output.bytes > 1024"}
    assert [rule.next.address for rule in step.catch] == ["step.fail"]
    assert step.positions["function"].endswith("main.fnplan.yaml:33:21")


def test_evaluated_values(project: Write) -> None:
    config = load(project({"main.hcl": HCL, **SUPPORT}))
    workflow = config.workflows["thumbnail"]
    assert workflow.targets[0].address == "provider.aws.east"
    assert workflow.input_schema == str(Path(config.directory, "upload.json"))
    assert workflow.steps["fetch"].input == {"url": {"$expr": "input.url"}, "tag": "img-dev"}
    assert workflow.steps["fail"].http is not None
    assert workflow.steps["fail"].http.url == "https://hooks.example.com/dev"
    assert [ref.address for ref in workflow.steps["fail"].depends_on] == ["step.fetch"]
    assert workflow.output == {"thumbnail": {"$expr": "step.resize.output.path"}}
    assert config.outputs["endpoint"].value == {"$ref": "workflow.thumbnail", "attr": "endpoint"}
    assert config.providers["aws.east"].config == {"region": "us-east-1"}
    assert config.backend.type == "local"
    assert config.backend.config == {"path": ".fnplan/state.json"}
    assert config.locals == {"prefix": "img-dev"}
    trigger = config.triggers["on_upload"]
    assert trigger.source is not None and trigger.source.kind == "storage"
    assert trigger.source.config == {"bucket": "images", "events": ["created"]}
    assert config.triggers["after"].on_completion == Ref(
        address="workflow.thumbnail", pos=config.triggers["after"].positions["on_completion"]
    )
    assert config.functions["resize"].source == str(Path(config.directory, "code"))
    assert config.functions["resize"].scaling.max == 20


def test_hcl_and_yaml_files_merge(project: Write) -> None:
    split = HCL.index('function "resize"')
    yaml_part = "function:\n  extra:\n    runtime: ${runtime.python}\n    source: ./code\n"
    directory = project(
        {"a.hcl": HCL[:split], "b.hcl": HCL[split:], "c.fnplan.yml": yaml_part, **SUPPORT}
    )
    config = load(directory)
    assert sorted(config.functions) == ["extra", "resize"]
    assert [Path(f).name for f in config.files] == ["a.hcl", "b.hcl", "c.fnplan.yml"]
    assert config.functions["extra"].runtime.address == "runtime.python"


def test_runtime_inheritance_any_depth(project: Write) -> None:
    text = (
        'runtime "a" {\n  language = "python3.11"\n  memory = 256\n  env = { A = "1", B = "1" }\n'
        '  packages = ["x"]\n}\n'
        'runtime "b" {\n  base = runtime.a\n  env = { B = "2" }\n  packages = ["y"]\n}\n'
        'runtime "c" {\n  base = runtime.b\n  memory = 1024\n  env = { C = 3 }\n'
        '  packages = ["z"]\n}\n'
    )
    runtimes = load(project({"main.hcl": text})).runtimes
    c = runtimes["c"]
    assert (c.language, c.memory, c.timeout) == ("python3.11", 1024, 30)
    assert c.env == {"A": "1", "B": "2", "C": "3"}
    assert c.packages == ["x", "y", "z"]
    assert c.base is not None and c.base.address == "runtime.b"
    assert runtimes["b"].memory == 256


VARS = """\
variable "name" {
  default = "default"
}
variable "count" {
  type    = number
  default = 1
}
variable "tags" {
  type    = map(string)
  default = {}
}
variable "zones" {
  type    = list(string)
  default = []
}
variable "on" {
  type    = bool
  default = false
}
variable "obj" {
  type    = object({ a = number, b = optional(string) })
  default = { a = 1 }
}
"""


def _values(config: Config) -> dict[str, Any]:
    return {name: variable.value for name, variable in config.variables.items()}


def test_variable_precedence(project: Write, tmp_path: Path) -> None:
    directory = project({"main.hcl": VARS})
    assert _values(load(directory))["name"] == "default"
    environ = {"FNPLAN_VAR_name": "env", "FNPLAN_VAR_count": "2"}
    assert _values(load(directory, environ=environ))["name"] == "env"
    first = tmp_path / "first.hcl"
    first.write_text('name = "file1"\ntags = { team = "a" }\n')
    second = tmp_path / "second.json"
    second.write_text(json.dumps({"name": "file2", "zones": ["z1"]}))
    values = _values(load(directory, environ=environ, var_files=[first, second]))
    assert values["name"] == "file2" and values["count"] == 2
    assert values["tags"] == {"team": "a"} and values["zones"] == ["z1"]
    values = _values(
        load(directory, environ=environ, var_files=[first, second], variables={"name": "cli"})
    )
    assert values["name"] == "cli"


def test_cli_values_are_converted_per_type(project: Write) -> None:
    directory = project({"main.hcl": VARS})
    cli = {
        "count": "3.5",
        "tags": '{"team": "core", "tier": 1}',
        "zones": '["a", "b"]',
        "on": "true",
        "obj": "{ a = 2 }",
        "name": "[not parsed]",
    }
    values = _values(load(directory, variables=cli))
    assert values == {
        "name": "[not parsed]",
        "count": 3.5,
        "tags": {"team": "core", "tier": "1"},
        "zones": ["a", "b"],
        "on": True,
        "obj": {"a": 2, "b": None},
    }
    config = load(directory)
    assert config.variables["obj"].type == "object({a = number, b = optional(string)})"
    assert config.variables["zones"].type == "list(string)"


def test_variable_used_in_expressions(project: Write) -> None:
    text = VARS + 'runtime "r" {\n  memory = var.count * 128\n  env = var.tags\n}\n'
    config = load(project({"main.hcl": text}), variables={"count": "2", "tags": "{x = 1}"})
    assert config.runtimes["r"].memory == 256
    assert config.runtimes["r"].env == {"x": "1"}


def test_quickstart_example_loads() -> None:
    config = load(EXAMPLES / "quickstart")
    assert sorted(config.functions) == ["fetch", "report_failure", "resize"]
    assert sorted(config.workflows) == ["catalog", "thumbnail"]
    assert config.runtimes["python-tools"].env["APP_ENV"] == "dev"
    trigger_input = config.triggers["nightly"].input
    assert trigger_input == {"url": str(EXAMPLES / "quickstart" / "data" / "sample.txt")}


def test_parse_cache_gives_the_same_config(project: Write, tmp_path: Path) -> None:
    directory = project({"main.hcl": HCL, **SUPPORT})
    cache = tmp_path / "cache"
    cold = load(directory, cache_dir=cache)
    assert any(cache.iterdir())
    assert load(directory, cache_dir=cache) == cold


def test_parse_cache_covers_yaml_files(project: Write, tmp_path: Path) -> None:
    split = HCL.index('function "resize"')
    yaml_part = "function:\n  extra:\n    runtime: ${runtime.python}\n    source: ./code\n"
    directory = project({"a.hcl": HCL[:split], "b.fnplan.yaml": yaml_part, **SUPPORT})
    cache = tmp_path / "cache"
    cold = load(directory, cache_dir=cache)
    assert len(list(cache.glob("parse-*.pickle"))) == 2
    assert load(directory, cache_dir=cache) == cold


def test_error_in_function_body_position(project: Write) -> None:
    text = HCL.replace("max = 20", 'max = "lots"')
    error = load_error(project({"main.hcl": text, **SUPPORT}))
    assert error.message == "max: expected number, got string"
    assert error.pos is not None and (error.pos.line, error.pos.column) == (33, 11)
