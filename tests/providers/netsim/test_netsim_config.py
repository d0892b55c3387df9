"""The provider block: where the simulated cloud lives, and settings checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest
from fnplan.providers.netsim import NetsimProvider

from fnplan.errors import ProviderError
from fnplan.provider import ProviderContext


def netsim(
    tmp_path: Path, config: dict[str, object] | None = None, alias: str | None = None
) -> NetsimProvider:
    context = ProviderContext(
        project_dir=tmp_path / "project",
        data_dir=tmp_path / "project" / ".fnplan",
        config=dict(config or {}),
        alias=alias,
    )
    return NetsimProvider(context)


def test_each_alias_gets_a_cloud_of_its_own_unless_a_root_is_given(tmp_path: Path) -> None:
    data = tmp_path / "project" / ".fnplan"
    assert netsim(tmp_path).root == data / "netsim"
    assert netsim(tmp_path, alias="west").root == data / "netsim.west"
    shared = netsim(tmp_path, {"root": "../cloud"}, alias="west").root
    assert shared == tmp_path / "project" / "../cloud"


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"latency_ms": -1}, "latency_ms"),
        ({"colour": "blue"}, "colour"),
        ({"region": "A"}, "region"),
    ],
)
def test_a_bad_setting_is_a_provider_error_naming_it(
    tmp_path: Path, config: dict[str, object], named: str
) -> None:
    with pytest.raises(ProviderError, match=f"provider netsim: {named}: "):
        netsim(tmp_path, config)
