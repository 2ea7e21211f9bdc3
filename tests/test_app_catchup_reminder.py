"""On start, the app says once that the catch-up is near or past and reflections are missing."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from coursemate.cli import create_app
from coursemate.commands.common import AppOptions
from coursemate.course import load_course
from coursemate.progress.store import REFLECTION_FIELDS, Store
from coursemate.ui.app import CoursemateApp
from coursemate.ui.screens.study import StudyScreen


def make_app(tmp_path: Path) -> CoursemateApp:
    return create_app(AppOptions(learner="alice", data_dir=tmp_path / "data"))


async def wait_for_study(pilot: Pilot[int]) -> None:
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(pilot.app.screen, StudyScreen):
            return
    raise AssertionError("the study screen never opened")


def catchup_notes(app: CoursemateApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "Catch-up"]


def choose_first_experiments(tmp_path: Path, reference_path: Path, reflect: bool) -> None:
    course = load_course(reference_path)
    store = Store.open(tmp_path / "data", "alice")
    for _module, exp in list(course.all_experiments())[:2]:
        store.set_chosen(course.identity, exp.key, True)
        if reflect:
            for field in REFLECTION_FIELDS:
                store.set_reflection(course.identity, exp.key, field, f"{field} text")
    store.save()


async def test_past_catchup_with_missing_reflections_is_said_once(
    tmp_path: Path, reference_path: Path
) -> None:
    # The reference course's catch-up (2025-11-22) is in the past for any run of this suite.
    choose_first_experiments(tmp_path, reference_path, reflect=False)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_study(pilot)
        notes = catchup_notes(app)
        assert len(notes) == 1
        assert "2025-11-22" in notes[0]
        assert "2 chosen experiments" in notes[0]


async def test_no_reminder_when_every_reflection_is_complete(
    tmp_path: Path, reference_path: Path
) -> None:
    choose_first_experiments(tmp_path, reference_path, reflect=True)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_study(pilot)
        assert catchup_notes(app) == []
