"""`fnplan fmt` end to end, as a subprocess: --check exit codes, rewriting, --diff, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

UNFORMATTED = 'function "a"{\nsource="./a"\nmemory   = 128\n}\n'
FORMATTED = 'function "a" {\n  source = "./a"\n  memory = 128\n}\n'


def fnplan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fnplan", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_lists_unformatted_files_and_exits_3(tmp_path: Path) -> None:
    (tmp_path / "bad.hcl").write_text(UNFORMATTED)
    (tmp_path / "good.hcl").write_text(FORMATTED)
    result = fnplan(tmp_path, "fmt", "--check", str(tmp_path))
    assert result.returncode == 3, result.stderr
    assert "bad.hcl" in result.stdout
    assert "good.hcl" not in result.stdout
    assert (tmp_path / "bad.hcl").read_text() == UNFORMATTED


def test_check_exits_0_when_everything_is_formatted(tmp_path: Path) -> None:
    (tmp_path / "good.hcl").write_text(FORMATTED)
    result = fnplan(tmp_path, "fmt", "--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_fmt_rewrites_files_in_place(tmp_path: Path) -> None:
    nested = tmp_path / "modules" / "m"
    nested.mkdir(parents=True)
    (nested / "main.hcl").write_text(UNFORMATTED)
    result = fnplan(tmp_path, "fmt")
    assert result.returncode == 0, result.stderr
    assert (nested / "main.hcl").read_text() == FORMATTED
    assert "main.hcl" in result.stdout
    assert fnplan(tmp_path, "fmt", "--check").returncode == 0


def test_diff_shows_the_changes(tmp_path: Path) -> None:
    (tmp_path / "bad.hcl").write_text(UNFORMATTED)
    result = fnplan(tmp_path, "fmt", "--check", "--diff")
    assert result.returncode == 3
    assert '-function "a"{' in result.stdout
    assert '+function "a" {' in result.stdout


def test_syntax_error_is_reported_and_the_file_left_alone(tmp_path: Path) -> None:
    broken = 'function "a" {\n  source = \n}\n'
    (tmp_path / "broken.hcl").write_text(broken)
    result = fnplan(tmp_path, "fmt")
    assert result.returncode == 1
    assert "error: syntax error" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "broken.hcl").read_text() == broken
