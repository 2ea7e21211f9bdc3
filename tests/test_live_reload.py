"""The open app shows what other processes write to the learner store (issue #13).

Another shell's ``coursemate mark`` (a real subprocess), a second ``Store`` or a sync engine
(a file renamed over the store) changes the file while the app is open; the app must merge it
in register by register and repaint the tree, the header and what ``n`` finds.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from coursemate.progress.store import Store, StoreError
from coursemate.ui.app import CoursemateApp
from coursemate.ui.screens.catchup import CatchupScreen
from coursemate.ui.screens.reading_list import ReadingListScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import (
    COURSE_ID,
    COURSEMATE,
    FIRST,
    SECOND,
    Terminal,
    go,
    header_text,
    make_app,
    store_on_disk,
    study,
    tree_of,
    until_screen,
)

M1 = [FIRST, SECOND]
M2 = [
    "m2/r/crossing-the-chasm-a-quick-summary",
    "m2/r/geoffrey-moore-crossing-the-chasm-what-s-new-wha",
    "m2/r/10-tips-for-product-owners-on-the-product-vision",
    "m2/r/how-great-leaders-inspire-action",
]
M3 = [
    "m3/r/the-elements-of-value",
    "m3/r/empathy-driven-development-rescuing-value-from-t",
    "m3/r/4-steps-to-optimize-product-value",
    "m3/r/outcome-mapping-scrum-the-story-of-amazing-decis",
    "m3/r/online-experimentation-at-microsoft",
    "m3/r/the-evidence-based-management-guide",
]  # 115 min
M3_EXPERIMENT = "m3/a/x/1448b507"
M5_FIRST = "m5/r/the-scrum-guide"  # module 4 has no resources
WAIT = 20.0  # seconds before giving up (a timeout, not a timing assertion)


async def until(pilot: Pilot[int], what: str, check: Callable[[], bool]) -> None:
    """Let the app run until ``check()`` holds; fail naming ``what`` after ``WAIT``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"the app never showed {what}")
        await pilot.pause(0.1)


def label(screen: StudyScreen, key: str) -> str:
    node = tree_of(screen).node_for(key)
    assert node is not None, key
    return str(node.label)


def module_label(screen: StudyScreen, number: int) -> str:
    return str(tree_of(screen).root.children[number - 1].label)


async def coursemate_mark(data_dir: Path, *keys: str) -> None:
    """``coursemate mark`` in another process, as from another shell."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coursemate", "mark", "--learner", "alice",
        "--data-dir", str(data_dir), *keys,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, (out + err).decode()


def stored(tmp_path: Path) -> Store:
    """The store as a fresh process would read it now."""
    return store_on_disk(tmp_path)


async def first_marked_and_saved(pilot: Pilot[int], tmp_path: Path) -> tuple[StudyScreen, Store]:
    """The study screen, once FIRST is marked in it and saved; and the app's store."""
    screen = await study(pilot)
    await go(pilot, screen, FIRST)
    await pilot.press("space")
    await until(pilot, "the saved mark", lambda: FIRST in stored(tmp_path).done_keys(COURSE_ID))
    app = pilot.app
    assert isinstance(app, CoursemateApp) and app.store is not None
    return screen, app.store


# --- the store's part ------------------------------------------------------------------------


def test_reload_changes_merges_register_by_register(tmp_path: Path) -> None:
    mine = Store.open(tmp_path, "alice")
    mine.set_done(COURSE_ID, M3[0], True)
    mine.save()
    assert not mine.changed_on_disk()  # our own save is not someone else's change
    assert not mine.reload_changes()

    mine.set_note(COURSE_ID, M3[1], "older, unsaved")
    other = Store.open(tmp_path, "alice")
    other.set_note(COURSE_ID, M3[1], "newer, from the other shell")
    other.set_note(COURSE_ID, M3[2], "older, from the other shell")
    for key in M3[3:]:
        other.set_done(COURSE_ID, key, True)
    other.save()
    mine.set_note(COURSE_ID, M3[2], "newer, unsaved")

    assert mine.changed_on_disk()
    assert mine.reload_changes()
    assert mine.done_keys(COURSE_ID) == {M3[0], *M3[3:]}
    assert mine.note(COURSE_ID, M3[1]) == "newer, from the other shell"  # the disk's was later
    assert mine.note(COURSE_ID, M3[2]) == "newer, unsaved"  # ours was later: it stays
    assert mine.dirty and not mine.changed_on_disk()
    mine.save()
    assert Store.open(tmp_path, "alice").note(COURSE_ID, M3[2]) == "newer, unsaved"


def test_reload_changes_puts_back_what_a_replaced_or_deleted_file_lost(tmp_path: Path) -> None:
    mine = Store.open(tmp_path, "alice")
    mine.set_done(COURSE_ID, FIRST, True)
    mine.save()
    # A sync engine renames another machine's copy, which never had FIRST, over the file.
    elsewhere = Store.open(tmp_path / "elsewhere", "alice")
    elsewhere.set_done(COURSE_ID, M3[0], True)
    elsewhere.save()
    os.replace(elsewhere.path, mine.path)

    assert mine.reload_changes()
    assert mine.done_keys(COURSE_ID) == {FIRST, M3[0]}
    assert mine.dirty  # the file lacks FIRST: the next save writes it back
    mine.save()
    assert Store.open(tmp_path, "alice").done_keys(COURSE_ID) == {FIRST, M3[0]}

    mine.path.unlink()
    assert mine.changed_on_disk()
    assert not mine.reload_changes()  # nothing new to show
    assert mine.dirty and mine.done_keys(COURSE_ID) == {FIRST, M3[0]}


def test_a_newer_coursemates_file_makes_the_store_read_only_until_it_is_gone(
    tmp_path: Path,
) -> None:
    mine = Store.open(tmp_path, "alice")
    mine.set_done(COURSE_ID, FIRST, True)
    mine.save()
    good = tmp_path / "good.json"
    shutil.copy(mine.path, good)
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"schema_version": 99, "courses": {}}), encoding="utf-8")
    os.replace(newer, mine.path)

    assert mine.changed_on_disk()
    with pytest.raises(StoreError, match="newer coursemate"):
        mine.reload_changes()
    assert mine.read_only and not mine.changed_on_disk()  # its signature is remembered

    # The newer file goes (a sync engine brings the older copy back), another shell marks.
    os.replace(good, mine.path)
    other = Store.open(tmp_path, "alice")
    other.set_done(COURSE_ID, M3[0], True)
    other.save()
    assert mine.changed_on_disk()
    assert mine.reload_changes()
    assert not mine.read_only and mine.done_keys(COURSE_ID) == {FIRST, M3[0]}
    assert "can be read by this coursemate again" in mine.messages[-1]
    mine.set_done(COURSE_ID, M3[1], True)
    mine.save()
    assert Store.open(tmp_path, "alice").done_keys(COURSE_ID) == {FIRST, M3[0], M3[1]}


# --- the app's part ------------------------------------------------------------------------


async def test_coursemate_mark_in_another_shell_shows_in_the_open_app(tmp_path: Path) -> None:
    before = store_on_disk(tmp_path)
    for key in M1 + M2:
        before.set_done(COURSE_ID, key, True)
    before.save()
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, M3[0])  # module 3 open: its children are on screen
        assert header_text(screen) == "alice  Resources 86/551 min · 15%"
        assert module_label(screen, 3).endswith("· 120 min · 0/6")

        await coursemate_mark(tmp_path / "data", *M3)

        await until(pilot, "module 3 as 6/6", lambda: module_label(screen, 3).endswith("6/6 ✓"))
        await until(pilot, "the new minutes", lambda: "201/551 min · 36%" in header_text(screen))
        assert all("✓" in label(screen, key) for key in M3)
        await go(pilot, screen, "m1")
        await pilot.press("n")  # past everything done, here or in the other shell
        assert tree_of(screen).cursor_node is tree_of(screen).node_for(M5_FIRST)


async def test_a_write_merged_by_our_own_save_is_shown_too(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        store = app.store
        assert store is not None
        other = store_on_disk(tmp_path)
        for key in M3:
            other.set_done(COURSE_ID, key, True)
        other.save()
        # Before the watch looks, a save of ours merges the other shell's marks in: the file
        # is then ours, and only the merge itself says something changed.
        store.set_done(COURSE_ID, FIRST, True)
        assert app.save_now() is None
        assert not store.changed_on_disk()

        await until(pilot, "module 3 as 6/6", lambda: module_label(screen, 3).endswith("6/6 ✓"))
        assert header_text(screen) == "alice  Resources 126/551 min · 22%"


async def test_local_changes_newer_than_the_disk_keep_winning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    # No timed saves: the reload must happen while the local change is still unsaved.
    monkeypatch.setattr(app, "_autosave", lambda: None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        store = app.store
        assert store is not None
        other = store_on_disk(tmp_path)
        other.set_done(COURSE_ID, M3[0], True)
        other.set_done(COURSE_ID, M3[1], True)
        other.save()
        await go(pilot, screen, M3[0])
        await pilot.press("space")  # toggles from what the app knows: done, at once
        await pilot.press("space")  # and undone: later than the other shell's mark
        assert store.dirty

        await until(pilot, "the other shell's mark", lambda: "✓" in label(screen, M3[1]))
        assert "✓" not in label(screen, M3[0])
        # The module's count is relabelled a frame after the item (SyllabusTree.update_progress).
        await until(pilot, "module 3 as 1/6", lambda: module_label(screen, 3).endswith("1/6"))
        assert store.dirty  # still to be saved
        assert app.save_now() is None
        assert stored(tmp_path).done_keys(COURSE_ID) == {M3[1]}


async def test_a_store_renamed_over_by_a_sync_engine_is_merged(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, store = await first_marked_and_saved(pilot, tmp_path)
        # Another machine's copy (without FIRST), put in place by rename.
        elsewhere = Store.open(tmp_path / "elsewhere", "alice")
        for key in M3:
            elsewhere.set_done(COURSE_ID, key, True)
        elsewhere.set_chosen(COURSE_ID, M3_EXPERIMENT, True)
        elsewhere.save()
        os.replace(elsewhere.path, store.path)

        await until(pilot, "module 3 as 6/6", lambda: module_label(screen, 3).endswith("6/6 ✓"))
        assert header_text(screen) == "alice  Resources 126/551 min · 22%"
        assert "✓" in label(screen, FIRST)  # ours stays
        assert label(screen, M3_EXPERIMENT).startswith("☑")
        # And the file gets what the copy lacked, without a key pressed.
        await until(
            pilot,
            "the merged file",
            lambda: stored(tmp_path).done_keys(COURSE_ID) == {FIRST, *M3},
        )


async def test_a_damaged_store_is_moved_aside_told_once_and_rewritten(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, store = await first_marked_and_saved(pilot, tmp_path)
        path = store.path
        path.write_text("{not json", encoding="utf-8")  # another program wrote garbage

        def told() -> list[str]:
            return [str(n.message) for n in app._notifications if "damaged" in str(n.message)]

        await until(pilot, "a damaged-store message", lambda: len(told()) == 1)
        await until(
            pilot,
            "the rewritten store",
            lambda: path.exists() and FIRST in (stored(tmp_path).done_keys(COURSE_ID)),
        )
        moved = list(path.parent.glob(f"{path.stem}.corrupt-*.json"))
        assert [p.read_text(encoding="utf-8") for p in moved] == ["{not json"]
        await pilot.pause(2.5)  # more looks at the file: nothing new to say
        assert len(told()) == 1
        assert "✓" in label(screen, FIRST)


async def test_other_open_screens_show_fresh_data(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press("r")
        reading = await until_screen(pilot, ReadingListScreen)
        totals = reading.query_one("#reading-totals")
        assert str(totals.render()).startswith("0/")
        await coursemate_mark(tmp_path / "data", *M3)
        await until(pilot, "6 items done", lambda: str(totals.render()).startswith("6/"))

        await pilot.press("escape", "C")
        catchup = await until_screen(pilot, CatchupScreen)
        checklist = catchup.query_one("#catchup-list", OptionList)
        await coursemate_mark(tmp_path / "data", M3_EXPERIMENT)
        await until(pilot, "the chosen experiment", lambda: catchup.checklist.total == 1)
        assert checklist.option_count == 2  # the module heading and the experiment


async def test_the_watch_leaves_an_unchanged_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloads: list[Store] = []
    real = Store.reload_changes

    def counting(store: Store) -> bool:
        reloads.append(store)
        return real(store)

    monkeypatch.setattr(Store, "reload_changes", counting)
    app: CoursemateApp = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        for key in M1:
            await go(pilot, screen, key)
            await pilot.press("space")
        await until(
            pilot, "the saved marks", lambda: stored(tmp_path).done_keys(COURSE_ID) == set(M1)
        )
        await pilot.pause(2.5)  # a few looks at the file after our own saves
        assert reloads == []


async def test_an_experiment_added_elsewhere_appears_in_the_tree(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, M3_EXPERIMENT)  # module 3's assignment is open
        other = store_on_disk(tmp_path)
        key = other.add_own_experiment(COURSE_ID, "m3/a", "Ask the [b]team[/b] what value is")
        other.save()

        await until(pilot, "the new experiment", lambda: tree_of(screen).node_for(key) is not None)
        assert label(screen, key) == "☑ (mine) Ask the [b]team[/b] what value is · planned"
        assert label(screen, "m3/a").endswith(" · 1 chosen")


async def test_a_store_from_a_newer_coursemate_is_told_once_and_left_alone(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, store = await first_marked_and_saved(pilot, tmp_path)
        path = store.path
        newer = json.loads(path.read_text(encoding="utf-8"))
        newer["schema_version"] = 99
        path.write_text(json.dumps(newer), encoding="utf-8")

        def told() -> list[str]:
            return [
                str(n.message) for n in app._notifications if "newer coursemate" in str(n.message)
            ]

        await until(pilot, "a newer-coursemate message", lambda: len(told()) == 1)
        assert store.read_only
        await pilot.pause(2.5)
        assert len(told()) == 1
        assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 99


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_end_to_end_mark_in_a_second_window(terminal: Terminal, dirs: dict[str, Path]) -> None:
    terminal.run(f"{COURSEMATE} --learner e2e; echo EXIT=$?")
    terminal.wait_for("3 Value-Driven Development · 120 min · 0/6")
    terminal.wait_for("Resources 0/551 min · 0%")
    # A second shell in a second window of the same session (same data directories).
    terminal.tmux(
        "new-window", "-d", "-n", "other", "-t", terminal.name,
        "env PS1='$ ' bash --norc --noprofile",
    )  # fmt: skip
    other = Terminal(f"{terminal.name}:other", terminal.env)
    other.run(f"{COURSEMATE} mark --learner e2e {' '.join(M3)}; echo MARKED=$?")
    other.wait_for("MARKED=0")
    terminal.wait_for("3 Value-Driven Development · 120 min · 6/6 ✓")
    terminal.wait_for("Resources 115/551 min · 20%")
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()
    assert Store.open(dirs["data"], "e2e").done_keys(COURSE_ID) == set(M3)
