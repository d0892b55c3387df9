"""What `fnplan convert` prints: the files written, renamed names, and every element not
converted with the reason."""

from __future__ import annotations

from fnplan.convert import Report


def report_text(report: Report) -> str:
    lines = [f"{path}: {kind}" for path, kind in report.formats.items()]
    lines += [f"wrote {path}" for path in report.written]
    lines.append(f"converted {report.converted} block(s)")
    lines += [f"renamed: {note}" for note in report.renamed]
    if report.unconverted:
        lines.append(f"not converted ({len(report.unconverted)}):")
        lines += [f"  {item.element}: {item.reason}" for item in report.unconverted]
    return "\n".join(lines) + "\n"
