"""The dashboard of a folder of courses: progress per course, its order, the filter, the store
left untouched, and snapshots at 80×24 and 120×40 (on the shared corpus).

Update the snapshots after an intended change with
``pytest tests/test_dashboard.py --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot

import coursemate.ui.screens.picker as picker_module
from coursemate.course.reader import load_course
from coursemate.progress.maths import course_progress
from coursemate.progress.overview import CourseStanding, standing, when_text
from coursemate.progress.store import Store
from coursemate.ui.screens.picker import CourseList, CourseRow, PickerScreen
from helpers import make_app, until_screen, write_course

SnapCompare = Callable[..., bool]

KANBAN = "scrumorg-professional-scrum-with-kanban"
KANBAN_DONE = ("m1/r/kanban-values-core-principles", "m1/r/bff-batches-flow-feedback")
PSPO_FOLDER = "scrumorg-professional-scrum-product-owner"
PSPO_TITLE = "Professional Scrum Product Owner (PSPO) Course with Certification"
TODAY = date(2025, 11, 1)  # a week before the reference course's class (7–8 Nov 2025)


class FixedDate(date):
    """``date`` whose ``today`` is ``TODAY``: the dashboard's dates do not move with the clock."""

    @classmethod
    def today(cls) -> FixedDate:
        return cls(TODAY.year, TODAY.month, TODAY.day)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(picker_module, "date", FixedDate)


def alice_did_some_kanban(tmp_path: Path, corpus: Path) -> None:
    course = load_course(corpus / KANBAN)
    store = Store.open(tmp_path / "data", "alice")
    for key in KANBAN_DONE:
        store.set_done(course.identity, key, True)
    store.save()


async def filled(pilot: Pilot[Any]) -> PickerScreen:
    """The dashboard once the worker has read every course."""
    screen = await until_screen(pilot, PickerScreen)
    for _ in range(300):
        if all(row.loaded for row in screen.rows):
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError("the dashboard never filled in its courses")


def painted(courses: CourseList) -> list[str]:
    lines = courses.render_lines(Region(0, 0, *courses.outer_size))
    return [" ".join(strip.text.split()) for strip in lines]


# --- on the shared corpus ------------------------------------------------------------------


async def test_progress_from_the_store_and_courses_in_progress_first(
    tmp_path: Path, corpus_dir: Path
) -> None:
    alice_did_some_kanban(tmp_path, corpus_dir)
    kanban = load_course(corpus_dir / KANBAN)
    expected = course_progress(kanban, frozenset(KANBAN_DONE)).overall
    app = make_app(tmp_path, course=corpus_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await filled(pilot)
        courses = screen.query_one(CourseList)
        first = courses.rows[0]
        assert first.path.name == KANBAN
        assert first.standing is not None and first.standing.in_progress
        line = painted(courses)[0]
        assert f"{expected.percent}%" in line and f"{expected.minutes_left} min" in line
        # The reference course (same as the corpus's PSPO) runs after TODAY: its date shows.
        pspo = next(
            r for r in courses.rows if r.path.name == "scrumorg-professional-scrum-product-owner"
        )
        assert pspo.standing is not None and pspo.standing.next_session == date(2025, 11, 7)
        assert any("next 7 Nov" in text for text in painted(courses))
        # Courses with no modules and no resources are marked and come last.
        tiers = [not (r.standing is not None and r.standing.trackable) for r in courses.rows]
        assert tiers == sorted(tiers) and any(tiers)
        untracked = courses.rows.index(
            next(r for r in courses.rows if tiers[courses.rows.index(r)])
        )
        assert "nothing to track" in painted(courses)[untracked]


async def test_opening_the_dashboard_writes_nothing_to_the_store(
    tmp_path: Path, corpus_dir: Path
) -> None:
    alice_did_some_kanban(tmp_path, corpus_dir)
    data = tmp_path / "data"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in data.iterdir()}
    app = make_app(tmp_path, course=corpus_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await filled(pilot)
        await pilot.press("q")
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in data.iterdir()}
    assert after == before


async def test_a_damaged_store_is_left_as_it_is_and_said_so(
    tmp_path: Path, corpus_dir: Path
) -> None:
    alice_did_some_kanban(tmp_path, corpus_dir)
    store_file = next((tmp_path / "data").glob("alice-*.json"))
    store_file.write_text("{not json", encoding="utf-8")
    app = make_app(tmp_path, course=corpus_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await filled(pilot)
        status = str(screen.query_one("#dashboard-status").render())
        assert "progress not shown" in status and "damaged" in status
        # No percentage is made up: the rows say they do not know.
        assert not any("0%" in line for line in painted(screen.query_one(CourseList)))
    # Opening a course would move it aside and restore the backup; the dashboard only looks.
    assert store_file.read_text(encoding="utf-8") == "{not json"
    assert not list((tmp_path / "data").glob("*.corrupt-*"))


async def test_two_courses_with_the_same_title_are_told_apart(
    tmp_path: Path, corpus_dir: Path
) -> None:
    app = make_app(tmp_path, course=corpus_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await filled(pilot)
        for key in "pspo course":
            await pilot.press("space" if key == " " else key)
        courses = screen.query_one(CourseList)
        same = [r for r in courses.rows if r.title == PSPO_TITLE]
        assert len(same) == 2
        lines = [line for line in painted(courses) if line.startswith("Professional S")]
        assert len(lines) == 2 and lines[0] != lines[1]
        assert "scrumorg-pr" in " ".join(lines) and "courses__sc" in " ".join(lines)


async def test_typing_filters_and_enter_opens_the_course(tmp_path: Path, corpus_dir: Path) -> None:
    app = make_app(tmp_path, course=corpus_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await filled(pilot)
        courses = screen.query_one(CourseList)
        total = len(courses.rows)
        await pilot.press(*"kanban")
        assert 0 < len(courses.rows) < total
        assert all("kanban" in f"{r.title} {r.place}".casefold() for r in courses.rows)
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        assert screen.filter == "k"
        await pilot.press("escape")
        assert screen.filter == "" and len(courses.rows) == total
        await pilot.press(*"nexus", "enter")
        from coursemate.ui.screens.study import StudyScreen

        study = await until_screen(pilot, StudyScreen)
        assert study.course.code == "SPS"


# --- on small courses written here -------------------------------------------------------------


async def test_course_text_is_shown_literally_and_unreadable_courses_sort_last(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "courses"
    folder.mkdir()
    write_course(
        folder / "markup.md",
        'title: "[b]Bold[/b] \\e[31mred\\e[0m"\ncode: "[link=https://x.example]C[/link]"\n'
        "syllabus:\n  - {id: 1, title: One, duration: 60,"
        " learningResources: [{title: R, link: 'https://example.com', duration: 5}]}",
    )
    (folder / "broken.md").write_text("---\ntitle: a: b\n---\n", encoding="utf-8")
    app = make_app(tmp_path, course=folder)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await filled(pilot)
        courses = screen.query_one(CourseList)
        assert [r.place for r in courses.rows] == ["markup.md", "broken.md"]
        lines = painted(courses)
        # The code column is 8 wide: the code's markup shows as written, cut short.
        assert lines[0].startswith("[b]Bold[/b] red [link=h…")
        assert "\x1b" not in "".join(lines)
        assert "cannot be read" in lines[1]


# --- the order and the dates, without the app -------------------------------------------------


def test_sessions_ahead_show_their_date_and_past_ones_when_they_ran(reference_path: Path) -> None:
    course = load_course(reference_path)
    ahead = standing(course, frozenset(), date(2025, 11, 1))
    assert when_text(ahead, date(2025, 11, 1)) == "next 7 Nov"
    assert when_text(standing(course, frozenset(), date(2025, 11, 7)), date(2025, 11, 7)) == "today"
    ran = standing(course, frozenset(), date(2025, 12, 1))
    assert ran.next_session is None and ran.ran == (date(2025, 11, 7), date(2025, 11, 8))
    assert when_text(ran, date(2025, 12, 1)) == "ran 7–8 Nov"
    assert when_text(ran, date(2026, 1, 5)) == "ran 7–8 Nov 2025"


def test_in_progress_first_then_by_next_session_then_nothing_to_track(
    reference_path: Path,
) -> None:
    course = load_course(reference_path)
    first_key = next(course.all_resources()).key
    untouched = standing(course, frozenset(), TODAY).progress
    begun = standing(course, frozenset({first_key}), date(2025, 12, 1))

    def row(name: str, s: CourseStanding | None) -> CourseRow:
        return CourseRow(Path(name), name, name, "", s, None if s else "cannot be read")

    rows = [
        row("unreadable", None),
        row("empty", CourseStanding(untouched, False, date(2025, 11, 2), None)),
        row("ran", CourseStanding(untouched, True, None, (date(2025, 10, 1), date(2025, 10, 2)))),
        row("later", CourseStanding(untouched, True, date(2025, 12, 1), None)),
        row("soon", CourseStanding(untouched, True, date(2025, 11, 7), None)),
        row("begun", begun),
    ]
    assert begun.in_progress and begun.next_session is None
    ordered = [r.place for r in sorted(rows, key=CourseRow.sort_key)]
    assert ordered == ["begun", "soon", "later", "ran", "empty", "unreadable"]


# --- snapshots -------------------------------------------------------------------------------


def dashboard_filled(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await filled(pilot)
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return run_before


def corpus_as_given(monkeypatch: pytest.MonkeyPatch, corpus_dir: Path) -> Path:
    """The corpus as a relative path: the box's title shows the folder as given, and a
    snapshot must not depend on where the checkout (and ../shared) is."""
    monkeypatch.chdir(corpus_dir.parent)
    return Path(corpus_dir.name)


def test_snapshot_120x40(
    snap_compare: SnapCompare, tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice_did_some_kanban(tmp_path, corpus_dir)
    app = make_app(tmp_path, course=corpus_as_given(monkeypatch, corpus_dir))
    assert snap_compare(app, terminal_size=(120, 40), run_before=dashboard_filled())


def test_snapshot_80x24(
    snap_compare: SnapCompare, tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice_did_some_kanban(tmp_path, corpus_dir)
    app = make_app(tmp_path, course=corpus_as_given(monkeypatch, corpus_dir))
    assert snap_compare(app, terminal_size=(80, 24), run_before=dashboard_filled("down"))


def test_snapshot_filtered_80x24(
    snap_compare: SnapCompare, tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path, course=corpus_as_given(monkeypatch, corpus_dir))
    assert snap_compare(app, terminal_size=(80, 24), run_before=dashboard_filled(*"pspo"))
