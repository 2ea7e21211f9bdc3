"""Pilot tests of the study screen: every key, and what the learner store holds afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from coursemate import paths
from coursemate.ui import links
from coursemate.ui.screens.help import HelpScreen
from coursemate.ui.screens.note import NoteScreen
from coursemate.ui.screens.reading_list import ReadingListScreen
from coursemate.ui.screens.study import StudyScreen
from coursemate.ui.widgets.syllabus_tree import SyllabusTree
from helpers import (
    COURSE_ID,
    EBM,
    FIRST,
    SECOND,
    go,
    header_text,
    make_app,
    store_on_disk,
    study,
    tree_of,
    write_course,
)

FIRST_EXPERIMENT_TEXT = "Define who your users and buyers are"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the app asks the browser to open (no browser is ever started)."""
    calls: list[str] = []

    def fake_open(url: str) -> str | None:
        calls.append(url)
        return None

    monkeypatch.setattr(links, "open_in_browser", fake_open)
    return calls


async def test_opens_the_bundled_course_with_header_and_lazy_tree(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        header = str(screen.query_one("#header-course", Static).render())
        assert header.startswith("PSPO · Professional Scrum Product Owner")
        assert header_text(screen) == "alice  Resources 0/551 min · 0%"
        tree = tree_of(screen)
        modules = [n for n in tree.root.children]
        assert [str(n.label).split(" ")[0] for n in modules] == [str(i) for i in range(1, 10)]
        # Nothing below the modules is built until a module is expanded.
        assert set(tree.known_keys()) == {f"m{i}" for i in range(1, 10)}
        assert all(not n.children for n in modules)
        await pilot.press("down", "right")
        assert FIRST in tree.known_keys()


async def test_space_and_enter_toggle_a_resource_done(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        await pilot.press("space")
        assert app.store is not None and app.store.is_done(COURSE_ID, FIRST)
        assert header_text(screen) == "alice  Resources 11/551 min · 1%"
        assert "✓" in str(tree_of(screen).cursor_node.label)  # type: ignore[union-attr]
        module_label = str(tree_of(screen).root.children[0].label)
        assert module_label.endswith("· 120 min · 1/2")
        await pilot.press("enter")
        assert not app.store.is_done(COURSE_ID, FIRST)
        assert header_text(screen) == "alice  Resources 0/551 min · 0%"
        await pilot.press("enter")
    # Quitting saved it: a fresh store reads it from disk.
    assert store_on_disk(tmp_path).is_done(COURSE_ID, FIRST)


UNTIMED = """
title: Untimed
syllabus:
  - id: 1
    title: One
    learningResources:
      - {title: A talk, link: https://example.com/a, type: video}
      - {title: A post, link: https://example.com/b, type: blog}
  - id: 2
    title: Two
"""


async def test_the_header_counts_items_when_no_resource_has_minutes(tmp_path: Path) -> None:
    app = make_app(tmp_path, course=write_course(tmp_path / "untimed.md", UNTIMED))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert header_text(screen) == "alice  Resources 0/2 items · 0%"
        await go(pilot, screen, next(iter(screen.course.all_resources())).key)
        await pilot.press("space")
        assert header_text(screen) == "alice  Resources 1/2 items · 50%"


async def test_the_header_of_a_course_with_nothing_to_read(tmp_path: Path) -> None:
    outline = "title: Outline only\nsyllabus:\n  - {id: 1, title: One}"
    app = make_app(tmp_path, course=write_course(tmp_path / "outline.md", outline))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert header_text(screen) == "alice  Nothing to read"


async def test_the_header_keeps_its_width_as_progress_grows(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        right = screen.query_one("#header-progress", Static)
        widest = len("alice  Resources 551/551 min · 100%") + right.styles.padding.left
        assert right.region.width == widest
        await go(pilot, screen, FIRST)
        await pilot.press("space")  # 0 -> 11 minutes: one digit more, still the same box
        assert header_text(screen) == "alice  Resources 11/551 min · 1%"
        assert right.region.width == widest
        header = screen.query_one("#progress-header")
        assert right.region.right == header.content_region.right  # at the header's end


async def test_space_on_a_module_expands_it_and_marks_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m2")
        await pilot.press("space")
        node = tree_of(screen).cursor_node
        assert node is not None and node.is_expanded and len(node.children) == 5
        assert app.store is not None and app.store.done_keys(COURSE_ID) == frozenset()


async def test_space_chooses_an_experiment(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1/a")
        await pilot.press("right", "down")
        item = tree_of(screen).cursor_item
        assert item is not None and item.text.startswith(FIRST_EXPERIMENT_TEXT)  # type: ignore[union-attr]
        await pilot.press("space")
        assert app.store is not None and app.store.is_chosen(COURSE_ID, item.key)  # type: ignore[union-attr]
        assert str(tree_of(screen).cursor_node.label).startswith("☑")  # type: ignore[union-attr]
        assert "1 chosen" in str(tree_of(screen).cursor_node.parent.label)  # type: ignore[union-attr]
        # Choosing does not count as reading progress.
        assert header_text(screen).endswith("0/551 min · 0%")


async def test_n_jumps_to_the_next_unfinished_resource(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await pilot.press("n")
        assert tree_of(screen).cursor_item.key == FIRST  # type: ignore[union-attr]
        await pilot.press("space", "n")
        assert tree_of(screen).cursor_item.key == SECOND  # type: ignore[union-attr]
        await pilot.press("space", "n")
        assert tree_of(screen).cursor_item.key.startswith("m2/r/")  # type: ignore[union-attr]


async def test_n_right_after_space_sees_the_change(tmp_path: Path) -> None:
    """Keys typed together (a fast typist, a paste): n must not land on what space just did."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        # Both key events queued before either is handled, as when they arrive in one read.
        app.post_message(events.Key("space", " "))
        app.post_message(events.Key("n", "n"))
        await pilot.pause()
        await pilot.pause()
        assert tree_of(screen).cursor_item.key == SECOND  # type: ignore[union-attr]


async def test_the_cursor_returns_to_the_last_position(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m5/r/ethics-in-scrum")
        await pilot.press("q")
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert tree_of(screen).cursor_item.key == "m5/r/ethics-in-scrum"  # type: ignore[union-attr]
        assert "Ethics in Scrum" in str(screen.query_one("#detail-title", Static).render())


async def test_o_opens_web_links_only(tmp_path: Path, opened: list[str]) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, SECOND)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        assert opened == ["https://youtu.be/k1BXZk-iCMA"]
        # A site-relative link without a site URL: told how to fix it, nothing opened.
        await go(pilot, screen, EBM)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        assert opened == ["https://youtu.be/k1BXZk-iCMA"]
        assert any("--site-url" in str(n.message) for n in app._notifications)


async def test_o_resolves_site_relative_links_with_a_site_url(
    tmp_path: Path, opened: list[str]
) -> None:
    app = make_app(tmp_path, site_url="https://www.scrum.org")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, EBM)
        await pilot.press("o")
        await app.workers.wait_for_complete()
    assert opened == [
        "https://www.scrum.org/resources/guides/the-evidence-based-management-guide-"
        "improving-value-delivery-under-conditions-of-uncertainty/"
    ]


async def test_o_and_c_are_offered_only_where_there_is_a_link(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1")
        assert screen.check_action("open_link", ()) is False
        assert "open_link" not in {b.binding.action for b in app.active_bindings.values()}
        await go(pilot, screen, FIRST)
        assert screen.check_action("open_link", ()) is True
        assert "open_link" in {b.binding.action for b in app.active_bindings.values()}


async def test_e_edits_a_note_saved_to_the_store(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        await pilot.press("e")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"Read on the train", "ctrl+s")
        assert isinstance(app.screen, StudyScreen)
        assert app.store is not None
        assert app.store.note(COURSE_ID, FIRST) == "Read on the train"
        # escape, then discard, cancels without touching the note
        await pilot.press("e", "x", "escape", "d")
        assert app.store.note(COURSE_ID, FIRST) == "Read on the train"
    assert store_on_disk(tmp_path).note(COURSE_ID, FIRST) == "Read on the train"


async def test_a_note_is_on_disk_at_once_not_at_the_next_autosave_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen asks the app to save (SaveRequested): no waiting for the autosave timer,
    which here never fires while the test runs."""
    from coursemate.ui import app as app_module

    monkeypatch.setattr(app_module, "SAVE_INTERVAL", 3600)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        await pilot.press("e", *"Ask Sam", "ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert store_on_disk(tmp_path).note(COURSE_ID, FIRST) == "Ask Sam"


async def test_text_typed_in_the_note_editor_is_kept_when_the_app_ends_with_it_open(
    tmp_path: Path,
) -> None:
    """A signal or a closed terminal ends the app through ``save_now`` (ui/shutdown.py) with
    the editor still open: what was typed is in the learner's store, not lost."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, SECOND)
        await pilot.press("e", *"Cancelled", "escape", "d")  # a discarded edit keeps nothing
        await go(pilot, screen, FIRST)
        await pilot.press("e", *"Half a thought")
        assert isinstance(app.screen, NoteScreen)
        assert app.save_now() is None
        on_disk = store_on_disk(tmp_path)
        assert on_disk.note(COURSE_ID, FIRST) == "Half a thought"
        assert on_disk.note(COURSE_ID, SECOND) == ""


async def test_filter_searches_titles_content_and_notes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert app.store is not None
        app.store.set_note(COURSE_ID, SECOND, "ask the zebra team")
        await pilot.press("slash")
        assert screen.query_one("#filter", Input).has_focus
        await pilot.press(*"zebra")
        await pilot.pause()
        tree = tree_of(screen)
        assert screen.matching_keys("zebra") == {SECOND}
        assert set(tree.known_keys()) == {"m1", SECOND}
        # Content: only module 7's text mentions "forecasting should be different".
        await pilot.press(*["backspace"] * 5, *"forecasting should")
        await pilot.pause()
        assert screen.matching_keys("forecasting should") == {"m7"}
        assert tree.root.children[0].data.key == "m7"  # type: ignore[union-attr]
        # A module that matches shows all of its children.
        assert len(tree.root.children[0].children) == 4
        await pilot.press("escape")
        await pilot.pause()
        assert screen.filter_text == ""
        assert not screen.query_one("#filter", Input).display
        assert len(tree.root.children) == 9


async def test_r_opens_the_reading_list_and_space_toggles_there(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await pilot.press("r")
        reading = app.screen
        assert isinstance(reading, ReadingListScreen)
        assert reading.table.row_count == 31
        await pilot.press("space")
        assert app.store is not None and app.store.is_done(COURSE_ID, FIRST)
        totals = str(reading.query_one("#reading-totals", Static).render())
        assert totals.startswith("1/31 items done · 11/551 min · 540 min left")
        await pilot.press("u")
        assert reading.table.row_count == 30
        await pilot.press("escape")
        assert app.screen is screen
        assert header_text(screen).endswith("11/551 min · 1%")


async def test_question_mark_and_f1_open_help(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, StudyScreen)


async def test_q_quits_and_saves(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, SECOND)
        await pilot.press("space", "q")
        assert app.return_code == 0
    assert store_on_disk(tmp_path).is_done(COURSE_ID, SECOND)


async def test_changes_are_saved_without_quitting(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, SECOND)
        await pilot.press("space")
        assert app.store is not None
        for _ in range(100):  # the autosave timer fires, then a thread worker saves
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if not app.store.dirty:
                break
        assert not app.store.dirty
        assert store_on_disk(tmp_path).is_done(COURSE_ID, SECOND)


async def test_palette_goes_to_a_module(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"go to module 6")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert tree_of(screen).cursor_item.key == "m6"  # type: ignore[union-attr]


async def test_l_switches_to_a_new_learner(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        await pilot.press("space", "l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"Bob", "enter")
        new = await study(pilot)
        for _ in range(50):
            if new is not screen:
                break
            await pilot.pause()
            new = await study(pilot)
        assert app.store is not None and app.store.learner == "Bob"
        assert header_text(new).startswith("Bob  Resources 0/551")
    assert store_on_disk(tmp_path, "alice").is_done(COURSE_ID, FIRST)
    from coursemate.progress.learners import default_learner

    assert default_learner(tmp_path / "data") == "Bob"


async def test_theme_is_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        app.theme = "nord"
        await pilot.pause()
    config = paths.config_dir()
    assert '"theme": "nord"' in (config / "settings.json").read_text()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        assert again.theme == "nord"


def test_every_key_has_a_footer_or_help_entry() -> None:
    """The footer shows the keys that work now; help lists all: no binding goes unexplained."""
    from coursemate.ui.screens.help import binding_rows

    rows = binding_rows([StudyScreen, SyllabusTree, ReadingListScreen])
    listed = {k for keys, _ in rows for k in keys.split(" / ")}
    names = {"slash": "/", "right": "→", "left": "←"}
    bindings = [*StudyScreen.BINDINGS, *SyllabusTree.BINDINGS, *ReadingListScreen.BINDINGS]
    for binding in bindings:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            assert names.get(key, key) in listed, key


async def test_mouse_click_selects_and_expands(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        # Line 2 of the tree is module 2; a click there moves the cursor to it.
        await pilot.click(SyllabusTree, offset=(10, 2))
        await pilot.pause()
        assert tree.cursor_item.key == "m2"  # type: ignore[union-attr]
        assert "Agile Product Management II" in str(
            screen.query_one("#detail-title", Static).render()
        )
        # A click on the ▶ toggle expands the module (children built on demand).
        await pilot.click(SyllabusTree, offset=(3, 2))
        await pilot.pause()
        assert tree.root.children[1].is_expanded
        assert "m2/r/crossing-the-chasm-a-quick-summary" in tree.known_keys()
