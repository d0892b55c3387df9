"""A function's `scaling` on AWS through the real `fnplan` command, against moto: `max`
becomes the function's reserved concurrency (read back by refresh, so a change made in the
console is drift that apply restores); `concurrency`, which Lambda has no setting for, is
a validate warning at its line."""

from __future__ import annotations

import uuid
from pathlib import Path

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
    line = next(
        n
        for n, text in enumerate((root / "main.hcl").read_text().splitlines(), 1)
        if "scaling" in text
    )
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
