"""Generate docs/cli.md from the click commands, so the reference never drifts from the code.

python -m fnplan.cli.docs > docs/cli.md
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from fnplan.cli.main import cli

_HEADER = """# fnplan command reference

Generated from the commands' own help by `python -m fnplan.cli.docs > docs/cli.md`
(a test keeps it in sync). Every command also answers `--help`.

Exit codes: 0 success; 1 error (the message says what and where); 2 from
`plan --detailed-exitcode` when there are changes; 3 from `fmt --check` when files need
formatting; 130 when interrupted.
"""


def render() -> str:
    return "\n".join([_HEADER, *_sections(cli, ["fnplan"])]) + "\n"


def _sections(command: click.Command, path: list[str]) -> Iterator[str]:
    ctx = click.Context(
        command, info_name=" ".join(path), terminal_width=100, max_content_width=100
    )
    if len(path) > 1:
        yield f"## `{' '.join(path)}`\n"
        yield "```text"
        yield command.get_help(ctx).rstrip()
        yield "```\n"
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _sections(sub, [*path, name])


if __name__ == "__main__":
    print(render(), end="")
