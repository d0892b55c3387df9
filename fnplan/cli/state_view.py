"""Human and JSON views of the recorded state (`fnplan show`)."""

from __future__ import annotations

import json
from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from fnplan.state.model import State


def print_state(state: State, console: Console, *, as_json: bool) -> None:
    """Resources grouped by the block that declared them, then the outputs; sensitive values
    are hidden in both forms (the state file keeps them)."""
    if as_json:
        from fnplan.plan.redact import hidden_state

        console.print_json(hidden_state(state).model_dump_json())
        return
    if not state.resources:
        console.print("The state is empty: nothing is deployed.")
        return
    from rich.markup import escape  # a target's copy, "workflow.w[aws]", is no markup

    resources = sorted(state.resources.values(), key=lambda r: (r.group or r.address, r.address))
    for group, members in groupby(resources, key=lambda r: r.group or r.address):
        console.print(f"[bold]{escape(group)}[/bold]")
        for resource in members:
            version = resource.outputs.get("version_number")
            suffix = f"  (version {version})" if version is not None else ""
            pending = f"  [yellow]pending {resource.pending}[/yellow]" if resource.pending else ""
            address = escape(resource.address)
            console.print(f"  {address}  [dim]{resource.provider}[/dim]{suffix}{pending}")
    if state.outputs:
        console.print("\n[bold]Outputs[/bold]")
        for name, out in sorted(state.outputs.items()):
            shown = "(sensitive)" if out.sensitive else json.dumps(out.value)
            console.print(f"  {name} = {shown}")
