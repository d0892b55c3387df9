"""Validation hooks (protocol v2), end to end through `fnplan validate`: the provider block
against the provider's config model, workflow steps against its node types, each resource
through its validate_resource."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.conftest import EXAMPLES
from tests.providers.protocol_strict import install

#: examples/minimal deployed with the strict provider (the only one configured: the default)
STRICT = """
provider "strict" {
  region = "eu-west-1"
}
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return install(tmp_path / "site")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(EXAMPLES / "minimal", target, ignore=shutil.ignore_patterns(".fnplan"))
    (target / "strict.hcl").write_text(STRICT)
    return target


def test_a_valid_configuration_passes(project: Path, env: dict[str, str]) -> None:
    result = run_fnplan("validate", cwd=project, env=env)
    assert "Success!" in result.stdout


def test_provider_block_attributes_are_typed(project: Path, env: dict[str, str]) -> None:
    (project / "strict.hcl").write_text(
        'provider "strict" {\n  region  = "eu-west-1"\n  retries = "many"\n  regoin = "x"\n}\n'
    )
    result = run_fnplan("validate", cwd=project, env=env, check=None)
    assert_clean_error(
        result,
        'strict.hcl:3:13: error: retries in provider "strict" block: Input should be a valid',
        "strict.hcl:4:12: error: unknown attribute 'regoin' in provider \"strict\" block",
        "allowed: region, retries",
        "did you mean 'region'?",
    )


def test_a_missing_required_setting(project: Path, env: dict[str, str]) -> None:
    (project / "strict.hcl").write_text('provider "strict" {\n}\n')
    result = run_fnplan("validate", cwd=project, env=env, check=None)
    assert_clean_error(
        result, "strict.hcl:1:1: error: missing required attribute 'region' in provider"
    )


def test_local_takes_no_settings(project: Path) -> None:
    (project / "strict.hcl").unlink()
    main = project / "main.hcl"
    main.write_text(
        main.read_text().replace('provider "local" {}', 'provider "local" {\n  region = "x"\n}')
    )
    result = run_fnplan("validate", cwd=project, check=None)
    assert_clean_error(
        result, "main.hcl:6:12: error: unknown attribute 'region' in provider \"local\" block"
    )


def test_a_step_the_provider_cannot_run(project: Path, env: dict[str, str]) -> None:
    main = project / "main.hcl"
    shell = '  step "probe" {\n    shell {\n      script = "true"\n    }\n  }\n\n  output = {'
    main.write_text(main.read_text().replace("  output = {", shell, 1))
    result = run_fnplan("validate", cwd=project, env=env, check=None)
    assert_clean_error(
        result,
        "main.hcl:25:3: error: step 'probe' of workflow.hello is a shell step, "
        "which provider strict cannot run",
        "allowed: function, workflow",
    )


def test_resource_errors_from_the_provider(project: Path, env: dict[str, str]) -> None:
    main = project / "main.hcl"
    text = main.read_text().replace('function "hello"', 'function "hello_there_world"')
    main.write_text(text.replace("function.hello\n", "function.hello_there_world\n"))
    result = run_fnplan("validate", cwd=project, env=env, check=None)
    assert_clean_error(
        result,
        "main.hcl:11:1: error: function.hello_there_world.name: a function name has at most 12",
    )


def test_resource_warnings_from_the_provider(project: Path, env: dict[str, str]) -> None:
    main = project / "main.hcl"
    memory = '  handler = "main.handler"\n  memory  = 2048'
    main.write_text(main.read_text().replace('  handler = "main.handler"', memory))
    result = run_fnplan("validate", cwd=project, env=env)
    assert "main.hcl:15:13: warning: function.hello.memory: above 1024 MB" in result.stderr
    assert "Success!" in result.stdout


def test_a_resource_type_the_provider_does_not_manage(project: Path, env: dict[str, str]) -> None:
    with (project / "strict.hcl").open("a") as strict:
        strict.write('\nevent "ping" {\n  type = "com.example.ping"\n}\n')
    result = run_fnplan("validate", cwd=project, env=env, check=None)
    assert_clean_error(
        result,
        "strict.hcl:6:1: error: event.ping: provider strict cannot manage event resources",
        "allowed: function, runtime, trigger, workflow",
    )


def test_an_unknown_provider_is_an_error_at_its_block(project: Path) -> None:
    (project / "strict.hcl").write_text('\nprovider "nosuch" {\n  region = "x"\n}\n')
    result = run_fnplan("validate", cwd=project, check=None)
    assert_clean_error(result, "strict.hcl:2:1: error: unknown provider 'nosuch'", "local")
