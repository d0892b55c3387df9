"""Physical names: valid on each platform, stable, and never shared by two addresses."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.naming import (
    DNS_1035_LABEL,
    HASH_LENGTH,
    IAM_ROLE,
    LAMBDA_FUNCTION,
    STATE_MACHINE,
    NameRule,
    physical_name,
)

RULES = {
    "lambda": LAMBDA_FUNCTION,
    "state machine": STATE_MACHINE,
    "iam role": IAM_ROLE,
    "dns-1035": DNS_1035_LABEL,
}
#: each platform's own rule, written independently of NameRule
PLATFORM_PATTERNS = {
    "lambda": re.compile(r"[A-Za-z0-9_-]{1,64}"),
    "state machine": re.compile(r"[A-Za-z0-9_-]{1,80}"),
    "iam role": re.compile(r"[A-Za-z0-9_+=,.@-]{1,64}"),
    "dns-1035": re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?"),
}
#: addresses as fnplan writes them, plus arbitrary text (hostile, unicode, empty)
NAMES = st.text("abcxyzABZ_-019", min_size=1, max_size=24)
ADDRESSES = st.one_of(
    st.builds(
        lambda modules, kind, name: "".join(f"module.{m}." for m in modules) + f"{kind}.{name}",
        st.lists(NAMES, max_size=4),
        st.sampled_from(["function", "workflow", "trigger"]),
        NAMES,
    ),
    st.text(max_size=120),
)
PREFIXES = st.one_of(st.just(""), st.text(max_size=30))


@settings(max_examples=200, deadline=None)
@given(address=ADDRESSES, prefix=PREFIXES, kind=st.sampled_from(sorted(RULES)))
def test_every_name_is_valid_on_its_platform(address: str, prefix: str, kind: str) -> None:
    name = physical_name(address, RULES[kind], prefix=prefix)
    assert PLATFORM_PATTERNS[kind].fullmatch(name), name
    assert RULES[kind].is_valid(name)


@settings(max_examples=100, deadline=None)
@given(addresses=st.sets(ADDRESSES, min_size=2, max_size=20), kind=st.sampled_from(sorted(RULES)))
def test_distinct_addresses_get_distinct_names(addresses: set[str], kind: str) -> None:
    names = {physical_name(address, RULES[kind]) for address in addresses}
    assert len(names) == len(addresses)


def test_addresses_that_normalise_alike_or_share_a_long_head_stay_apart() -> None:
    head = "module.shop." * 10
    pairs = [
        ("function.resize_image", "function.resize-image"),
        ("function.Resize", "function.resize"),
        (f"{head}function.a", f"{head}function.b"),
    ]
    for first, second in pairs:
        for rule in RULES.values():
            assert physical_name(first, rule) != physical_name(second, rule)


@settings(max_examples=50, deadline=None)
@given(address=ADDRESSES, prefix=PREFIXES)
def test_the_same_address_always_gives_the_same_name(address: str, prefix: str) -> None:
    assert physical_name(address, DNS_1035_LABEL, prefix=prefix) == physical_name(
        address, DNS_1035_LABEL, prefix=prefix
    )


def test_names_are_stable_across_processes() -> None:
    """No per-process hash seed: another interpreter derives the very same name."""
    code = (
        "from fnplan.naming import physical_name, DNS_1035_LABEL; "
        "print(physical_name('module.shop.workflow.check_out', DNS_1035_LABEL, prefix='Dev'))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123"},
    ).stdout.strip()
    here = physical_name("module.shop.workflow.check_out", DNS_1035_LABEL, prefix="Dev")
    assert other == here


def test_readable_names_keep_prefix_and_address() -> None:
    name = physical_name("workflow.checkout", DNS_1035_LABEL, prefix="shop-dev")
    assert re.fullmatch(rf"shop-dev-workflow-checkout-[a-z2-7]{{{HASH_LENGTH}}}", name)
    lam = physical_name("module.img.function.Resize_Image", LAMBDA_FUNCTION)
    assert lam.startswith("module-img-function-Resize_Image-")


def test_long_addresses_are_cut_to_the_limit_with_the_hash_kept() -> None:
    address = "module.a_very_long_module_name." * 5 + "function.handler"
    for rule in RULES.values():
        name = physical_name(address, rule)
        assert len(name) == rule.max_length
        assert name[-HASH_LENGTH:] == physical_name(address, LAMBDA_FUNCTION)[-HASH_LENGTH:]


def test_dns_names_start_with_a_letter_even_for_digit_prefixes() -> None:
    name = physical_name("function.x", DNS_1035_LABEL, prefix="2024")
    assert name.startswith("x-2024-function-x-")


@pytest.mark.parametrize(
    ("max_length", "allowed", "separator"), [(5, "a-z-", "-"), (40, "a-z", "-")]
)
def test_impossible_rules_are_refused(max_length: int, allowed: str, separator: str) -> None:
    with pytest.raises(ValueError):
        NameRule(max_length, allowed, separator=separator)
