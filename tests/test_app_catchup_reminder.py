"""On start, the app says once that the catch-up is near or past and reflections are missing."""

from __future__ import annotations

from pathlib import Path

from coursemate.course import load_course
from coursemate.progress.store import REFLECTION_FIELDS, Store
from coursemate.ui.app import CoursemateApp
from helpers import make_app, study


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
        await study(pilot)
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
        await study(pilot)
        assert catchup_notes(app) == []
