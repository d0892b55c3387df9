"""What `fnplan scan` prints or writes, for the click command."""

from __future__ import annotations

import json
from pathlib import Path

from fnplan.config.names import check_name
from fnplan.scan import scan
from fnplan.scan.output import default_name, generate, write


def scan_report(
    path: Path,
    *,
    handler: str | None,
    name: str | None,
    runtime: str,
    project_dir: Path,
    out_dir: Path | None,
    as_json: bool,
) -> str:
    """Scan `path`; with `out_dir` write NAME.hcl and the schema files there and say what was
    written, else return the configuration (HCL, or the scan result as JSON)."""
    result, source = scan(path, handler)
    if name:
        check_name("function name", name, None)
    function = name or default_name(result, source)
    generated = generate(result, source, function, runtime, out_dir or project_dir)
    if as_json:
        return json.dumps({"name": function, **result.as_json()}, indent=2) + "\n"
    if out_dir is None:
        schemas = [
            f"# {relative} (written with -o DIR):\n"
            + "".join(f"#   {line}\n" for line in json.dumps(schema, indent=2).splitlines())
            for relative, schema in generated.schemas.items()
        ]
        return generated.hcl + "".join(f"\n{text}" for text in schemas)
    lines = [f"wrote {target}" for target in write(generated, out_dir, function)]
    lines += [f"note: {note}" for note in generated.notes]
    return "\n".join(lines) + "\n"
