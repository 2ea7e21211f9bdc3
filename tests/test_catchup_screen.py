"""The catch-up checklist: its pure parts, and every key and change driven with the pilot."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Input, OptionList, Static, TextArea

from coursemate.course.model import Course
from coursemate.progress.catchup import catchup_reminder
from coursemate.progress.checklist import GONE, ORPHANED, build_checklist
from coursemate.progress.store import REFLECTION_FIELDS, Store
from coursemate.ui.screens.catchup import (
    CatchupScreen,
    ChecklistView,
    parse_day,
    when,
)
from coursemate.ui.screens.reflection import ReflectionScreen
from coursemate.ui.screens.save_report import SaveReportScreen
from coursemate.ui.screens.status_picker import StatusPicker
from helpers import TODAY, CatchupApp

SIZE = (120, 40)
ORPHAN_KEY = "m4/a/x/deadbeef"
OWN_TEXT = "Show the [red]value[/red] dashboard at the Sprint Review"


def experiments_of(course: Course, module_key: str) -> list[str]:
    return [e.key for m, e in course.all_experiments() if m.key == module_key]


def seed(course: Course, store: Store) -> str:
    """Experiments chosen in three modules, one own (reflected), one orphaned; the own key."""
    cid = course.identity
    texts = {e.key: e.text for _m, e in course.all_experiments()}
    m1, m2, m6 = (experiments_of(course, m) for m in ("m1", "m2", "m6"))
    for key in (m1[0], m1[2], m2[3], m6[4]):
        store.set_chosen(cid, key, True, title=texts[key])
    store.set_status(cid, m1[0], "done")
    store.set_status(cid, m2[3], "running")
    store.set_status(cid, m6[4], "dropped")
    answers = ("Listed users and buyers.", "They differ.", "Ask buyers.", "Interview three.")
    for name, text in zip(REFLECTION_FIELDS, answers, strict=True):
        store.set_reflection(cid, m1[0], name, text)
    store.set_reflection(cid, m2[3], "did", "Built a product box.")
    own = store.add_own_experiment(cid, "m3/a", OWN_TEXT)
    for name in REFLECTION_FIELDS:
        store.set_reflection(cid, own, name, f"{name} for my own")
    # An experiment whose words were later edited in the course file: its key is orphaned.
    store.set_chosen(cid, ORPHAN_KEY, True, title="Map the feedback loops (since reworded)")
    store.set_catchup_prompt(cid, "questions", "How do others measure value?")
    store.save()
    return own


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "data", "Ada")


@pytest.fixture
def own_key(course: Course, store: Store) -> str:
    return seed(course, store)


def fresh(store: Store) -> Store:
    return Store.open(store.path.parent, store.learner)


def text_of(app: App[None], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def highlighted(app: App[None]) -> str | None:
    option = app.screen.query_one(ChecklistView).highlighted_option
    return option.id if option is not None else None


# --- pure parts --------------------------------------------------------------------------


def test_checklist_groups_by_module_with_own_and_orphans(
    course: Course, store: Store, own_key: str
) -> None:
    gone_module = "m42/a/x/0badf00d"
    store.set_chosen(course.identity, gone_module, True, title="From a module that is gone")
    checklist = build_checklist(course, store)
    assert [g.module_key for g in checklist.groups] == ["m1", "m2", "m3", "m4", "m6", None]
    m1 = experiments_of(course, "m1")
    assert [e.key for e in checklist.groups[0].entries] == [m1[0], m1[2]]  # course order
    own = checklist.groups[2].entries[0]
    assert (own.key, own.text, own.own, own.reflected) == (own_key, OWN_TEXT, True, True)
    # Reworded in the course file: still under its module (its assignment is there), marked.
    (orphan,) = checklist.groups[3].entries
    assert orphan.key == ORPHAN_KEY and orphan.orphaned and not orphan.own
    assert orphan.text == "Map the feedback loops (since reworded)" and orphan.kind == GONE
    # Its module is gone: listed last.
    (last,) = checklist.groups[-1].entries
    assert (last.key, last.text, last.kind) == (gone_module, "From a module that is gone", GONE)
    assert [e.status for e in checklist.entries] == [
        "done", "planned", "running", "planned", "planned", "dropped", "planned"
    ]  # fmt: skip
    assert (checklist.reflected, checklist.total) == (2, 7)


def test_orphan_without_a_recorded_text_says_so(course: Course, store: Store) -> None:
    store.set_chosen(course.identity, ORPHAN_KEY, True)
    (entry,) = build_checklist(course, store).entries
    assert entry.text == f"(text not recorded: {ORPHAN_KEY})"


def test_unchosen_experiments_leave_the_checklist(course: Course, store: Store) -> None:
    seed(course, store)
    first = experiments_of(course, "m1")[0]
    store.set_chosen(course.identity, first, False)
    keys = [e.key for e in build_checklist(course, store).entries]
    assert first not in keys and len(keys) == 5


def test_reminder_when_near_or_past_and_reflections_missing(course: Course, store: Store) -> None:
    seed(course, store)
    assert catchup_reminder(course, store, date(2025, 11, 18)) is None  # 4 days ahead
    near = catchup_reminder(course, store, date(2025, 11, 19))
    assert near is not None and "2025-11-22" in near and "4 chosen experiments" in near
    assert "Press C" in near
    past = catchup_reminder(course, store, date(2026, 1, 5))
    assert past is not None and "was on 2025-11-22" in past


def test_no_reminder_when_every_reflection_is_complete(course: Course, store: Store) -> None:
    key = experiments_of(course, "m1")[0]
    store.set_chosen(course.identity, key, True)
    assert catchup_reminder(course, store, TODAY) is not None
    for name in REFLECTION_FIELDS:
        store.set_reflection(course.identity, key, name, "written")
    assert catchup_reminder(course, store, TODAY) is None


def test_reminder_follows_the_learners_date(course: Course, store: Store) -> None:
    seed(course, store)
    store.set_catchup_date(course.identity, date(2025, 12, 10))
    assert catchup_reminder(course, store, TODAY) is None
    assert catchup_reminder(course, store, date(2025, 12, 9)) is not None


def test_no_reminder_without_any_date(course: Course, store: Store) -> None:
    undated = dataclasses.replace(course, events=())
    key = experiments_of(course, "m1")[0]
    store.set_chosen(course.identity, key, True)
    assert catchup_reminder(undated, store, date(2030, 1, 1)) is None


def test_parse_day_and_when() -> None:
    assert parse_day(" 2025-11-22 ") == date(2025, 11, 22)
    assert parse_day("") is None
    for bad in ("2025-13-01", "22-11-2025", "2025-02-30", "soon"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_day(bad)
    assert when(date(2025, 11, 22), TODAY) == "in 3 days"
    assert when(TODAY, TODAY) == "today"
    assert when(date(2025, 11, 20), TODAY) == "tomorrow"
    assert when(date(2025, 11, 18), TODAY) == "yesterday"
    assert when(date(2025, 11, 9), TODAY) == "10 days ago"


# --- the screen --------------------------------------------------------------------------


async def test_screen_shows_date_progress_and_prompts(
    course: Course, store: Store, own_key: str
) -> None:
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(pilot.app.screen, CatchupScreen)
        assert text_of(app, "#catchup-date") == (
            "catch-up on 2025-11-22 · in 3 days · 14 days after the last session"
        )
        assert text_of(app, "#catchup-progress") == "2 of 6 experiments reflected"
        questions = pilot.app.screen.query_one("#catchup-questions", TextArea)
        assert questions.text == "How do others measure value?"
        view = pilot.app.screen.query_one(ChecklistView)
        assert pilot.app.focused is view
        assert highlighted(app) == experiments_of(course, "m1")[0]
        assert view.option_count == 5 + 6  # five headings, six experiments


def plain(prompt: object) -> str:
    """An option's prompt (a Rich renderable) as the plain text it shows."""
    console = Console(width=SIZE[0], record=True, file=io.StringIO())
    console.print(prompt)
    return " ".join(console.export_text().split())


async def test_orphans_stay_under_their_module_marked_and_the_rest_come_last(
    course: Course, store: Store, own_key: str
) -> None:
    store.set_chosen(course.identity, "m42/a/x/0badf00d", True, title="From a gone module")
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        view = pilot.app.screen.query_one(ChecklistView)
        shown = [plain(view.get_option_at_index(i).prompt) for i in range(view.option_count)]
    module_4 = shown.index("Module 4 · Scrum Theory & Empiricism")
    assert shown[module_4 + 1].endswith(
        "Map the feedback loops (since reworded) (no longer in the course)"
    )
    assert shown[-2:] == [
        ORPHANED,
        "planned · to reflect From a gone module (no longer in the course)",
    ]
    assert sum(GONE in line for line in shown) == 2  # suggested ones and own ones are not marked


async def test_cursor_skips_module_headings(course: Course, store: Store, own_key: str) -> None:
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        seen = [highlighted(app)]
        for _ in range(5):
            await pilot.press("down")
            seen.append(highlighted(app))
        m1, m2, m6 = (experiments_of(course, m) for m in ("m1", "m2", "m6"))
        assert seen == [m1[0], m1[2], m2[3], own_key, ORPHAN_KEY, m6[4]]


async def test_s_opens_a_picker_on_the_current_status_and_never_wraps(
    course: Course, store: Store, own_key: str
) -> None:
    app = CatchupApp(course, store)
    key = experiments_of(course, "m1")[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        picker = pilot.app.screen
        assert isinstance(picker, StatusPicker)
        options = picker.query_one(OptionList)
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "done"  # where it is now
        # A stray s, then escape: nothing changes (the old cycle made done → dropped).
        await pilot.press("down", "escape")
        assert isinstance(pilot.app.screen, CatchupScreen)
        state = store.experiment(course.identity, key)
        assert state is not None and state.status == "done"
        assert not store.dirty
        await pilot.press("s", "up", "enter")
        assert isinstance(pilot.app.screen, CatchupScreen)
        state = store.experiment(course.identity, key)
        assert state is not None and state.status == "running"
        assert highlighted(app) == key  # the cursor stays on it after the relabel
        await pilot.app.workers.wait_for_complete()
    saved = fresh(store).experiment(course.identity, key)
    assert saved is not None and saved.status == "running"
    assert list(saved.status_dates) == ["planned", "done", "running"]


async def test_e_opens_the_reflection_and_the_checklist_follows(
    course: Course, store: Store, own_key: str
) -> None:
    app = CatchupApp(course, store)
    m1 = experiments_of(course, "m1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "e")  # m1's second chosen one: nothing written yet
        screen = pilot.app.screen
        assert isinstance(screen, ReflectionScreen) and screen.key == m1[2]
        for _name in REFLECTION_FIELDS:
            await pilot.press(*"ok", "tab")
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, CatchupScreen)
        assert text_of(app, "#catchup-progress") == "3 of 6 experiments reflected"
        assert highlighted(app) == m1[2]


def option_text(app: App[None], option_id: str) -> str:
    view = app.screen.query_one(ChecklistView)
    return plain(view.get_option(option_id).prompt)


async def test_the_checklist_shows_reflection_text_and_enter_reads_it_all(
    course: Course, store: Store, own_key: str
) -> None:
    cid = course.identity
    m1 = experiments_of(course, "m1")[0]
    m2 = experiments_of(course, "m2")[3]
    store.set_reflection(cid, m2, "happened", "The box was [b]loud[/b].\nSam kept it.")
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        first = option_text(app, m1)
        # The first two lines of what was written, under the experiment, then how much more.
        assert "What I did: Listed users and buyers." in first
        assert "What happened: They differ." in first
        assert "Ask buyers." not in first and "… 2 more lines · enter reads all" in first
        running = option_text(app, m2)
        assert "What I did: Built a product box." in running
        assert "What happened: The box was [b]loud[/b]." in running  # literal, not markup
        assert "Sam kept it." not in running and "1 more line" in running

        await pilot.press("enter")  # on m1: everything
        whole = option_text(app, m1)
        assert "What I learned: Ask buyers." in whole
        assert "What I will try next: Interview three." in whole
        assert "more line" not in whole
        assert isinstance(pilot.app.screen, CatchupScreen)
        assert highlighted(app) == m1
        await pilot.press("enter")  # and folded again
        assert "Ask buyers." not in option_text(app, m1)

        await pilot.press("down", "down", "enter")  # m2: the rest, and what is still to write
        whole = option_text(app, m2)
        assert "Sam kept it." in whole
        assert "Still to write: What I learned, What I will try next · e reflects" in whole


async def test_notes_on_modules_and_resources_have_their_part(
    course: Course, store: Store, own_key: str
) -> None:
    cid = course.identity
    module, resource = course.modules[1], course.modules[0].resources[1]
    store.set_note(cid, module.key, "Ask about [red]vision[/red] boards.")
    store.set_note(cid, resource.key, "Watched it.\nTwice.\nThen again.")
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        view = pilot.app.screen.query_one(ChecklistView)
        shown = [plain(view.get_option_at_index(i).prompt) for i in range(view.option_count)]
        notes = shown[shown.index("Notes") + 1 :]
        assert notes == [
            f"Module 1 · Resource · {resource.title} Watched it. Twice. "
            "… 1 more line · enter reads all",
            f"Module 2 · {module.title} Ask about [red]vision[/red] boards.",
        ]
        await pilot.press("end")
        assert highlighted(app) == f"note:{module.key}"
        enabled = {b.binding.key for b in pilot.app.screen.active_bindings.values() if b.enabled}
        assert "e" not in enabled and "s" not in enabled  # a note has no status or reflection
        await pilot.press("up", "enter")
        assert "Then again." in option_text(app, f"note:{resource.key}")


async def test_orphans_can_be_reflected_on_too(course: Course, store: Store, own_key: str) -> None:
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["down"] * 4, "e")
        screen = pilot.app.screen
        assert isinstance(screen, ReflectionScreen) and screen.key == ORPHAN_KEY
        assert text_of(app, "#reflection-title") == "Map the feedback loops (since reworded)"


async def test_d_sets_the_learners_date(course: Course, store: Store, own_key: str) -> None:
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*"2025-12-01", "enter")
        assert store.catchup_date(course.identity) == date(2025, 12, 1)
        assert text_of(app, "#catchup-date") == ("catch-up on 2025-12-01 · in 12 days · set by you")
        assert pilot.app.screen.query_one(ChecklistView).has_focus
        await pilot.app.workers.wait_for_complete()
    assert fresh(store).catchup_date(course.identity) == date(2025, 12, 1)


async def test_invalid_date_is_refused_with_a_message(
    course: Course, store: Store, own_key: str
) -> None:
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", *"2025-02-30", "enter")
        message = pilot.app.screen.query_one("#catchup-date-message", Static)
        assert "'2025-02-30' is not a date: use YYYY-MM-DD" in str(message.render())
        assert message.has_class("-error")
        assert store.catchup_date(course.identity) is None
        assert "14 days after the last session" in text_of(app, "#catchup-date")


async def test_empty_date_goes_back_to_the_courses_date(
    course: Course, store: Store, own_key: str
) -> None:
    store.set_catchup_date(course.identity, date(2025, 12, 1))
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        date_input = pilot.app.screen.query_one("#catchup-date-input", Input)
        assert date_input.value == "2025-12-01"
        await pilot.press("d", *["backspace"] * 10, "enter")
        assert store.catchup_date(course.identity) is None
        assert text_of(app, "#catchup-date").startswith("catch-up on 2025-11-22")


async def test_prompts_are_saved_as_typed(course: Course, store: Store, own_key: str) -> None:
    app = CatchupApp(course, store)
    cid = course.identity
    async with app.run_test(size=SIZE) as pilot:
        pilot.app.screen.query_one("#catchup-ideas", TextArea).focus()
        await pilot.press(*"Use EBM", "enter", *"sprint reviews")
        assert store.catchup_prompts(cid)["ideas"] == "Use EBM\nsprint reviews"
        await pilot.app.workers.wait_for_complete()
        assert fresh(store).catchup_prompts(cid)["ideas"] == "Use EBM\nsprint reviews"
        pilot.app.screen.query_one("#catchup-questions", TextArea).focus()
        await pilot.press(*" And cost?")  # appended: the cursor starts at the end
        assert store.catchup_prompts(cid)["questions"] == "How do others measure value? And cost?"
        # Letters typed in a prompt are text, not the screen's keys.
        state = store.experiment(cid, experiments_of(course, "m1")[0])
        assert state is not None and state.status == "done"
        assert isinstance(pilot.app.screen, CatchupScreen)


async def test_x_asks_where_and_saves_the_report_there(
    course: Course, store: Store, own_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "e", *" Sam liked it.", "escape", "x")
        dialog = pilot.app.screen
        assert isinstance(dialog, SaveReportScreen)
        field = dialog.query_one(Input)
        # The current directory, a name from the course code, the learner and the date.
        assert field.value == str(tmp_path / f"pspo-ada-{TODAY.isoformat()}-catchup.md")
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, CatchupScreen)
        told = [n.message for n in pilot.app._notifications]
    target = tmp_path / f"pspo-ada-{TODAY.isoformat()}-catchup.md"
    assert told == [str(target)]
    report = target.read_text(encoding="utf-8")
    assert "Built a product box. Sam liked it." in report
    assert OWN_TEXT in report and "Map the feedback loops (since reworded)" in report


async def test_x_to_a_path_that_cannot_be_written_says_why_and_stays(
    course: Course, store: Store, own_key: str, tmp_path: Path
) -> None:
    app = CatchupApp(course, store)
    missing = tmp_path / "no" / "such" / "report.md"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", "ctrl+a", "ctrl+k", *str(missing), "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, SaveReportScreen)
        message = str(dialog.query_one("#save-message", Static).render())
        assert message == f"Cannot write {missing}: No such file or directory"
        await pilot.press("ctrl+a", "ctrl+k", *str(tmp_path), "enter")
        message = str(dialog.query_one("#save-message", Static).render())
        assert message == f"Cannot write {tmp_path}: that is a folder; add a file name"
        await pilot.press("ctrl+a", "ctrl+k", *str(tmp_path / "mine.md"), "enter")
        assert isinstance(pilot.app.screen, CatchupScreen)
    assert (tmp_path / "mine.md").read_text(encoding="utf-8").startswith("# Catch-up report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "mine.md"]


async def test_escape_returns(course: Course, store: Store, own_key: str) -> None:
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, CatchupScreen)
    assert app.results == [None]


async def test_nothing_chosen_says_so_and_disables_e_and_s(course: Course, store: Store) -> None:
    app = CatchupApp(course, store)
    async with app.run_test(size=SIZE) as pilot:
        assert text_of(app, "#catchup-progress") == "0 of 0 experiments reflected"
        view = pilot.app.screen.query_one(OptionList)
        assert view.option_count == 1
        enabled = {b.binding.key for b in pilot.app.screen.active_bindings.values() if b.enabled}
        assert "e" not in enabled and "s" not in enabled
        await pilot.press("e", "s")
        assert isinstance(pilot.app.screen, CatchupScreen)
        assert not store.dirty
