"""The expression function's package and layer hold everything its handler needs: unpacked
next to each other, without this environment's site-packages, they evaluate expressions as
fnplan does (the layer is built for this machine's Python, as apply builds it for Lambda's)."""

from __future__ import annotations

import io
import json
import platform
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fnplan.providers.aws.expression_function import expression_package, requirements
from fnplan.providers.aws.layers import PLATFORMS, build_layer

EVENT = {
    "when": {"$expr": "length(input.items) > 0"},
    "values": {
        "n": {"$expr": "length(input.items) + 1"},
        "text": {"$expr": '"${upper(input.name)}-${step.a.output.id}"'},
        "skipped": {"$expr": "step.b.output.x"},
    },
    "input": {"items": [1, 2], "name": "img"},
    "steps": {"a": {"output": {"id": 7}}},
    "status": {"a": "succeeded", "b": "skipped"},
}


@pytest.mark.skipif(platform.machine() not in PLATFORMS, reason="no Lambda platform wheels")
def test_package_and_layer_evaluate_without_site_packages(tmp_path: Path) -> None:
    code, layer = tmp_path / "code", tmp_path / "layer"
    zipfile.ZipFile(io.BytesIO(expression_package())).extractall(code)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    data = build_layer(requirements(), python, platform.machine(), tmp_path / "cache")
    zipfile.ZipFile(io.BytesIO(data)).extractall(layer)
    program = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(code)!r}, {str(layer / 'python')!r}]\n"
        "import fnplan_expressions\n"
        "print(json.dumps(fnplan_expressions.handler(json.loads(sys.argv[1]), None)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", program, json.dumps(EVENT)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "when": True,
        "values": {"n": 3, "text": "IMG-7", "skipped": None},
    }
