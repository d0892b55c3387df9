"""What a reviewer reads in `fnplan plan`: no output shown as changing when it cannot change,
and function create blocks that name their runtime instead of repeating it as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_workflow_update_keeps_its_endpoint_known(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    endpoint = json.loads(fnplan("output", "--json", cwd=quickstart).stdout)["thumbnail_endpoint"][
        "value"
    ]
    _edit(quickstart / "main.hcl", 'reason = "resize failed"', 'reason = "resize broke"')

    text = fnplan("plan", cwd=quickstart).stdout
    assert "~ workflow.thumbnail will be updated in place" in text, text
    assert "(known after apply)" not in text, text
    assert "endpoint" not in text, text
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in text, text
    plan = json.loads(fnplan("plan", "--json", cwd=quickstart).stdout)
    (output,) = [o for o in plan["outputs"] if o["name"] == "thumbnail_endpoint"]
    assert output["action"] == "noop" and output["after"] == endpoint
    assert not output["known_after_apply"]

    fnplan("apply", "--auto-approve", cwd=quickstart)
    after = json.loads(fnplan("output", "--json", cwd=quickstart).stdout)["thumbnail_endpoint"][
        "value"
    ]
    assert after == endpoint
    fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)


def test_function_create_names_its_runtime(fnplan: Runner, quickstart: Path) -> None:
    text = fnplan("plan", cwd=quickstart).stdout
    block = text.split("+ function.fetch will be created", 1)[1].split("\n# ", 1)[0]
    assert "+ runtime = runtime.python\n" in block, block
    assert '"language"' not in block and '"packages"' not in block, block
    resize = text.split("+ function.resize will be created", 1)[1].split("\n# ", 1)[0]
    assert "+ runtime = runtime.python-tools\n" in resize, resize
    # the runtime itself is still shown in full where it is created
    runtime = text.split("+ runtime.python will be created", 1)[1].split("\n# ", 1)[0]
    assert '+ language = "python3.12"' in runtime, runtime


def test_runtime_change_shows_on_each_function_that_uses_it(
    fnplan: Runner, quickstart: Path
) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    _edit(quickstart / "main.hcl", 'LOG_FORMAT = "json"', 'LOG_FORMAT = "text"')

    text = fnplan("plan", cwd=quickstart).stdout
    fetch = text.split("~ function.fetch will be updated in place", 1)[1].split("\n# ", 1)[0]
    assert "# runtime runtime.python changed" in fetch, fetch
    assert '~ runtime.env.LOG_FORMAT: "json" → "text"' in fetch, fetch
