"""Small frictions of the study app, each as a learner meets it: an unsaved note, copying a
link, typing a learner's name, a learner's name in another case."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, TextArea

from coursemate.progress.store import Store
from coursemate.ui.screens.choice import ChoiceScreen
from coursemate.ui.screens.learner import LearnerScreen
from coursemate.ui.screens.note import NoteScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import (
    COURSE_ID,
    FIRST,
    SECOND,
    go,
    make_app,
    store_on_disk,
    study,
    top_screen,
    until_screen,
)

# --- the note editor with unsaved text ----------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "kept"),
    [
        (["s"], "Ask Sam"),  # save
        (["d"], ""),  # discard
        (["enter"], "Ask Sam"),  # the focused first answer is Save
        (["right", "enter"], ""),  # the next one is Discard
    ],
)
async def test_closing_the_note_editor_with_unsaved_text_asks(
    tmp_path: Path, answer: list[str], kept: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        await pilot.press("e", "x", "backspace", "escape")  # typed, then taken back: no question
        assert isinstance(top_screen(app), StudyScreen)
        await pilot.press("e", *"Ask Sam", "escape")
        question = top_screen(app)
        assert isinstance(question, ChoiceScreen)
        labels = [str(b.label) for b in question.query(Button)]
        assert labels == ["Save", "Discard", "Keep editing"]
        await pilot.press(*answer)
        await pilot.pause()
        assert isinstance(top_screen(app), StudyScreen)
        assert app.store is not None and app.store.note(COURSE_ID, FIRST) == kept
        await app.workers.wait_for_complete()
    assert store_on_disk(tmp_path).note(COURSE_ID, FIRST) == kept


@pytest.mark.parametrize("back", ["k", "escape"])
async def test_keep_editing_returns_to_the_text(tmp_path: Path, back: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        await pilot.press("e", *"Ask", "escape", back)
        editor = top_screen(app)
        assert isinstance(editor, NoteScreen)
        area = editor.query_one(TextArea)
        assert area.has_focus
        await pilot.press(*" Sam", "ctrl+s")
        assert app.store is not None and app.store.note(COURSE_ID, FIRST) == "Ask Sam"


# --- copying a link -----------------------------------------------------------------------


@pytest.mark.parametrize("tmux", [True, False])
async def test_c_says_where_the_link_went_and_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmux: bool
) -> None:
    if tmux:
        monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1234,0")
    else:
        monkeypatch.delenv("TMUX", raising=False)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, SECOND)
        await pilot.press("c")
        assert app.clipboard == "https://youtu.be/k1BXZk-iCMA"
        (note,) = [n for n in app._notifications if n.title == "Link copied"]
        lines = str(note.message).splitlines()
        assert lines[0] == "https://youtu.be/k1BXZk-iCMA"  # to copy by hand
        assert "OSC 52" in lines[1] and "Some terminals ignore" in lines[1]
        assert ("set-clipboard on" in note.message) is tmux


# --- the learner dialog -------------------------------------------------------------------


def a_learner(tmp_path: Path, name: str) -> None:
    """A learner with a store on disk (an untouched store is never written)."""
    store = Store.open(tmp_path / "data", name)
    store.set_done(COURSE_ID, FIRST, True)
    store.save()


async def _switch(app, pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("l")
    await until_screen(pilot, LearnerScreen)
    await pilot.press(*keys, "enter")
    await pilot.pause()


async def _learner_after(app, pilot) -> str:  # type: ignore[no-untyped-def]
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(top_screen(app), StudyScreen) and app.store is not None:
            break
    assert app.store is not None
    return str(app.store.learner)


async def test_typing_a_name_in_the_learner_dialog_works_at_once(tmp_path: Path) -> None:
    for name in ("zed", "alice"):
        a_learner(tmp_path, name)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await _switch(app, pilot, "down")  # the list still moves, enter picks from it
        assert await _learner_after(app, pilot) == "zed"
        await _switch(app, pilot, *"Bob")
        assert await _learner_after(app, pilot) == "Bob"


@pytest.mark.parametrize(("answer", "learner"), [("u", "bob"), ("c", "Bob")])
async def test_a_name_differing_only_by_case_asks_which_learner(
    tmp_path: Path, answer: str, learner: str
) -> None:
    a_learner(tmp_path, "bob")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await _switch(app, pilot, *"Bob")
        question = top_screen(app)
        assert isinstance(question, ChoiceScreen)
        assert "A learner named 'bob' exists" in question.question
        await pilot.press(answer)
        assert await _learner_after(app, pilot) == learner
