"""emit and serve read the provider blocks of the configuration, so they take --var like run."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import run_fnplan

REQUIRED = '\nvariable "secret_token" {\n  type = string\n}\n'


def test_emit_and_serve_take_the_variables_the_configuration_needs(quickstart: Path) -> None:
    with (quickstart / "main.hcl").open("a") as main:
        main.write(REQUIRED)
    run_fnplan("apply", "--auto-approve", "--var", "secret_token=t", cwd=quickstart, check=0)

    missing = run_fnplan("serve", "--once", cwd=quickstart, check=1)
    assert "variable 'secret_token' has no value and no default" in missing.stderr
    assert "Traceback" not in missing.stderr

    once = run_fnplan("serve", "--once", "--var", "secret_token=t", cwd=quickstart, check=0)
    assert "trigger.nightly -> workflow.thumbnail: succeeded" in once.stdout
    emitted = run_fnplan(
        "emit", "com.example.none", "--var", "secret_token=t", cwd=quickstart, check=0
    )
    assert "no trigger listens for events of type 'com.example.none'" in emitted.stderr
