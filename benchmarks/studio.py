"""The studio on a 200-step workflow: how long the layered layout takes (target < 0.5 s), and
how long after navigation headless Chromium has drawn every step (target < 2 s), read from
the browser's performance API (the page marks `fnplan:drawn` when it has drawn a graph).

    python benchmarks/studio.py                 # 200 steps, 5 layouts, 3 page loads
    python benchmarks/studio.py --steps 500 --loads 5

Needs Debian's chromium (/usr/bin/chromium) and Playwright for Python (the test extra).
"""

from __future__ import annotations

import argparse
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
LAYOUT_TARGET_S = 0.5
DRAWN_TARGET_MS = 2000.0
#: steps per chain: each step depends on the one before it, each chain's first step on the
#: middle of the chain before, and every fifth step reads an output of the one five back
CHAIN = 20


def write_project(directory: Path, steps: int) -> None:
    """A project with one function and a workflow `big` of `steps` steps."""
    (directory / "functions" / "f").mkdir(parents=True)
    (directory / "functions" / "f" / "main.py").write_text(
        "def handler(event, context):\n    return {'n': 1}\n"
    )
    blocks = [
        'provider "local" {}\n',
        'runtime "python" {\n  language = "python3.12"\n}\n',
        'function "f" {\n  runtime = runtime.python\n  source  = "./functions/f"\n'
        '  handler = "main.handler"\n}\n',
        'workflow "big" {\n' + "".join(_step(i) for i in range(steps)) + "}\n",
    ]
    (directory / "main.hcl").write_text("\n".join(blocks))


def _step(i: int) -> str:
    depends = []
    if i % CHAIN:
        depends.append(f"step.s{i - 1}")
    elif i:
        depends.append(f"step.s{i - CHAIN // 2}")
    lines = [f'  step "s{i}" {{', "    function = function.f"]
    if i >= 5 and i % 5 == 0:
        lines.append(f"    input = {{ n = step.s{i - 5}.output.n }}")
    if depends:
        lines.append(f"    depends_on = [{', '.join(depends)}]")
    return "\n".join(lines) + "\n  }\n"


def layout_seconds(directory: Path, repeats: int) -> list[float]:
    """Wall time of building and laying out the workflow's graph, `repeats` times."""
    from fnplan.operations.workflow_graphs import workflow_documents
    from fnplan.studio.graph import build_graph
    from fnplan.studio.layout import lay_out
    from fnplan.workspace import Workspace

    workspace = Workspace(directory)
    document = workflow_documents(workspace.compile(workspace.load(), None))["workflow.big"]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        lay_out(build_graph(document))
        times.append(time.perf_counter() - start)
    return times


def drawn_milliseconds(directory: Path, steps: int, loads: int) -> list[float]:
    """For each of `loads` fresh page loads of /ui/workflows/big: the time from navigation
    start until the page had drawn every step (performance.mark "fnplan:drawn")."""
    from playwright.sync_api import sync_playwright

    server = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "serve", "--ui", "--port", "0"],
        cwd=directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = _listening(server) + "/ui/workflows/big"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            times = [_load(browser, url, steps) for _ in range(loads + 1)][1:]  # first: warm-up
            browser.close()
        return times
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _listening(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    for line in server.stdout:
        found = re.search(r"Listening on (http://\S+)", line)
        if found:
            return found.group(1)
    raise SystemExit("fnplan serve --ui did not start")


def _load(browser: object, url: str, steps: int) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_selector(f'#graph[data-nodes="{steps}"]', state="attached", timeout=60_000)
    drawn = page.locator(".node").count()
    if drawn != steps:
        raise SystemExit(f"the page drew {drawn} steps, not {steps}")
    mark: float = page.evaluate('performance.getEntriesByName("fnplan:drawn")[0].startTime')
    page.close()
    return mark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--layouts", type=int, default=5, help="layouts to time")
    parser.add_argument("--loads", type=int, default=3, help="page loads to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        write_project(directory, args.steps)
        layouts = layout_seconds(directory, args.layouts)
        drawn = drawn_milliseconds(directory, args.steps, args.loads)
    layout = statistics.median(layouts)
    shown = statistics.median(drawn)
    print(f"steps: {args.steps}")
    print(
        f"layout_s: {layout:.3f} (median of {len(layouts)}, range {min(layouts):.3f}-"
        f"{max(layouts):.3f}; target < {LAYOUT_TARGET_S}) "
        + ("met" if layout < LAYOUT_TARGET_S else "MISSED")
    )
    print(
        f"drawn_ms: {shown:.0f} (median of {len(drawn)} page loads, range {min(drawn):.0f}-"
        f"{max(drawn):.0f}; target < {DRAWN_TARGET_MS:.0f}) "
        + ("met" if shown < DRAWN_TARGET_MS else "MISSED")
    )


if __name__ == "__main__":
    main()
