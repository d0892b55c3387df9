"""Human and JSON renderings of a plan: Terraform-like text grouped by the user's blocks,
with reasons, attribute diffs, drift, outputs and the one summary line scripts look for."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from fnplan.plan.diff import changed_top_level
from fnplan.plan.model import AttrChange, OutputChange, Plan, ResourceChange
from fnplan.plan.redact import hide as hide_value
from fnplan.plan.refresh import DELETED_PATH
from fnplan.plan.refs import is_attr_ref, is_version_ref
from fnplan.plan.render_external import IMPORT_STYLE, IMPORT_SYMBOL, import_headline, reads_text
from fnplan.plan.render_lifecycle import MOVE_STYLE, MOVE_SYMBOL, lifecycle_label, moved_text, shown
from fnplan.plan.targets import by_target
from fnplan.plan.unknowns import UNKNOWN_TEXT

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}
_STYLE = {"create": "green", "update": "yellow", "delete": "red", "replace": "magenta"}
_HEADLINE = {
    "create": "will be created",
    "update": "will be updated in place",
    "delete": "will be destroyed",
    "replace": "must be replaced",
}
_MAX_INLINE = 80
_MAX_LINES = 12
_MAX_STRING = 200
_INDENT = "      "
#: stands for a placeholder while a value is formatted as JSON
_UNKNOWN = "\x00unknown\x00"
_UNKNOWN_JSON = json.dumps(_UNKNOWN)


def render_plan(
    plan: Plan,
    console: Console,
    *,
    drift: Mapping[str, list[AttrChange]] = {},
) -> None:
    """Print the plan for a reviewer: drift, the actions grouped by block, outputs, summary."""
    if plan.redact:
        plan, drift = _redacted(plan, drift)
    drift = drift or {c.address: c.drift for c in plan.changes if c.drift}
    if plan.reads:
        _emit(console, reads_text(plan.reads))
    if drift:
        _emit(console, _drift_section(drift))
    actions = [
        change
        for change in plan.changes
        if change.action != "noop" or change.importing or shown(change)
    ]
    outputs = [output for output in plan.outputs if output.action != "noop"]
    # One print per block group: rich's cost grows faster than linearly with one Text's size.
    for section in _actions_sections(actions):
        _emit(console, section, end="")
    if outputs:
        _emit(console, _outputs_section(outputs))
    console.print(summary_line(plan), style="bold", highlight=False)


def _emit(console: Console, text: Text, end: str = "\n") -> None:
    """Styled text where colour shows; elsewhere its plain characters, written straight to the
    console's file: rich's rendering of plain text costs most of a 10,000-resource plan (a
    recording console, as in tests, still gets them through console.out)."""
    if console.is_terminal and not console.no_color:
        console.print(text, highlight=False, soft_wrap=True, end=end)
    elif console.record:
        console.out(text.plain, highlight=False, end=end)
    else:
        console.file.write(text.plain + end)


def _redacted(
    plan: Plan, drift: Mapping[str, list[AttrChange]]
) -> tuple[Plan, dict[str, list[AttrChange]]]:
    """The plan and drift with every sensitive value (fnplan.plan.redact) hidden."""
    secrets = frozenset(plan.redact)

    def hide(value: Any) -> Any:
        return hide_value(value, secrets)

    def attrs(changes: list[AttrChange]) -> list[AttrChange]:
        return [
            c.model_copy(update={"before": hide(c.before), "after": hide(c.after)}) for c in changes
        ]

    changes = [
        change.model_copy(
            update={
                "before": hide(change.before),
                "changes": attrs(change.changes),
                "drift": attrs(change.drift),
                "resource": change.resource.model_copy(
                    update={"attributes": hide(change.resource.attributes)}
                )
                if change.resource is not None
                else None,
            }
        )
        for change in plan.changes
    ]
    outputs = [
        o.model_copy(update={"before": hide(o.before), "after": hide(o.after)})
        for o in plan.outputs
    ]
    shown = plan.model_copy(update={"changes": changes, "outputs": outputs})
    return shown, {address: attrs(items) for address, items in drift.items()}


def plan_json(plan: Plan) -> str:
    """The plan as JSON (schemas/plan.schema.json), the form `--json` prints and `--out` saves."""
    return plan.model_dump_json(indent=2)


def summary_line(plan: Plan) -> str:
    """ "Plan: 3 to add, 1 to change, 0 to destroy." or the no-changes sentence."""
    if not plan.has_changes():
        return "No changes. Your infrastructure matches the configuration."
    s = plan.summary
    imported = f"{s.imported} to import, " if s.imported else ""
    return f"Plan: {imported}{s.add} to add, {s.change} to change, {s.destroy} to destroy."


def _text() -> Text:
    from rich.text import Text

    return Text()


def _drift_section(drift: Mapping[str, list[AttrChange]]) -> Text:
    text = _text()
    text.append("Changed outside fnplan\n", style="bold")
    text.append("fnplan found these differences between the state and the real objects:\n\n")
    for address in sorted(drift):
        changes = drift[address]
        if any(change.path == DELETED_PATH for change in changes):
            text.append("  - ", style="red")
            text.append(f"{address} has been deleted\n", style="bold")
            continue
        text.append("  ~ ", style="yellow")
        text.append(f"{address} has changed\n", style="bold")
        for change in changes:
            _append_attr_change(text, change)
    return text


def _actions_sections(actions: list[ResourceChange]) -> Iterator[Text]:
    """The heading, then one Text per block group (none when there are no actions)."""
    if not actions:
        return
    text = _text()
    text.append("fnplan will perform the following actions:\n", style="bold")
    text.append("  (+ create, ~ update in place, - destroy, -/+ replace, +/- create first)\n")
    yield text
    groups: dict[str, list[ResourceChange]] = {}
    for change in actions:
        groups.setdefault(change.group or change.address, []).append(change)
    for target, names in by_target(groups):
        if target is not None:
            yield _text().append(f"\n## on {target}\n", style="bold underline")
        for group in names:
            text = _text()
            text.append(f"\n# {group}\n", style="bold")
            for change in groups[group]:
                _append_resource(text, change)
            yield text
    yield _text().append("\n")


def _append_resource(text: Text, change: ResourceChange) -> None:
    style = _STYLE.get(change.action, IMPORT_STYLE)
    symbol = _SYMBOL.get(change.action, IMPORT_SYMBOL)
    headline = _HEADLINE.get(change.action, "")
    if change.importing is not None:
        headline = import_headline(change, headline)
    if change.action == "replace" and change.create_before_destroy:
        symbol, headline = "+/-", "must be replaced (the new one is created first)"
    moved = moved_text(change)
    if moved is not None and change.action == "noop" and change.importing is None:
        text.append(f"  {MOVE_SYMBOL:>3} ", style=MOVE_STYLE)
        text.append(f"{moved}\n", style="bold")
        return
    label, headline = lifecycle_label(change, headline)
    text.append(f"  {symbol:>3} ", style=style)
    text.append(label, style="bold")
    text.append(f" {headline}\n")
    for reason in [moved] if moved is not None else []:
        text.append(f"{_INDENT}# {reason}\n", style="dim")
    for reason in change.reasons:
        text.append(f"{_INDENT}# {reason}\n", style="dim")
    if change.action == "create" and change.resource is not None:
        depends_on = change.resource.depends_on
        for name, value in change.resource.attributes.items():
            address = _embedded_address(value, depends_on)
            if address is not None:
                text.append(f"{_INDENT}+ ", style="green")
                text.append(f"{name} = {address}\n")
            else:
                _append_value_line(text, "+", "green", f"{name} = ", value)
    elif change.action in ("update", "replace"):
        for attr in change.changes:
            _append_attr_change(text, attr)
        after = change.resource.attributes if change.resource is not None else {}
        before = change.before or {}
        hidden = len(before.keys() | after.keys()) - len(changed_top_level(before, after))
        if hidden:
            text.append(f"{_INDENT}({hidden} unchanged attributes hidden)\n", style="dim")


def _embedded_address(value: Any, depends_on: list[str]) -> str | None:
    """The address of a resource this one depends on when `value` embeds its attributes (a
    function's runtime): its own block shows them, a create block names it."""
    if isinstance(value, dict) and value.get("address") in depends_on:
        return str(value["address"])
    return None


def _append_attr_change(text: Text, change: AttrChange) -> None:
    if change.known_after_apply:
        text.append(f"{_INDENT}~ {change.path} = (known after apply)\n", style="yellow")
    elif change.before is None and change.after is not None:
        _append_value_line(text, "+", "green", f"{change.path} = ", change.after)
    elif change.after is None and change.before is not None:
        _append_value_line(text, "-", "red", f"{change.path} = ", change.before)
    else:
        before, after = _format_value(change.before), _format_value(change.after)
        text.append(f"{_INDENT}~ ", style="yellow")
        if "\n" in before or "\n" in after:
            text.append(f"{change.path}:\n")
            text.append(_indent(before, "- "), style="red")
            text.append(_indent(after, "+ "), style="green")
        else:
            text.append(f"{change.path}: {before} → {after}")
            text.append("\n")
    if change.forces_replacement:
        text.append(f"{_INDENT}  # {change.path} forces replacement\n", style="red")


def _append_value_line(text: Text, symbol: str, style: str, label: str, value: Any) -> None:
    formatted = _format_value(value)
    text.append(f"{_INDENT}{symbol} ", style=style)
    if "\n" in formatted:
        text.append(f"{label.rstrip()}\n")
        text.append(_indent(formatted, "  "))
    else:
        text.append(f"{label}{formatted}\n")


def _outputs_section(outputs: list[OutputChange]) -> Text:
    text = _text()
    text.append("Changes to outputs:\n", style="bold")
    for output in outputs:
        style = _STYLE.get(output.action, "yellow")
        text.append(f"  {_SYMBOL.get(output.action, '~'):>3} ", style=style)
        if output.action == "delete":
            text.append(f"{output.name}\n")
            continue
        text.append(f"{output.name} = ")
        if output.action == "update" and not output.sensitive:
            text.append(f"{_format_value(output.before)} → ".replace("\n", " "))
        if output.sensitive:
            text.append("(sensitive value)\n", style="dim")
        elif output.known_after_apply:
            text.append("(known after apply)\n", style="dim")
        else:
            formatted = _format_value(output.after)
            text.append(f"\n{_indent(formatted, '  ')}" if "\n" in formatted else f"{formatted}\n")
    return text


def _format_value(value: Any) -> str:
    """JSON on one line when short, else pretty-printed and cut after a few lines; a value
    known only after apply shows as (known after apply)."""
    value = _shorten_strings(value)
    inline = json.dumps(value, ensure_ascii=False, default=str)
    if len(inline) <= _MAX_INLINE:
        return inline.replace(_UNKNOWN_JSON, UNKNOWN_TEXT)
    lines = json.dumps(value, ensure_ascii=False, indent=2, default=str).splitlines()
    if len(lines) > _MAX_LINES:
        lines = [*lines[:_MAX_LINES], f"… ({len(lines) - _MAX_LINES} more lines)"]
    return "\n".join(lines).replace(_UNKNOWN_JSON, UNKNOWN_TEXT)


def _shorten_strings(value: Any) -> Any:
    if is_attr_ref(value) or is_version_ref(value):
        return _UNKNOWN
    if isinstance(value, str) and len(value) > _MAX_STRING:
        return f"{value[:_MAX_STRING]}… ({len(value)} characters)"
    if isinstance(value, dict):
        return {key: _shorten_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shorten_strings(item) for item in value]
    return value


def _indent(block: str, marker: str) -> str:
    return "".join(f"{_INDENT}  {marker}{line}\n" for line in block.splitlines())
