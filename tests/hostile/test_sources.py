"""Function sources cannot reach outside themselves (issue 7, section 3): symbolic links,
sources holding the project's `.fnplan/`, sources outside the project."""

from __future__ import annotations

import os

import pytest

from tests.hostile.conftest import BASE, BASE_LINES, HANDLER, Hostile

#: main.hcl:7:13 is `"./functions/hello"` in BASE
SOURCE_AT = "main.hcl:7:13"


def _function(source: str) -> str:
    return BASE + f'function "other" {{\n  runtime = runtime.python\n  source  = "{source}"\n}}\n'


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("secret.py", "{outer}/secret.txt"),  # absolute, outside everything
        ("up.py", "../../../../../secret.txt"),  # relative, climbing out of the project
        ("shared.py", "../../shared.py"),  # outside the source tree, inside the project
        ("self.py", "{source}/main.py"),  # absolute, even when it points inside
        ("lib", "{outer}"),  # a directory outside
        ("gone.py", "missing.py"),  # points at nothing
    ],
)
def test_links_out_of_a_source_are_refused(hostile: Hostile, name: str, target: str) -> None:
    """Today a link to a file outside is copied in: the secret would be deployed."""
    (hostile.outer / "secret.txt").write_text("password")
    hostile.write({"main.hcl": BASE, "shared.py": "X = 1\n"})
    source = hostile.project / "functions" / "hello"
    os.symlink(target.format(outer=hostile.outer, source=source), source / name)
    hostile.watch()
    command = ["apply", "--auto-approve"] if name == "secret.py" else ["validate"]
    hostile.refused(*command, at=SOURCE_AT, says=f"'{name}'")
    assert not (hostile.project / ".fnplan" / "local" / "functions").exists()


def test_links_to_directories_are_refused(hostile: Hostile) -> None:
    """Today a file changed inside a linked directory is not noticed ("No changes")."""
    hostile.write({"main.hcl": BASE, "functions/hello/real/util.py": "X = 1\n"})
    os.symlink("real", hostile.project / "functions" / "hello" / "util")
    hostile.watch()
    hostile.refused("validate", at=SOURCE_AT, says="'util' is a link to a directory")


def test_links_to_files_inside_the_source_deploy_their_content(hostile: Hostile) -> None:
    hostile.write({"main.hcl": BASE, "functions/hello/impl.py": "X = 1\n"})
    os.symlink("impl.py", hostile.project / "functions" / "hello" / "alias.py")
    hostile.run("apply", "--auto-approve", check=0)
    deployed = list((hostile.project / ".fnplan").rglob("alias.py"))
    assert deployed and all(path.read_text() == "X = 1\n" for path in deployed)
    (hostile.project / "functions" / "hello" / "impl.py").write_text("X = 2\n")
    result = hostile.run("plan", "--detailed-exitcode", check=2)
    assert "function.hello" in result.stdout
    assert hostile.outside() == hostile.before


@pytest.mark.parametrize("source", [".", "./", "..", "./.fnplan", "./.fnplan/functions"])
def test_sources_holding_or_inside_the_data_directory_are_refused(
    hostile: Hostile, source: str
) -> None:
    """Today `source = "."` fails apply with a 50 KB recursive-copy error."""
    hostile.write({"main.hcl": _function(source), ".fnplan/functions/.keep": ""})
    command = ["apply", "--auto-approve"] if source == "." else ["validate"]
    hostile.refused(*command, at=f"main.hcl:{BASE_LINES + 3}:13", says="fnplan's data directory")


def test_a_source_outside_the_project_gets_a_warning(hostile: Hostile) -> None:
    shared = hostile.outer / "shared"
    shared.mkdir()
    (shared / "main.py").write_text(HANDLER)
    hostile.write({"main.hcl": _function(str(shared))})
    result = hostile.run("validate", check=0)
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(f"main.hcl:{BASE_LINES + 3}:13: warning:"), result.stderr
    assert "outside the project directory" in warnings[0]
