"""Compile at the benchmark size, 1,000 functions + 100 workflows of 10 steps: a warm compile
(source-hash cache filled) gives the cold result. Speed: benchmarks/components.py (compile_warm)."""

from __future__ import annotations

from pathlib import Path

from fnplan.compile import exprs
from fnplan.compile.compile import compile_config
from fnplan.config.model import Config
from tests.compile.builders import config, expr, function, ref, step, workflow


def _benchmark(root: Path) -> Config:
    functions = [function(root, f"f{i}", memory=128 + i % 4) for i in range(1000)]
    workflows = []
    for w in range(100):
        steps = [step("s0", function=ref(f"function.f{w * 10}"), input={"url": expr("input.url")})]
        steps += [
            step(f"s{i}", function=ref(f"function.f{w * 10 + i}"),
                 input={"data": expr(f"step.s{i - 1}.output.path"), "n": i})
            for i in range(1, 10)
        ]  # fmt: skip
        workflows.append(workflow(f"w{w}", steps, output={"r": expr("step.s9.output")}))
    return config(root, functions=functions, workflows=workflows)


def test_warm_compile_of_the_benchmark_matches_the_cold_one(tmp_path: Path) -> None:
    cfg = _benchmark(tmp_path)
    cache = tmp_path / "cache"
    cold = compile_config(cfg, cache_dir=cache)
    exprs.parse_source.cache_clear()  # as in a fresh process
    exprs._step_paths.cache_clear()
    warm = compile_config(cfg, cache_dir=cache)
    assert warm.config_hash == cold.config_hash
    assert len(warm.resources) == 1000 + 100 + 1
