"""Executor benchmark: end-to-end overhead of `fnplan run` per step, on no-op Python functions.

Generates two projects in a temp dir on the local provider, each with one no-op function:
a 200-step chain (each step feeding the next) and 200 independent steps. Applies them,
then times `fnplan run workflow.X` as a subprocess (process start, state read, worker
start-up, every step and the log included). Prints one JSON object per shape with ms/step
(best and median of --repeat runs; the median CPU time of the process tree too) and the
targets, then a summary.

    python benchmarks/executor.py
    python benchmarks/executor.py --steps 200 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

import harness

TARGETS = {"chain": 15.0, "independent": 5.0}  # ms per step, end to end
HANDLER = "def handler(event, context):\n    return {'value': event.get('value', 0)}\n"


def generate(root: Path, shape: str, steps: int) -> None:
    """Write a project with one no-op function and one workflow `bench` of `steps` steps."""
    code = root / "functions" / "noop"
    code.mkdir(parents=True)
    (code / "main.py").write_text(HANDLER)
    parts = [
        'fnplan {\n  backend "local" {\n    path = ".fnplan/state.json"\n  }\n}\n',
        'runtime "python" {\n  language = "python3.12"\n}\n',
        'function "noop" {\n  runtime = runtime.python\n  source  = "./functions/noop"\n}\n',
    ]
    body = []
    for i in range(steps):
        value = "input.value" if shape == "independent" or i == 0 else f"step.s{i - 1}.output.value"
        body.append(
            f'  step "s{i}" {{\n    function = function.noop\n'
            f"    input    = {{ value = {value} }}\n  }}\n"
        )
    parts.append(f'workflow "bench" {{\n{"".join(body)}}}\n')
    (root / "main.hcl").write_text("\n".join(parts))


def _fnplan(*args: str, cwd: Path) -> tuple[float, float]:
    """Run `python -m fnplan ARGS` in cwd (exit 0 required): (wall s, CPU s)."""
    measured = harness.fnplan(*args, cwd=cwd)
    return measured.wall_s, measured.cpu_s


def bench(shape: str, steps: int, repeat: int) -> dict[str, object]:
    """Apply a generated project of `shape`, then time `repeat` runs of its workflow."""
    temp = Path(tempfile.mkdtemp(prefix=f"fnplan-exec-{shape}-"))
    root = temp / "project"
    try:
        generate(root, shape, steps)
        _fnplan("apply", "--auto-approve", cwd=root)
        command = ("run", "workflow.bench", "--input", '{"value": 1}', "--json")
        _fnplan(*command, cwd=root)  # warm-up: byte code and OS caches, not timed
        timed = [_fnplan(*command, cwd=root) for _ in range(repeat)]
        runs = [wall for wall, _ in timed]
        return {
            "shape": shape,
            "steps": steps,
            "runs": repeat,
            "run_s": [round(r, 3) for r in runs],
            "ms_per_step_best": round(min(runs) * 1000 / steps, 2),
            "ms_per_step_median": round(statistics.median(runs) * 1000 / steps, 2),
            "cpu_ms_per_step_median": round(
                statistics.median(c for _, c in timed) * 1000 / steps, 2
            ),
            "target_ms_per_step": TARGETS[shape],
            "met": statistics.median(runs) * 1000 / steps <= TARGETS[shape],
        }
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="steps per workflow")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per shape")
    args = parser.parse_args()
    results = [bench(shape, args.steps, args.repeat) for shape in TARGETS]
    for result in results:
        print(json.dumps(result))
    summary = {
        "targets_ms_per_step": TARGETS,
        "ms_per_step": {str(r["shape"]): r["ms_per_step_median"] for r in results},
        "met": all(bool(r["met"]) for r in results),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
