"""Full garbage collections wait for the learner to pause (ui/idle_collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coursemate.ui.app import SETTLE_DELAY
from coursemate.ui.idle_collector import (
    IDLE_AFTER,
    OLDEST_EVERY,
    IdleCollector,
    pause_for_start,
)
from helpers import FakeClock, make_app, study


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """Counts the oldest-generation collections that finish while the test runs."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(1)

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


@pytest.fixture
def collector() -> Iterator[tuple[IdleCollector, FakeClock]]:
    clock = FakeClock(100.0)
    idle = IdleCollector(clock)
    try:
        yield idle, clock
    finally:
        idle.stop()
        gc.enable()
        gc.unfreeze()


def test_start_collects_freezes_resumes_and_raises_only_the_oldest_threshold(
    collector: tuple[IdleCollector, FakeClock], full_collections: list[int]
) -> None:
    idle, _ = collector
    before = gc.get_threshold()
    pause_for_start()
    idle.start()
    assert full_collections == [1]  # start-up's garbage, before anything is frozen
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    assert gc.get_threshold() == (before[0], before[1], OLDEST_EVERY)
    idle.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_collects_the_oldest_generation_only_after_a_pause(
    collector: tuple[IdleCollector, FakeClock], full_collections: list[int]
) -> None:
    idle, clock = collector
    idle.start()
    full_collections.clear()
    gc.collect(1)  # a middle-generation pass: something may have reached the oldest
    assert gc.get_count()[2] > 0

    idle.touch()
    clock.now += IDLE_AFTER / 2
    assert idle.tick() is False  # input half a second ago: hold back
    assert full_collections == []

    clock.now += IDLE_AFTER
    assert idle.tick() is True
    assert full_collections == [1]
    assert gc.get_count()[2] == 0
    assert idle.tick() is False  # nothing new since: no second walk of the heap
    assert full_collections == [1]


def test_does_nothing_before_start_or_while_collection_is_paused(
    collector: tuple[IdleCollector, FakeClock], full_collections: list[int]
) -> None:
    idle, clock = collector
    gc.collect(1)
    clock.now += 10 * IDLE_AFTER
    assert idle.tick() is False  # not started: CPython's own schedule applies
    assert full_collections == []
    idle.start()
    full_collections.clear()
    gc.collect(1)
    pause_for_start()  # as ``coursemate`` does before the app starts
    try:
        assert idle.tick() is False
    finally:
        gc.enable()
    assert full_collections == []


async def test_the_app_holds_full_collections_back_while_open_and_restores_cpython_after(
    tmp_path: Path,
) -> None:
    before = gc.get_threshold()
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.pause(SETTLE_DELAY * 2)
        assert gc.get_threshold()[2] == OLDEST_EVERY
        collector = app._collector
        stamp = collector.last_input
        await pilot.press("down")
        assert collector.last_input > stamp  # key presses count as input
        await pilot.press("q")
    assert gc.get_threshold() == before
