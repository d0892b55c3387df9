"""Engine benchmark: plan/apply/no-op plan on the local provider, with Terraform as the anchor.

Generates a project of N functions (each with its own code directory) and N/10 shared
workflows of 10 steps (each step feeding the next), then times, as separate processes:
create plan (nothing cached), apply --parallelism 10, warm no-op plan, and `fnplan --version`;
peak memory is the largest RSS of those processes, and the CPU time of each is reported
too. Each N (and the anchor) is measured --runs times (3) on a fresh project; every figure
printed is the median of those runs, with its range. Prints one JSON object per N, then
the Terraform anchor and the ratios (of the medians) against the targets.

    python benchmarks/engine.py                 # N = 1000 and 10000, with the Terraform anchor
    python benchmarks/engine.py --n 1000 --no-anchor --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import harness

ANCHOR = Path(__file__).resolve().parents[2] / "shared" / "bench" / "terraform-anchor.sh"
TARGETS = {  # ratio targets against Terraform at N = 1000, absolute ones at N = 10000
    "plan_create_ratio": 1.5,
    "apply_ratio": 0.25,
    "plan_noop_ratio": 0.3,
    "plan_noop_s_10000": 5.0,
    "peak_rss_mb_10000": 500.0,
    "version_s": 0.2,
}


def generate(root: Path, n: int) -> None:
    """Write the benchmark project: one runtime, n functions, n/10 workflows of 10 steps."""
    parts = [
        'fnplan {\n  backend "local" {\n    path = ".fnplan/state.json"\n  }\n}\n',
        'runtime "python" {\n  language = "python3.12"\n  memory   = 128\n}\n',
    ]
    for i in range(n):
        code = root / "functions" / f"f{i}"
        code.mkdir(parents=True)
        (code / "main.py").write_text(f"def handler(event, context):\n    return {{'n': {i}}}\n")
        parts.append(
            f'function "f{i}" {{\n  runtime = runtime.python\n  source  = "./functions/f{i}"\n'
            f'  handler = "main.handler"\n}}\n'
        )
    for w in range(n // 10):
        steps = []
        for s in range(10):
            fn = w * 10 + s
            value = "input.value" if s == 0 else f"step.s{s - 1}.output.n"
            steps.append(
                f'  step "s{s}" {{\n    function = function.f{fn}\n'
                f"    input    = {{ value = {value} }}\n  }}\n"
            )
        parts.append(f'workflow "w{w}" {{\n  isolation = "shared"\n{"".join(steps)}}}\n')
    (root / "main.hcl").write_text("\n".join(parts))


def bench(n: int) -> dict[str, object]:
    """Generate the project of n functions, then time create plan, apply and no-op plan."""
    temp = Path(tempfile.mkdtemp(prefix=f"fnplan-bench-{n}-"))
    root = temp / "project"
    try:
        generate(root, n)
        harness.compile_fnplan()

        def fnplan(*args: str, ok: tuple[int, ...] = (0,)) -> harness.Measured:
            return harness.fnplan(*args, cwd=root, ok=ok)

        # A cache directory of its own, so the first plan has nothing cached.
        os.environ["FNPLAN_CACHE_DIR"] = str(temp / "cache")
        create = fnplan("plan", "--out", "bench.plan")
        applied = fnplan("apply", "--parallelism", "10", "bench.plan")
        noop = fnplan("plan", "--detailed-exitcode", ok=(0, 2))
        version = min((fnplan("--version") for _ in range(3)), key=lambda m: m.wall_s)
        return {
            "tool": "fnplan",
            "n": n,
            "resources": n + n // 10 + 1,
            "plan_create_s": round(create.wall_s, 3),
            "apply_s": round(applied.wall_s, 3),
            "plan_noop_s": round(noop.wall_s, 3),
            "noop_exitcode": noop.exit_code,
            "version_s": round(version.wall_s, 3),
            "peak_rss_mb": round(max(m.peak_rss_mb for m in (create, applied, noop)), 1),
            "rss_mb": {
                "plan_create": round(create.peak_rss_mb, 1),
                "apply": round(applied.peak_rss_mb, 1),
                "plan_noop": round(noop.peak_rss_mb, 1),
            },
            # user + system CPU of each process and its workers: much less moved by other
            # load on the machine than the wall times are
            "cpu_s": {
                "plan_create": round(create.cpu_s, 3),
                "apply": round(applied.cpu_s, 3),
                "plan_noop": round(noop.cpu_s, 3),
            },
        }
    finally:
        os.environ.pop("FNPLAN_CACHE_DIR", None)
        shutil.rmtree(temp, ignore_errors=True)


def anchor(n: int) -> dict[str, float] | None:
    if not ANCHOR.exists():
        print(f"# Terraform anchor not found at {ANCHOR}", file=sys.stderr)
        return None
    out = subprocess.run(["bash", str(ANCHOR), str(n), "10"], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"# Terraform anchor failed:\n{out.stderr}", file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, action="append", help="function counts (default 1000, 10000)"
    )
    parser.add_argument("--no-anchor", action="store_true", help="skip the Terraform anchor")
    parser.add_argument(
        "--runs", type=int, default=3, help="measurements per figure, reported as the median"
    )
    args = parser.parse_args()
    results: dict[int, dict[str, Any]] = {}
    for n in args.n or [1000, 10000]:
        results[n] = harness.repeated(partial(bench, n), args.runs) or {}
        print(json.dumps(results[n]), flush=True)
    tf = None if args.no_anchor else harness.repeated(partial(anchor, 1000), args.runs)
    if tf:
        print(json.dumps(tf))
    summary: dict[str, object] = {"targets": TARGETS}
    if tf and 1000 in results:
        ours = results[1000]
        summary["plan_create_ratio"] = round(float(ours["plan_create_s"]) / tf["plan_create_s"], 3)
        summary["apply_ratio"] = round(float(ours["apply_s"]) / tf["apply_s"], 3)
        summary["plan_noop_ratio"] = round(float(ours["plan_noop_s"]) / tf["plan_noop_s"], 3)
    if 10000 in results:
        summary["plan_noop_s_10000"] = results[10000]["plan_noop_s"]
        summary["peak_rss_mb_10000"] = results[10000]["peak_rss_mb"]
    summary["version_s"] = min(float(r["version_s"]) for r in results.values())
    summary["met"] = {k: summary[k] <= v for k, v in TARGETS.items() if k in summary}  # type: ignore[operator]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
