"""What every command shares: the project directory, colour choice and the console."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from fnplan.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliContext:
    directory: Path
    color: bool = True
    _console: Console | None = field(default=None, repr=False)

    @property
    def console(self) -> Console:
        """A rich console on stdout; plain text when stdout is not a terminal."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                no_color=not self.color, highlight=False, soft_wrap=False, emoji=False
            )
        return self._console

    def workspace(
        self,
        variables: Sequence[str] = (),
        var_files: Sequence[Path] = (),
        lock_timeout: float = 0.0,
    ) -> Workspace:
        from fnplan.workspace import Workspace

        return Workspace(
            self.directory,
            variables=_parse_vars(variables),
            var_files=tuple(var_files),
            lock_timeout=lock_timeout,
        )


class PlanStatus:
    """On a terminal, a spinner naming what a plan is doing (reading, compiling, refreshing
    N resources): at 10,000 resources each takes seconds. Silent elsewhere."""

    def __init__(self, console: Console) -> None:
        self._status = console.status("", spinner="dots") if console.is_terminal else None
        self._observed = 0

    def __enter__(self) -> PlanStatus:
        self.stage("Reading the configuration…")
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stage(self, text: str) -> None:
        if self._status is not None:
            self._status.update(text)

    def observed(self, address: str) -> None:
        self._observed += 1
        if self._observed % 100 == 0:
            self.stage(f"Refreshing state… {self._observed:,} resources observed")

    def stop(self) -> None:
        """End the spinner (before the plan is printed or a question asked)."""
        if self._status is not None:
            self._status.stop()


def is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _parse_vars(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE", param_hint="--var")
        values[name.strip()] = value
    return values


def variable_options(func: F) -> F:
    """--var and --var-file, for every command that loads the configuration."""
    func = click.option(
        "--var-file",
        "var_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Read variable values from an HCL or JSON file (repeatable).",
    )(func)
    return click.option(
        "--var",
        "variables",
        multiple=True,
        metavar="NAME=VALUE",
        help="Set a variable (repeatable). Also FNPLAN_VAR_NAME in the environment.",
    )(func)


def lock_options(func: F) -> F:
    return click.option(
        "--lock-timeout",
        type=float,
        default=0.0,
        show_default=True,
        metavar="SECONDS",
        help="Wait this long for a state lock held by someone else.",
    )(func)


pass_cli = click.make_pass_decorator(CliContext)
