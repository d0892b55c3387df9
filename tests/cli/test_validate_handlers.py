"""`fnplan validate` finds a Python function's handler in its source by reading the module
(never importing it), and reports a missing one at the `handler` attribute."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Runner, assert_clean_error


def _set_fetch_handler(project: Path, handler: str) -> str:
    """Point function.fetch at `handler`; returns the position of its `handler` value."""
    main = project / "main.hcl"
    lines = main.read_text().splitlines(keepends=True)
    block = next(i for i, line in enumerate(lines) if line.startswith('function "fetch"'))
    index = next(i for i in range(block, len(lines)) if lines[i].lstrip().startswith("handler"))
    lines[index] = f'  handler = "{handler}"\n'
    main.write_text("".join(lines))
    return f"main.hcl:{index + 1}:{len('  handler = ') + 1}"  # where its value starts


def test_a_misspelt_handler_is_an_error_at_its_attribute(fnplan: Runner, quickstart: Path) -> None:
    pos = _set_fetch_handler(quickstart, "main.handle")
    result = fnplan("validate", cwd=quickstart, check=None)
    assert_clean_error(
        result,
        f"{pos}: error:",
        "function.fetch",
        "'handle'",
        "main.py",
        "did you mean 'handler'?",
    )
    assert "allowed: _read, handler" in result.stderr + result.stdout
    fnplan("plan", cwd=quickstart, check=1)


def test_a_missing_module_names_the_files_looked_for(fnplan: Runner, quickstart: Path) -> None:
    pos = _set_fetch_handler(quickstart, "app.handler")
    result = fnplan("validate", cwd=quickstart, check=None)
    assert_clean_error(result, f"{pos}: error:", "app.py", "app/__init__.py", "functions/fetch")


def test_a_handler_without_a_module_is_an_error(fnplan: Runner, quickstart: Path) -> None:
    pos = _set_fetch_handler(quickstart, "handler")
    result = fnplan("validate", cwd=quickstart, check=None)
    assert_clean_error(result, f"{pos}: error:", "'module.function'")


def test_packages_async_defs_and_imports_are_found(fnplan: Runner, quickstart: Path) -> None:
    package = quickstart / "functions" / "fetch" / "app"
    package.mkdir()
    (package / "__init__.py").write_text("from app.impl import run as handler\n")
    (package / "impl.py").write_text("async def run(event, context):\n    return event\n")
    _set_fetch_handler(quickstart, "app.handler")
    fnplan("validate", cwd=quickstart)
    _set_fetch_handler(quickstart, "app.impl.run")
    fnplan("validate", cwd=quickstart)


def test_bindings_inside_top_level_blocks_count(fnplan: Runner, quickstart: Path) -> None:
    code = quickstart / "functions" / "fetch" / "fast.py"
    code.write_text(
        "try:\n    from speedy import go\nexcept ImportError:\n"
        "    def go(event, context):\n        return event\n"
        "handler: object = go\n"
    )
    _set_fetch_handler(quickstart, "fast.handler")
    fnplan("validate", cwd=quickstart)
    _set_fetch_handler(quickstart, "fast.go")
    fnplan("validate", cwd=quickstart)


def test_the_module_is_read_not_imported(fnplan: Runner, quickstart: Path) -> None:
    marker = quickstart / "imported"
    code = quickstart / "functions" / "fetch" / "noisy.py"
    code.write_text(
        f"open({str(marker)!r}, 'w').close()\n\ndef handler(event, context):\n    pass\n"
    )
    _set_fetch_handler(quickstart, "noisy.handler")
    fnplan("validate", cwd=quickstart)
    assert not marker.exists()


def test_a_syntax_error_in_the_module_is_reported(fnplan: Runner, quickstart: Path) -> None:
    code = quickstart / "functions" / "fetch" / "main.py"
    code.write_text(code.read_text() + "\ndef broken(:\n")
    result = fnplan("validate", cwd=quickstart, check=None)
    assert_clean_error(result, "function.fetch", "main.py", "line ")


def test_other_languages_are_not_checked(fnplan: Runner, quickstart: Path) -> None:
    main = quickstart / "main.hcl"
    main.write_text(main.read_text().replace('language = "python3.12"', 'language = "node20"', 1))
    _set_fetch_handler(quickstart, "index.handler")
    fnplan("validate", cwd=quickstart)
