"""A function's `scaling` on AWS through the real `fnplan` command, against moto: `max`
becomes the function's reserved concurrency (read back by refresh, so a change made in the
console is drift that apply restores); `min` becomes provisioned concurrency on the alias
`live` (read back the same way, deleted when `min` goes back to 0; moto's server gets the API
from tests/moto_provisioned.py); `min` above `max` is a validate error, and `concurrency`,
which Lambda has no setting for, a validate warning, both at the `scaling` block's line."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from tests.providers.aws.test_aws_functions import fnplan, lam, write_project


def scaled_project(root: Path, endpoint: str, prefix: str, scaling: str) -> Path:
    write_project(root, endpoint, prefix)
    main = root / "main.hcl"
    text = main.read_text().replace(
        "  keep_versions = 2\n", f"  keep_versions = 2\n  scaling {{\n{scaling}  }}\n"
    )
    main.write_text(text)
    return root


def test_max_is_reserved_concurrency_read_back_as_drift(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"s{uuid.uuid4().hex[:8]}"
    root = scaled_project(tmp_path / "p", aws_endpoint, prefix, "    max = 5\n")
    fnplan(root, "apply", "--auto-approve")
    name = _name(aws_endpoint, prefix)
    client = lam(aws_endpoint)
    assert client.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5
    assert "No changes" in fnplan(root, "plan").stdout

    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=50)
    plan = fnplan(root, "plan").stdout
    assert "scaling" in plan and "50" in plan, plan
    fnplan(root, "apply", "--auto-approve")
    assert client.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5

    main = root / "main.hcl"
    main.write_text(main.read_text().replace("max = 5", "max = 3"))
    fnplan(root, "apply", "--auto-approve")
    assert client.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 3
    fnplan(root, "destroy", "--auto-approve")


def test_concurrency_is_a_validate_warning_at_its_line(tmp_path: Path, aws_endpoint: str) -> None:
    root = scaled_project(tmp_path / "p", aws_endpoint, "w", "    concurrency = 4\n")
    result = fnplan(root, "validate")
    line = _scaling_line(root)
    assert f"main.hcl:{line}" in result.stderr and "warning:" in result.stderr, result.stderr
    assert "one request at a time" in result.stderr, result.stderr


def test_the_default_concurrency_is_no_warning(tmp_path: Path, aws_endpoint: str) -> None:
    root = scaled_project(tmp_path / "p", aws_endpoint, "d", "    max = 5\n")
    assert "warning" not in fnplan(root, "validate").stderr


def _name(endpoint: str, prefix: str) -> str:
    (function,) = [
        f
        for f in lam(endpoint).list_functions()["Functions"]
        if f["FunctionName"].startswith(prefix)
    ]
    return str(function["FunctionName"])


def test_min_is_provisioned_concurrency_on_the_live_alias(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"p{uuid.uuid4().hex[:8]}"
    root = scaled_project(tmp_path / "p", aws_endpoint, prefix, "    min = 2\n    max = 8\n")
    fnplan(root, "apply", "--auto-approve")
    name, client = _name(aws_endpoint, prefix), lam(aws_endpoint)
    assert _provisioned(client, name) == 2
    assert "No changes" in fnplan(root, "plan").stdout

    client.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=5
    )
    plan = fnplan(root, "plan").stdout
    assert "scaling" in plan and "5" in plan, plan
    fnplan(root, "apply", "--auto-approve")
    assert _provisioned(client, name) == 2

    main = root / "main.hcl"
    main.write_text(main.read_text().replace("    min = 2\n", ""))
    fnplan(root, "apply", "--auto-approve")
    assert _provisioned(client, name) is None
    assert "No changes" in fnplan(root, "plan").stdout
    fnplan(root, "destroy", "--auto-approve")


def test_min_above_max_is_a_validate_error_at_scaling(tmp_path: Path, aws_endpoint: str) -> None:
    root = scaled_project(tmp_path / "p", aws_endpoint, "m", "    min = 9\n    max = 3\n")
    result = fnplan(root, "validate", check=None)
    assert result.returncode == 1, result.stderr
    line = _scaling_line(root)
    assert f"main.hcl:{line}" in result.stderr, result.stderr
    assert "min (9) must not exceed max (3)" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def _scaling_line(root: Path) -> int:
    """The line of main.hcl's `scaling` block (where its diagnostics point)."""
    lines = (root / "main.hcl").read_text().splitlines()
    return next(n for n, text in enumerate(lines, 1) if "scaling" in text)


def _provisioned(client: Any, name: str) -> int | None:
    """The live alias's requested provisioned concurrency, None without a configuration."""
    try:
        found = client.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    except client.exceptions.ProvisionedConcurrencyConfigNotFoundException:
        return None
    return int(found["RequestedProvisionedConcurrentExecutions"])
