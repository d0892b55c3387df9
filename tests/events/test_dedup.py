"""The (source, id) memory behind `serve`'s de-duplication: window, repeats, capacity."""

from __future__ import annotations

from fnplan.events.dedup import SeenEvents


def test_a_pair_repeats_only_within_the_window() -> None:
    now = [0.0]
    seen = SeenEvents(window=600, clock=lambda: now[0])
    assert seen.claim([("s", "1"), ("s", "2"), ("s", "1")]) == [True, True, False]
    assert seen.claim([("other", "1")]) == [True]
    now[0] = 599.0
    assert seen.claim([("s", "1")]) == [False]
    now[0] = 601.0
    assert seen.claim([("s", "1"), ("s", "2")]) == [True, True]


def test_capacity_forgets_the_oldest_and_zero_window_remembers_nothing() -> None:
    seen = SeenEvents(window=600, capacity=2, clock=lambda: 0.0)
    assert seen.claim([("s", "1"), ("s", "2"), ("s", "3")]) == [True, True, True]
    assert seen.claim([("s", "1"), ("s", "3")]) == [True, False]
    off = SeenEvents(window=0)
    assert off.claim([("s", "1")]) == [True] and off.claim([("s", "1")]) == [True]
