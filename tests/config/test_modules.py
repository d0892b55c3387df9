"""Module calls: inputs, nested modules, version constraints, source cycles, built-ins."""

from __future__ import annotations

from pathlib import Path

from fnplan.config.model import Ref
from tests.config.conftest import Write, load, load_error, where

CHILD = """\
fnplan {
  version = "2.1.0"
}
variable "label" {
  type = string
}
runtime "py" {
}
function "work" {
  runtime = runtime.py
  source  = "."
  env = {
    LABEL = var.label
  }
}
workflow "run" {
  step "one" {
    function = function.work
    input    = { x = input.x }
  }
}
output "name" {
  value = "child-${var.label}"
}
"""


def test_nested_modules_two_deep(project: Write) -> None:
    grandchild = CHILD.replace('version = "2.1.0"', 'version = "1.0.0"')
    child = CHILD + 'module "inner" {\n  source = "./inner"\n  label  = "${var.label}-inner"\n}\n'
    child += 'output "inner_workflow" {\n  value = module.inner.workflow.run\n}\n'
    root = project(
        {
            "main.hcl": 'module "outer" {\n  source  = "./modules/outer"\n  version = "~> 2.1"\n'
            '  label   = "x"\n}\noutput "n" {\n  value = module.outer.name\n}\n',
            "modules/outer/main.hcl": child,
            "modules/outer/inner/main.hcl": grandchild,
        }
    )
    config = load(root)
    outer = config.modules["outer"]
    inner = outer.config.modules["inner"]
    assert outer.config.path == ("outer",)
    assert inner.config.path == ("outer", "inner")
    assert inner.inputs == {"label": "x-inner"}
    assert inner.config.functions["work"].env == {"LABEL": "x-inner"}
    assert inner.config.functions["work"].runtime.address == "module.outer.module.inner.runtime.py"
    step = inner.config.workflows["run"].steps["one"]
    assert step.function is not None
    assert step.function.address == "module.outer.module.inner.function.work"
    inner_workflow = outer.config.outputs["inner_workflow"].value
    assert isinstance(inner_workflow, Ref)
    assert inner_workflow.address == "module.outer.module.inner.workflow.run"
    assert config.outputs["n"].value == "child-x"


def test_module_workflow_reference_and_unknown(project: Write) -> None:
    root = project(
        {
            "main.hcl": 'module "m" {\n  source = "./m"\n  label = "a"\n}\n'
            'workflow "w" {\n  step "s" {\n    workflow = module.m.workflow.rn\n  }\n}\n',
            "m/main.hcl": CHILD,
        }
    )
    error = load_error(root)
    assert error.message == "unknown workflow 'rn' in module.m"
    assert error.hint == "did you mean 'run'?"
    assert where(error) == "main.hcl:7:33"


def test_module_version_mismatch(project: Write) -> None:
    root = project(
        {
            "main.hcl": 'module "m" {\n  source  = "./m"\n  version = ">= 3.0, < 4"\n'
            '  label   = "a"\n}\n',
            "m/main.hcl": CHILD,
        }
    )
    error = load_error(root)
    assert error.message == "module \"m\" is version 2.1.0, which does not satisfy '>= 3.0, < 4'"
    assert where(error) == "main.hcl:3:13"
    assert error.notes and error.notes[0].startswith("declared at ")
    assert error.notes[0].endswith("m/main.hcl:2:13")


def test_module_constraint_without_declared_version(project: Write) -> None:
    root = project(
        {
            "main.hcl": 'module "m" {\n  source  = "./m"\n  version = "~> 1.0"\n}\n',
            "m/main.hcl": 'runtime "py" {\n}\n',
        }
    )
    error = load_error(root)
    assert "declares no version" in error.message
    assert where(error) == "main.hcl:3:13"
    assert 'fnplan { version = "X.Y.Z" }' in (error.hint or "")


def test_module_source_cycle(project: Write) -> None:
    root = project(
        {
            "main.hcl": 'module "a" {\n  source = "./a"\n}\n',
            "a/main.hcl": 'module "b" {\n  source = "../b"\n}\n',
            "b/main.hcl": 'module "a" {\n  source = "../a"\n}\n',
        }
    )
    error = load_error(root)
    assert error.message.startswith("module source cycle: ")
    chain = error.message.removeprefix("module source cycle: ").split(" -> ")
    assert [part.split(" (")[0] for part in chain] == ['module "a"', 'module "b"', 'module "a"']
    assert "a/main.hcl:2:12" in chain[1] and "b/main.hcl:2:12" in chain[2]
    assert error.pos is not None and error.pos.file.endswith("b/main.hcl")
    assert (error.pos.line, error.pos.column) == (2, 12)


def test_module_input_errors(project: Write) -> None:
    root = project(
        {"main.hcl": 'module "m" {\n  source = "./m"\n  lable = "a"\n}\n', "m/main.hcl": CHILD}
    )
    error = load_error(root)
    assert "declares no variable 'lable'" in error.message
    assert error.hint == "did you mean 'label'?"
    assert where(error) == "main.hcl:3:11"
    root = project({"main.hcl": 'module "m" {\n  source = "./m"\n}\n', "m/main.hcl": CHILD})
    error = load_error(root)
    assert error.message == "variable 'label' has no value and no default"
    assert "pass label = ..." in (error.hint or "")


def test_builtin_vision_module(project: Write) -> None:
    root = project(
        {
            "main.hcl": 'module "vision" {\n  source     = "fnplan/vision"\n'
            '  version    = "~> 2.0"\n  tag_prefix = "img"\n}\n'
        }
    )
    vision = load(root).modules["vision"].config
    assert vision.version == "2.1.0"
    assert sorted(vision.functions) == ["detect", "tag"]
    steps = vision.workflows["classify"].steps
    assert steps["tag"].input["labels"] == {"$expr": "step.detect.output.labels"}
    assert steps["tag"].input["prefix"] == "img"
    assert Path(vision.functions["detect"].source, "main.py").is_file()
    error = load_error(project({"main.hcl": 'module "v" {\n  source = "fnplan/visoin"\n}\n'}))
    assert error.message == "no built-in module 'visoin'"
    assert error.hint == "did you mean 'vision'?"
