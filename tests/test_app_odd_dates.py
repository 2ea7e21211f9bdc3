"""The app on odd course files: a field with a wrong value, and sessions at the very end of the
calendar (year 9999). The course opens, and every screen shows what it can instead of
crashing or refusing the course."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from coursemate.progress.store import Store
from coursemate.ui.screens.agenda import AgendaScreen
from coursemate.ui.screens.catchup import CatchupScreen
from coursemate.ui.screens.error import ProblemsScreen
from coursemate.ui.screens.presenter import PresenterScreen
from helpers import make_app, study, write_course

FAR_FUTURE = """
title: Far future
id: far
syllabus:
  - id: 1
    title: One
    duration: 60
    assignment:
      title: Try
      examples: "- Try something"
events:
  - start_date: 9999-12-31
    sessions:
      - start_datetime: 9999-12-31T23:00:00
        end_datetime: 9999-12-31T23:30:00
        timezone: Europe/London
        syllabus_ids: [1]
"""


async def test_sessions_at_the_end_of_the_calendar_never_crash_the_app(tmp_path: Path) -> None:
    course = write_course(tmp_path / "far.md", FAR_FUTURE)
    # A chosen experiment without a reflection: the start-up reminder works out the catch-up.
    store = Store.open(tmp_path / "data", "alice")
    store.set_chosen("far", "m1/a/x", True)
    store.save()
    app = make_app(tmp_path, course=course)
    async with app.run_test(size=(100, 30)) as pilot:
        await study(pilot)
        await pilot.press("g")
        await pilot.pause()
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen)
        assert agenda.agenda.catch_up is None
        warnings = str(agenda.query_one("#agenda-warnings", Static).render())
        assert "some module times fall outside the calendar" in warnings
        shown = " ".join(str(w.render()) for w in agenda.query(".agenda-section").results(Static))
        assert "Catch-up  not scheduled" in shown
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CatchupScreen)
        date_line = str(app.screen.query_one("#catchup-date", Static).render())
        assert "out of the calendar's range" in date_line and "no sessions" not in date_line
        await pilot.press("escape", "q")
    assert app.return_code == 0


async def test_a_bad_field_opens_the_course_and_w_lists_the_warning(tmp_path: Path) -> None:
    course = write_course(
        tmp_path / "ten.md",
        """
title: Ten
syllabus:
  - id: 1
    title: One
    duration: ten
  - id: 2
    title: Two
    duration: 30
""",
    )
    app = make_app(tmp_path, course=course)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await study(pilot)
        assert [m.title for m in screen.course.modules] == ["One", "Two"]
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        (problem,) = app.screen.problems
        assert (problem.line, problem.column, problem.field) == (6, 15, "syllabus[0].duration")
        await pilot.press("escape", "q")
    assert app.return_code == 0
