"""An honest header (issue #15, part 2): pre-reading and resources apart, minutes left, the
class countdown and what is next, readable at 80×24."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Static

from coursemate.course.model import Course
from coursemate.progress.plan import class_countdown
from coursemate.ui.screens.study import StudyScreen
from coursemate.ui.widgets.progress_header import shorten_words, status_parts
from helpers import FIRST, go, header_text, make_app, study, write_course

BEFORE = date(2025, 11, 2)  # five days before the reference course (7-8 Nov 2025)


def status_text(screen: StudyScreen) -> str:
    status = screen.query_one("#header-status", Static)
    return str(status.render()) if status.display else ""


@pytest.mark.parametrize(
    ("today", "said"),
    [
        (date(2025, 11, 2), "class in 5 days"),
        (date(2025, 11, 6), "class tomorrow"),
        (date(2025, 11, 7), "class today"),
        (date(2025, 11, 8), "class today"),
        (date(2025, 11, 9), "course ran 7–8 Nov"),
        (date(2026, 1, 9), "course ran 7–8 Nov 2025"),
    ],
)
def test_countdown_to_the_class(course: Course, today: date, said: str) -> None:
    assert class_countdown(course, today) == said


def test_no_countdown_without_sessions(tmp_path: Path) -> None:
    from coursemate.course.reader import load_course

    path = write_course(tmp_path / "c.md", "title: No class\nsyllabusBefore:\n  - {title: A}")
    assert class_countdown(load_course(path), BEFORE) is None


def test_parts_are_dropped_whole_and_the_next_title_cut_after_a_word() -> None:
    parts = ("551 min left", "class in 5 days", "What’s Driving Your Need For Agility?")
    assert status_parts(*parts, 200) == [
        "551 min left", "class in 5 days", "Next: What’s Driving Your Need For Agility?",
    ]  # fmt: skip
    assert status_parts(*parts, 50) == ["551 min left", "class in 5 days", "Next: What’s…"]
    assert status_parts(*parts, 30) == ["551 min left", "class in 5 days"]
    assert status_parts(*parts, 20) == ["551 min left"]
    assert status_parts(*parts, 5) == []
    assert shorten_words("Supercalifragilistic words", 10) is None


async def test_reference_course_counts_resources_not_pre_reading(tmp_path: Path) -> None:
    app = make_app(tmp_path, today=BEFORE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert header_text(screen) == "alice  Resources 0/551 min · 0%"
        assert status_text(screen) == (
            "551 min left · class in 5 days · Next: What’s Driving Your…"
        )
        await go(pilot, screen, FIRST)
        await pilot.press("space")
        assert header_text(screen) == "alice  Resources 11/551 min · 1%"
        assert status_text(screen) == "540 min left · class in 5 days · Next: What is a Product?"


async def test_at_80x24_the_title_keeps_room_and_nothing_is_cut_mid_word(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, today=BEFORE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study(pilot)
        assert header_text(screen) == "alice  Resources 0/551 min · 0%"
        assert status_text(screen) == "551 min left"
        title = screen.query_one("#header-course", Static)
        assert title.region.width >= 16
        header = screen.query_one("#progress-header")
        assert sum(w.region.width for w in header.children if w.display) <= 78


PRE_AND_MODULES = """
title: Both
syllabusBefore:
  - {title: Guide, duration: 30}
syllabus:
  - id: 1
    title: One
    learningResources:
      - {title: Talk, duration: 12}
"""


async def test_pre_reading_and_resources_are_named_apart(tmp_path: Path) -> None:
    path = write_course(tmp_path / "both.md", PRE_AND_MODULES)
    app = make_app(tmp_path, course=path, today=BEFORE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert header_text(screen) == "alice  Pre-reading 0/30 · Resources 0/12 min · 0%"
        # No sessions: no countdown.
        assert status_text(screen) == "42 min left · Next: Guide"
        await go(pilot, screen, "pre/guide")
        await pilot.press("space")
        assert header_text(screen) == "alice  Pre-reading 30/30 · Resources 0/12 min · 71%"
        await go(pilot, screen, "m1/r/talk")
        await pilot.press("space")
        assert status_text(screen) == "all read"


async def test_a_course_with_pre_reading_only(tmp_path: Path) -> None:
    path = write_course(
        tmp_path / "pre.md", "title: Pre\nsyllabusBefore:\n  - {title: G, duration: 9}"
    )
    app = make_app(tmp_path, course=path, today=BEFORE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert header_text(screen) == "alice  Pre-reading 0/9 min · 0%"
