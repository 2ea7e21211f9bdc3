"""The reflection form and the own-experiment dialog, driven with the pilot on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from coursemate.course.model import Course, Experiment
from coursemate.progress.store import REFLECTION_FIELDS, SCHEMA_VERSION, Store
from coursemate.ui.screens.reflection import AddExperimentScreen, ReflectionScreen
from coursemate.ui.store_edits import SaveRequested
from helpers import Host

SIZE = (120, 40)
HOSTILE_TITLE = "Try [bold]this[/bold] and [link=https://x.test]that[/link] \x1b[31mnow"


class SchedulingApp(Host):
    """An app that only counts save requests, as CoursemateApp's autosave leaves the write to
    a thread worker: the form must ask, never write itself."""

    def on_save_requested(self, event: SaveRequested) -> None:
        self.save_requests += 1
        event.prevent_default()  # Host's handler, which saves, is not called


@pytest.fixture
def experiment(course: Course) -> Experiment:
    return next(exp for module, exp in course.all_experiments() if module.key == "m2")


@pytest.fixture
def store(tmp_path: Path, course: Course, experiment: Experiment) -> Store:
    store = Store.open(tmp_path / "data", "Ada")
    store.set_chosen(course.identity, experiment.key, True, title=experiment.text)
    store.set_status(course.identity, experiment.key, "running")
    store.set_reflection(course.identity, experiment.key, "did", "Built a product box.")
    store.save()
    return store


def on_disk(store: Store, course: Course, key: str) -> dict[str, str]:
    """The reflection as a fresh store reads it from the file."""
    fresh = Store.open(store.path.parent, store.learner)
    state = fresh.experiment(course.identity, key)
    assert state is not None
    return state.reflection


def reflection_app(store: Store, course: Course, key: str, title: str) -> Host:
    return Host(lambda: ReflectionScreen(store, course.identity, key, title))


async def test_form_is_prefilled_and_shows_title_and_status(
    store: Store, course: Course, experiment: Experiment
) -> None:
    app = reflection_app(store, course, experiment.key, experiment.text)
    async with app.run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, ReflectionScreen)
        assert screen.query_one("#reflection-did", TextArea).text == "Built a product box."
        assert screen.query_one("#reflection-learned", TextArea).text == ""
        assert str(screen.query_one("#reflection-title", Static).render()) == experiment.text
        status = str(screen.query_one("#reflection-status", Static).render())
        assert "running since" in status
        assert "1 of 4 answered" in status
        assert pilot.app.focused is screen.query_one("#reflection-did", TextArea)


async def test_title_is_shown_literally(store: Store, course: Course) -> None:
    key = "m1/a/x/0000abcd"
    store.set_chosen(course.identity, key, True)
    app = reflection_app(store, course, key, HOSTILE_TITLE)
    async with app.run_test(size=SIZE) as pilot:
        shown = str(pilot.app.screen.query_one("#reflection-title", Static).render())
        assert shown == "Try [bold]this[/bold] and [link=https://x.test]that[/link] now"


async def test_typing_writes_the_store_and_the_file_while_the_form_is_open(
    store: Store, course: Course, experiment: Experiment
) -> None:
    app = reflection_app(store, course, experiment.key, experiment.text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")  # to "what happened"
        await pilot.press(*"Nobody liked it")
        state = store.experiment(course.identity, experiment.key)
        assert state is not None and state.reflection["happened"] == "Nobody liked it"
        await pilot.app.workers.wait_for_complete()
        assert on_disk(store, course, experiment.key)["happened"] == "Nobody liked it"
        assert isinstance(pilot.app.screen, ReflectionScreen)  # still open
        status = str(pilot.app.screen.query_one("#reflection-status", Static).render())
        assert "2 of 4 answered" in status


async def test_text_survives_the_app_being_killed_mid_form(
    store: Store, course: Course, experiment: Experiment
) -> None:
    app = reflection_app(store, course, experiment.key, experiment.text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab")  # to "what I learned"
        await pilot.press(*"Ask buyers")
        await pilot.app.workers.wait_for_complete()
        pilot.app.exit()  # no escape, no ctrl+s: the form is never closed
    assert app.results == []  # the form was never dismissed
    assert on_disk(store, course, experiment.key)["learned"] == "Ask buyers"
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    assert "Ask buyers" in json.dumps(raw)


async def test_the_form_asks_the_app_to_save_and_never_writes_itself(
    store: Store, course: Course, experiment: Experiment
) -> None:
    app = SchedulingApp(lambda: ReflectionScreen(store, course.identity, experiment.key, "x"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "b")
        assert app.save_requests == 2
        assert store.dirty  # the app's autosave, not the form, writes the file
        assert on_disk(store, course, experiment.key)["did"] == "Built a product box."


async def test_tab_moves_through_the_four_fields_in_order(
    store: Store, course: Course, experiment: Experiment
) -> None:
    app = reflection_app(store, course, experiment.key, experiment.text)
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        for _ in REFLECTION_FIELDS:
            focused = pilot.app.focused
            assert focused is not None
            seen.append(focused.id)
            await pilot.press("tab")
        assert seen == [f"reflection-{name}" for name in REFLECTION_FIELDS]
        await pilot.press("shift+tab")
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "reflection-next"


async def test_all_four_fields_make_the_reflection_complete(
    store: Store, course: Course, experiment: Experiment
) -> None:
    app = reflection_app(store, course, experiment.key, experiment.text)
    async with app.run_test(size=SIZE) as pilot:
        for text in ("happened", "learned", "next"):
            await pilot.press("tab", *text)
        state = store.experiment(course.identity, experiment.key)
        assert state is not None and state.reflection_complete
        status = str(pilot.app.screen.query_one("#reflection-status", Static).render())
        assert "reflection complete" in status


@pytest.mark.parametrize("key", ["escape", "ctrl+s"])
async def test_escape_and_ctrl_s_close_and_save(
    key: str, store: Store, course: Course, experiment: Experiment
) -> None:
    app = reflection_app(store, course, experiment.key, experiment.text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*" It sold.")  # the cursor starts after the prefilled text
        await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        assert not isinstance(pilot.app.screen, ReflectionScreen)
        assert app.results == [None]
    assert on_disk(store, course, experiment.key)["did"] == "Built a product box. It sold."


async def test_unchosen_experiment_cannot_be_written(store: Store, course: Course) -> None:
    key = next(exp.key for _m, exp in course.all_experiments())  # m1's first: not chosen
    app = reflection_app(store, course, key, "Not chosen")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"abc")
        assert store.experiment(course.identity, key) is None
        assert not store.dirty
        hint = str(pilot.app.screen.query_one("#reflection-hint", Static).render())
        assert "Choose this experiment first" in hint


async def test_read_only_store_keeps_the_form_read_only(
    store: Store, course: Course, experiment: Experiment
) -> None:
    # A file written by a newer coursemate opens read-only.
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    raw["schema_version"] = SCHEMA_VERSION + 1
    store.path.write_text(json.dumps(raw), encoding="utf-8")
    newer = Store.open(store.path.parent, store.learner)
    assert newer.read_only
    app = reflection_app(newer, course, experiment.key, experiment.text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"xyz")
        area = pilot.app.screen.query_one("#reflection-did", TextArea)
        assert area.read_only and area.text == "Built a product box."
        hint = str(pilot.app.screen.query_one("#reflection-hint", Static).render())
        assert "Read-only" in hint


# --- AddExperimentScreen ---------------------------------------------------------------------


async def test_add_experiment_returns_the_stripped_text() -> None:
    app = Host(lambda: AddExperimentScreen("Business [b]Strategy[/b]"))
    async with app.run_test(size=SIZE) as pilot:
        heading = str(pilot.app.screen.query_one("#own-experiment-for", Static).render())
        assert heading == "For Business [b]Strategy[/b]"
        assert isinstance(pilot.app.focused, Input)
        await pilot.press("space", "space", *"Show the [red]board[/red]", "space", "enter")
    assert app.results == ["Show the [red]board[/red]"]


async def test_add_experiment_empty_gives_none() -> None:
    app = Host(lambda: AddExperimentScreen("Assignment"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "enter")
    assert app.results == [None]


async def test_add_experiment_escape_gives_none() -> None:
    app = Host(lambda: AddExperimentScreen("Assignment"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"half typed", "escape")
        assert not isinstance(pilot.app.screen, AddExperimentScreen)
    assert app.results == [None]
