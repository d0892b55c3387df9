"""Component benchmark: the engine's in-process building blocks, each timed on its own.

Replaces the wall-clock assertions the unit tests used to make: parse a large HCL file, warm
compile, observe deployed functions on the local provider, a no-op plan, an apply of creates on
the in-memory provider (tests/plan/memory.py) with the real state journal, journal writes and
replay, and a state write + read. Prints one JSON object per measurement, best of 3.

    python benchmarks/components.py                  # each component at its usual size
    python benchmarks/components.py --n 1000         # every component at 1,000
    python benchmarks/components.py --only plan_noop --only apply_create
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.plan.memory, the in-memory provider

from fnplan.providers.local import LocalProvider  # noqa: E402

from fnplan.apply.walk import apply_plan  # noqa: E402
from fnplan.compile import exprs  # noqa: E402
from fnplan.compile.compile import compile_config  # noqa: E402
from fnplan.compile.model import Desired  # noqa: E402
from fnplan.config.hcl import parse_hcl  # noqa: E402
from fnplan.config.model import Config, Function, Ref, Runtime, Step, Workflow  # noqa: E402
from fnplan.plan.planner import make_plan  # noqa: E402
from fnplan.provider import ProviderContext  # noqa: E402
from fnplan.resources import Resource  # noqa: E402
from fnplan.state.local import LocalBackend  # noqa: E402
from fnplan.state.model import ResourceState, State  # noqa: E402
from tests.plan.memory import MemoryProvider  # noqa: E402

A = TypeVar("A")
R = TypeVar("R")
REPEATS = 3
HANDLER = "def handler(event, context):\n    return event\n"


@dataclass(frozen=True)
class Component:
    """A measurement: its usual size and the bound its unit test used to assert at that size."""

    name: str
    default_n: int
    target_seconds: float | None
    measure: Callable[[int, Path], float]


def best_of(setup: Callable[[], A], run: Callable[[A], R]) -> tuple[float, R]:
    """Best wall time of REPEATS runs (each after a fresh, untimed setup) and the last result."""
    best, result = float("inf"), None
    for _ in range(REPEATS):
        arg = setup()
        started = time.perf_counter()
        result = run(arg)
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def check(ok: bool, what: str) -> None:
    """Stop the benchmark when a measured operation gave a wrong result."""
    if not ok:
        raise SystemExit(f"benchmark result is wrong: {what}")


# -- generators ------------------------------------------------------------------------------
def hcl_source(n: int) -> bytes:
    """n function blocks with an attribute, a template string and a nested block each."""
    block = (
        'function "fn{i}" {{\n  runtime = runtime.python\n  source = "./functions/fn{i}"\n'
        '  memory = {i}\n  env = {{ NAME = "fn-${{var.env}}-{i}" }}\n'
        "  scaling {{\n    max = 20\n  }}\n}}\n"
    )
    return "".join(block.format(i=i) for i in range(n)).encode()


def project_config(root: Path, n: int, *, shared_source: bool = False) -> Config:
    """An evaluated configuration of n functions and n/10 workflows of 10 chained steps."""
    sources = root / "functions"
    if shared_source:
        _write(
            sources / "shared", {"main.py": HANDLER, "lib/a.py": "A = 1\n", "lib/b.py": "B = 2\n"}
        )
    functions = {}
    for i in range(n):
        name = "shared" if shared_source else f"f{i}"
        if not shared_source:
            _write(sources / name, {"main.py": HANDLER})
        functions[f"f{i}"] = Function(
            name=f"f{i}",
            runtime=Ref(address="runtime.python"),
            source=str(sources / name),
            memory=128 + i % 4,
            pos=f"{root}/main.hcl:{10 + i}:1",
        )
    workflows = {f"w{w}": _chain(f"w{w}", w * 10) for w in range(n // 10)}
    runtime = Runtime(name="python", env={"LOG_FORMAT": "json"}, pos="main.hcl:2:1")
    return Config(
        directory=str(root),
        runtimes={"python": runtime},
        functions=functions,
        workflows=workflows if not shared_source else {},
    )


def _chain(name: str, first: int) -> Workflow:
    """A workflow of 10 steps, each feeding its output path to the next."""
    steps = [_step("s0", first, {"url": {"$expr": "input.url"}})]
    steps += [
        _step(f"s{i}", first + i, {"data": {"$expr": f"step.s{i - 1}.output.path"}, "n": i})
        for i in range(1, 10)
    ]
    output = {"r": {"$expr": "step.s9.output"}}
    return Workflow(name=name, steps={s.name: s for s in steps}, output=output, pos="main.hcl:1:1")


def _step(name: str, function: int, input: dict[str, Any]) -> Step:
    return Step(
        name=name, function=Ref(address=f"function.f{function}"), input=input, pos="main.hcl:20:3"
    )


def _write(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)


def memory_resources(n: int, **extra: Callable[[int], Any]) -> list[Resource]:
    """A runtime and n-1 functions on it, for the in-memory provider; extra attribute = f(i)."""
    runtime = Resource(
        address="runtime.python",
        type="runtime",
        provider="memory",
        attributes={"language": "python3.12", "memory": 256},
    )
    functions = [
        Resource(
            address=f"function.f{i}",
            type="function",
            provider="memory",
            attributes={"name": f"f{i}", "memory": 128, **{k: v(i) for k, v in extra.items()}},
            depends_on=["runtime.python"],
        )
        for i in range(n - 1)
    ]
    return [runtime, *functions]


def desired(resources: list[Resource]) -> Desired:
    """What the compiler would hand the planner for these resources."""
    return Desired(resources={r.address: r for r in resources}, config_hash="sha256:bench")


def recorded(resource: Resource, outputs: dict[str, Any] | None = None) -> ResourceState:
    """The state record an apply of `resource` leaves."""
    return ResourceState(
        address=resource.address,
        type=resource.type,
        provider=resource.provider,
        attributes=dict(resource.attributes),
        outputs=outputs or {},
        dependencies=list(resource.depends_on),
        group=resource.group,
    )


def state_records(n: int) -> list[ResourceState]:
    """n function records as the state tests build them."""
    return [
        ResourceState(
            address=f"function.f{i}",
            type="function",
            provider="local",
            attributes={"memory": 128, "env": {"K": str(i)}, "tags": ["a", "b"]},
        )
        for i in range(n)
    ]


def fresh_dir(root: Path) -> Path:
    """A new empty directory under root, so each repeat starts without state files."""
    return Path(tempfile.mkdtemp(dir=root))


# -- measurements ----------------------------------------------------------------------------
def hcl_parse(n: int, root: Path) -> float:
    """parse_hcl of one file of n function blocks."""
    source = hcl_source(n)
    seconds, body = best_of(lambda: source, lambda s: parse_hcl(s, "big.hcl"))
    check(len(body.blocks) == n, "block count")
    return seconds


def compile_warm(n: int, root: Path) -> float:
    """compile_config with the source-hash cache filled and the expression caches empty."""
    config = project_config(root, n)
    cache = root / "cache"
    cold = compile_config(config, cache_dir=cache)

    def clear() -> None:
        exprs.parse_source.cache_clear()  # as in a fresh process
        exprs._step_paths.cache_clear()

    seconds, warm = best_of(clear, lambda _: compile_config(config, cache_dir=cache))
    check(warm.config_hash == cold.config_hash, "warm and cold config hashes")
    check(len(warm.resources) == n + n // 10 + 1, "resource count")
    return seconds


def observe_functions(n: int, root: Path) -> float:
    """LocalProvider.observe of n deployed functions sharing one source directory."""
    compiled = compile_config(project_config(root, n, shared_source=True), cache_dir=root / "c")
    provider = LocalProvider(ProviderContext(project_dir=root, data_dir=root / ".fnplan"))
    runtime = compiled.resources["runtime.python"]
    provider.create(runtime)
    functions = [r for r in compiled.resources.values() if r.type == "function"]
    states = [recorded(r, provider.create(r)) for r in functions]
    seconds, observations = best_of(lambda: states, lambda ss: [provider.observe(s) for s in ss])
    check(
        all(o.up_to_date(s.attributes) for o, s in zip(observations, states, strict=True)),
        "every function up to date",
    )
    return seconds


def plan_noop(n: int, root: Path) -> float:
    """make_plan of n unchanged resources."""
    resources = memory_resources(n, env=lambda i: {"A": str(i)})
    want = desired(resources)
    state = State(resources={r.address: recorded(r) for r in resources}, serial=4)
    providers = {"memory": MemoryProvider()}
    seconds, plan = best_of(lambda: state, lambda s: make_plan(want, s, providers=providers))
    check(not plan.has_changes(), "no changes")
    return seconds


def apply_create(n: int, root: Path) -> float:
    """apply_plan of n creates (parallelism 10) on the in-memory provider, journalled to disk."""
    plan = make_plan(desired(memory_resources(n)), State())

    def run(backend: LocalBackend) -> int:
        state = State()
        journal = backend.journal(state)
        result = apply_plan(plan, state, {"memory": MemoryProvider()}, journal, parallelism=10)
        journal.close()
        check(result.ok, f"apply failed: {result.failed[:3]}")
        return result.added

    seconds, added = best_of(lambda: LocalBackend(fresh_dir(root) / "state.json"), run)
    check(added == n, "created count")
    return seconds


def journal_write(n: int, root: Path) -> float:
    """n intend + done pairs appended to the apply journal, then closed."""
    records = state_records(n)

    def saved() -> tuple[LocalBackend, State]:
        backend, state = LocalBackend(fresh_dir(root) / "state.json"), State()
        backend.write(state)
        return backend, state

    def run(saved: tuple[LocalBackend, State]) -> Path:
        backend, state = saved
        journal = backend.journal(state)
        for record in records:
            journal.intend(record.address, "create", record)
            journal.done(record.address, record)
        journal.close()
        return backend.journal_path

    seconds, path = best_of(saved, run)
    check(len(path.read_text().splitlines()) == 2 * n + 1, "journal line count")
    return seconds


def journal_replay(n: int, root: Path) -> float:
    """LocalBackend.read of an empty state plus a journal of n intend + done pairs."""
    backend, state = LocalBackend(root / "state.json"), State()
    backend.write(state)
    journal = backend.journal(state)
    for record in state_records(n):
        journal.intend(record.address, "create", record)
        journal.done(record.address, record)
    journal.close()
    seconds, replayed = best_of(lambda: LocalBackend(root / "state.json"), LocalBackend.read)
    check(len(replayed.resources) == n, "replayed resource count")
    return seconds


def state_write_read(n: int, root: Path) -> float:
    """LocalBackend.write then read of a state of n resources."""
    state = State(resources={r.address: r for r in state_records(n)})

    def run(backend: LocalBackend) -> State:
        backend.write(state)
        return LocalBackend(backend.path).read()

    seconds, read = best_of(lambda: LocalBackend(fresh_dir(root) / "state.json"), run)
    check(read.resources == state.resources, "state round trip")
    return seconds


COMPONENTS = [
    Component("hcl_parse", 1000, 2.0, hcl_parse),
    Component("compile_warm", 1000, 0.3, compile_warm),
    Component("observe_functions", 1000, 0.5, observe_functions),
    Component("plan_noop", 10_000, 0.5, plan_noop),
    Component("apply_create", 1100, 2.0, apply_create),
    Component("journal_write", 10_000, 1.0, journal_write),
    Component("journal_replay", 10_000, None, journal_replay),
    Component("state_write_read", 10_000, 3.0, state_write_read),
]


def measure(component: Component, n: int | None) -> dict[str, Any]:
    """Run one component in its own temp dir; the target scales linearly with n."""
    size = n or component.default_n
    target = component.target_seconds
    with tempfile.TemporaryDirectory(prefix=f"fnplan-{component.name}-") as tmp:
        seconds = component.measure(size, Path(tmp))
    return {
        "component": component.name,
        "n": size,
        "seconds": round(seconds, 4),
        "target_seconds": None if target is None else round(target * size / component.default_n, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="size for every component (default: each its own)")
    names = [c.name for c in COMPONENTS]
    parser.add_argument("--only", action="append", choices=names, help="run only these")
    args = parser.parse_args()
    for component in COMPONENTS:
        if args.only is None or component.name in args.only:
            print(json.dumps(measure(component, args.n)), flush=True)


if __name__ == "__main__":
    main()
