"""Full garbage collections wait for the learner to pause (gc_policy.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coursemate.gc_policy import (
    IDLE_AFTER,
    OLDEST_EVERY,
    YOUNG_HELD,
    IdleCollector,
    pause_for_start,
)
from coursemate.ui.app import SETTLE_DELAY
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


def test_start_collects_freezes_resumes_and_holds_young_and_oldest_collections_back(
    collector: tuple[IdleCollector, FakeClock], full_collections: list[int]
) -> None:
    idle, _ = collector
    before = gc.get_threshold()
    pause_for_start()
    idle.start()
    assert full_collections == [1]  # start-up's garbage, before anything is frozen
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    assert gc.get_threshold() == (YOUNG_HELD, before[1], OLDEST_EVERY)
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


def test_after_a_frame_the_young_generations_are_collected_as_cpython_would(
    collector: tuple[IdleCollector, FakeClock],
) -> None:
    """What CPython's thresholds would have collected in the middle of the next press is
    collected after the frame instead: nothing while fewer objects than its young threshold
    are new, the young generation once they are, the middle one every ``middle`` passes."""
    idle, _ = collector
    assert idle.after_frame() is None  # not started: CPython's own schedule applies
    young, middle, _ = gc.get_threshold()
    idle.start()
    gc.collect(0)
    assert idle.after_frame() is None  # nothing new
    made: list[list[int]] = [
        [] for _ in range(young + 10)
    ]  # container objects: the collector tracks them
    assert gc.get_count()[0] >= young  # CPython held back (its threshold is YOUNG_HELD now)
    assert idle.after_frame() == 0
    assert gc.get_count()[0] < young
    for _ in range(middle - gc.get_count()[1]):
        made += [[] for _ in range(young + 10)]
        assert idle.after_frame() == 0
    made += [[] for _ in range(young + 10)]
    assert idle.after_frame() == 1  # the middle generation's turn
    assert gc.get_count()[1] == 0
    del made


async def test_the_app_collects_young_garbage_after_the_frame_that_answers_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.pause(SETTLE_DELAY * 2)
        collected: list[int] = []
        monkeypatch.setattr(app._collector, "after_frame", lambda: collected.append(1))
        await pilot.press("down")
        await pilot.pause()
        await pilot.pause()
        assert collected == [1]  # once per key, after its frame
        await pilot.press("down", "up")
        for _ in range(4):
            await pilot.pause()
        assert 1 <= len(collected) - 1 <= 2


async def test_the_app_holds_full_collections_back_while_open_and_restores_cpython_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = gc.get_threshold()
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.pause(SETTLE_DELAY * 2)
        assert gc.get_threshold()[2] == OLDEST_EVERY
        touches: list[int] = []
        monkeypatch.setattr(app._collector, "touch", lambda: touches.append(1))
        await pilot.press("down")
        assert touches  # key presses count as input
        await pilot.press("q")
    assert gc.get_threshold() == before
