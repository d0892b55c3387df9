"""Sensitivity marks across the configuration: module inputs and outputs carry them, outputs
must declare them, and what left the evaluator marked is recorded for plans and masking."""

from __future__ import annotations

from tests.config.conftest import Write, load, load_error, where

SECRET = "s3cr3t-token"

CHILD = """\
variable "token" {
  type = string
}
output "header" {
  value     = "Bearer ${var.token}"
  sensitive = true
}
output "upper" {
  value = upper(var.token)
}
"""

ROOT = """\
variable "token" {
  type      = string
  sensitive = true
}
module "child" {
  source = "./child"
  token  = var.token
}
"""


def test_a_module_input_with_a_sensitive_value_is_sensitive_in_the_child(project: Write) -> None:
    root = project({"main.hcl": ROOT, "child/main.hcl": CHILD})
    error = load_error(root, variables={"token": SECRET})
    assert "Output refers to sensitive values" in error.message and '"upper"' in error.message
    assert where(error) == "main.hcl:9:11"
    assert error.pos is not None and error.pos.file.endswith("child/main.hcl")
    assert SECRET not in error.render()


def test_a_sensitive_module_output_is_marked_in_the_caller(project: Write) -> None:
    child = CHILD.replace(
        "value = upper(var.token)", "value = upper(var.token)\n  sensitive = true"
    )
    root = ROOT + 'output "leak" {\n  value = module.child.header\n}\n'
    directory = project({"main.hcl": root, "child/main.hcl": child})
    error = load_error(directory, variables={"token": SECRET})
    assert "Output refers to sensitive values" in error.message and '"leak"' in error.message
    fixed = root.replace("module.child.header\n", "module.child.header\n  sensitive = true\n")
    directory = project({"main.hcl": fixed, "child/main.hcl": child}, name="fixed")
    config = load(directory, variables={"token": SECRET})
    assert config.outputs["leak"].value == f"Bearer {SECRET}"
    assert f"Bearer {SECRET}" in config.sensitive_values
    assert config.modules["child"].config.variables["token"].sensitive
    assert config.modules["child"].inputs == {"token": SECRET}
    assert SECRET.upper() in config.modules["child"].config.sensitive_values


def test_unmarked_values_record_nothing(project: Write) -> None:
    root = ROOT.replace("  sensitive = true\n", "")
    config = load(project({"main.hcl": root, "child/main.hcl": CHILD}), variables={"token": "x"})
    assert config.sensitive_values == []
    assert config.modules["child"].config.sensitive_values == []
