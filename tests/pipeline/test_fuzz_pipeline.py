"""Property: whatever a user's edit does to a configuration, load + compile either succeed or
raise a FnplanError with a message — never any other exception."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnplan.compile.compile import compile_config
from fnplan.config.loader import load_config
from fnplan.errors import FnplanError
from tests.conftest import EXAMPLES

SOURCE = (EXAMPLES / "quickstart" / "main.hcl").read_text()
LINES = SOURCE.splitlines(keepends=True)
TOKENS = [
    "{",
    "}",
    "[",
    "]",
    "=",
    '"',
    "${",
    "step.fetch",
    "step.nope.output.x",
    "function.fetch",
    "runtime.python",
    "var.env",
    "input.url",
    "local.x",
    "1",
    "-1",
    "true",
    "null",
    "\n",
    "workflow.thumbnail",
    "depends_on = [step.resize]",
    'isolation = "dedicated"',
    "resources {\n memory = 1 \n}",
    "versions[7]",
    "module.none.workflow.x",
    "#",
    "/*",
]

mutation = st.one_of(
    st.tuples(st.just("delete_line"), st.integers(0, len(LINES) - 1)),
    st.tuples(st.just("duplicate_line"), st.integers(0, len(LINES) - 1)),
    st.tuples(st.just("insert_token"), st.integers(0, len(SOURCE)), st.sampled_from(TOKENS)),
    st.tuples(st.just("delete_chars"), st.integers(0, len(SOURCE)), st.integers(1, 12)),
)


def _mutate(text: str, edits: list[tuple]) -> str:
    for edit in edits:
        lines = text.splitlines(keepends=True) or [""]
        if edit[0] == "delete_line":
            del lines[edit[1] % len(lines)]
            text = "".join(lines)
        elif edit[0] == "duplicate_line":
            index = edit[1] % len(lines)
            lines.insert(index, lines[index])
            text = "".join(lines)
        elif edit[0] == "insert_token":
            at = edit[1] % (len(text) + 1)
            text = text[:at] + edit[2] + text[at:]
        else:
            at = edit[1] % (len(text) + 1)
            text = text[:at] + text[at + edit[2] :]
    return text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_configurations_never_crash(tmp_path_factory, edits: list[tuple]) -> None:
    project = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(
        EXAMPLES / "quickstart",
        project,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(".fnplan"),
    )
    (project / "main.hcl").write_text(_mutate(SOURCE, edits))
    try:
        compile_config(load_config(Path(project)), None)
    except FnplanError as error:
        assert error.render().strip()
