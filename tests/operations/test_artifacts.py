"""fnplan.operations.artifacts.write: rendered files land inside the chosen directory only."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.errors import ProviderError
from fnplan.operations.artifacts import Artifact, write


def test_files_are_written_under_address_directories(tmp_path: Path) -> None:
    out = tmp_path / "out"
    written = write(
        [
            Artifact("workflow.a", "workflow.json", "{}\n"),
            Artifact("workflow.a[local.b]", "k8s/deployment.yaml", "kind: Deployment\n"),
        ],
        out,
    )
    assert written == [
        out / "workflow.a" / "workflow.json",
        out / "workflow.a[local.b]" / "k8s" / "deployment.yaml",
    ]
    assert written[1].read_text() == "kind: Deployment\n"


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("workflow.a", "../escape.json"),
        ("workflow.a", "/etc/passwd"),
        ("workflow.a", "k8s/../../escape"),
        ("workflow.a", ""),
        ("workflow.a", "a\\..\\b"),
        ("..", "x.json"),
        ("a/b", "x.json"),
    ],
)
def test_names_that_would_leave_the_directory_are_refused(
    tmp_path: Path, address: str, name: str
) -> None:
    out = tmp_path / "out"
    good = Artifact("workflow.good", "ok.json", "{}")
    with pytest.raises(ProviderError, match="cannot be written"):
        write([good, Artifact(address, name, "x")], out)
    assert not out.exists()  # checked before anything is written


def test_a_symlinked_directory_cannot_lead_outside(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "workflow.a").symlink_to(elsewhere)
    with pytest.raises(ProviderError, match="leads outside"):
        write([Artifact("workflow.a", "workflow.json", "{}")], out)
    assert list(elsewhere.iterdir()) == []
