"""`load_config`: a directory of HCL/YAML files (and the modules it calls) into the evaluated
`fnplan.config.model.Config`."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fnplan.config.blocks import (
    build_all,
    build_event,
    build_function,
    build_output,
    build_providers,
    build_runtimes,
    build_settings,
    build_trigger,
)
from fnplan.config.cycles import check_reference_cycles
from fnplan.config.evaluate import Evaluator
from fnplan.config.files import ModuleFiles, read_module
from fnplan.config.imports import module_imports
from fnplan.config.lifecycle import module_lifecycles, module_moves
from fnplan.config.model import Backend, Config, Variable
from fnplan.config.modules import Context, ModuleCalls
from fnplan.config.scope import finalize
from fnplan.config.variables import Sources, resolve_variables
from fnplan.config.workflows import build_workflow
from fnplan.errors import SourcePos
from fnplan.expr.marks import mark_if, unmark_deep


def load_config(
    directory: Path,
    *,
    variables: Mapping[str, str] = {},
    var_files: Sequence[Path] = (),
    environ: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
) -> Config:
    """Load, merge and evaluate every configuration file in `directory` (the root module).

    `variables` are --var name=value texts, `var_files` --var-file paths, `environ` supplies
    FNPLAN_VAR_<name> (default os.environ); parsed HCL is cached under `cache_dir`.
    """
    root, context = _root_context(directory, cache_dir)
    sources = Sources(os.environ if environ is None else environ, tuple(var_files), variables)
    with _gc_paused():
        return _load_module(read_module(root, cache_dir), context, sources, {}, None)


def load_backend(
    directory: Path,
    *,
    variables: Mapping[str, str] = {},
    var_files: Sequence[Path] = (),
    cache_dir: Path | None = None,
) -> Backend:
    """Only the root module's `fnplan { backend }`: state commands need the state's location,
    and an error elsewhere in the configuration must not keep them from reading or fixing it."""
    root, context = _root_context(directory, cache_dir)
    sources = Sources(os.environ, tuple(var_files), variables)
    ev, _, _ = _evaluator(read_module(root, cache_dir), context, sources, {}, None)
    return build_settings(ev)[1]


def _root_context(directory: Path, cache_dir: Path | None) -> tuple[Path, Context]:
    """The resolved root directory and the evaluation context of the root module."""
    root = Path(directory).resolve()
    context = Context(
        path=(),
        root=root,
        cache_dir=cache_dir,
        stack=((root, "the root module"),),
        providers=frozenset(),
    )
    return root, context


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading allocates many small objects and no cycles worth collecting; pausing the cyclic
    garbage collector meanwhile halves the load time of large projects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_child(
    files: ModuleFiles, context: Context, inputs: Mapping[str, tuple[Any, SourcePos]], caller: str
) -> Config:
    return _load_module(files, context, None, inputs, caller)


def _load_module(
    files: ModuleFiles,
    context: Context,
    sources: Sources | None,
    inputs: Mapping[str, tuple[Any, SourcePos]],
    caller: str | None,
) -> Config:
    check_reference_cycles(files)
    ev, variables, calls = _evaluator(files, context, sources, inputs, caller)
    ev.validate_variables()
    version, backend = build_settings(ev)
    config = Config(
        directory=str(files.directory),
        path=context.path,
        files=files.files,
        version=version,
        backend=backend,
        variables=variables,
        providers=build_providers(ev),
        runtimes=build_runtimes(ev),
        functions=build_all(ev, "function", build_function),
        workflows=build_all(ev, "workflow", build_workflow),
        events=build_all(ev, "event", build_event),
        triggers=build_all(ev, "trigger", build_trigger),
        outputs=build_all(ev, "output", build_output),
        modules={name: calls.module(name) for name in files.modules},
        lifecycles=module_lifecycles(files, context.prefix),
        moved=module_moves(files, context.prefix),
        imports=module_imports(ev, files),
        data=ev.data.read_all(),
    )
    config.locals = {
        name: unmark_deep(finalize(ev.local(name, attribute.pos), attribute.pos))[0]
        for name, attribute in files.locals.items()
    }
    config.sensitive_values = sorted(ev.sensitive_values)
    return config


def _evaluator(
    files: ModuleFiles,
    context: Context,
    sources: Sources | None,
    inputs: Mapping[str, tuple[Any, SourcePos]],
    caller: str | None,
) -> tuple[Evaluator, dict[str, Variable], ModuleCalls]:
    """The module's evaluator over its resolved variables, loading child modules on demand."""
    variables = resolve_variables(files.variables, sources=sources, inputs=inputs, caller=caller)
    calls = ModuleCalls(files, context, _load_child)
    ev = Evaluator(
        files,
        {name: mark_if(variable.value, variable.sensitive) for name, variable in variables.items()},
        prefix=context.prefix,
        root=context.root,
        providers=context.providers | frozenset(files.providers),
        load_child=calls.view,
    )
    calls.evaluator = ev
    return ev, variables, calls
