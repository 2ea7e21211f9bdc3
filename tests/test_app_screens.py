"""Pilot tests of the other screens and of hostile, broken, big and many courses."""

from __future__ import annotations

import gc
import importlib
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from coursemate import paths
from coursemate.course.model import Resource
from coursemate.gc_policy import pause_for_start
from coursemate.settings import load_settings
from coursemate.ui.app import SETTLE_DELAY
from coursemate.ui.screens.error import (
    ErrorScreen,
    ProblemsScreen,
    problem_table,
    source_excerpt,
)
from coursemate.ui.screens.picker import CourseList, PickerScreen
from coursemate.ui.screens.reading_list import ReadingListScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import (
    COURSE_ID,
    go,
    make_app,
    store_on_disk,
    study,
    top_screen,
    tree_of,
    until_screen,
    write_course,
)

HOSTILE_TITLE = "Myth [3]: [bold red]x[/bold red]"


def rendered(renderable: object, width: int = 200) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def hostile_course(tmp_path: Path) -> Path:
    return write_course(
        tmp_path / "hostile.md",
        f"""
title: '{HOSTILE_TITLE}'
code: "[link=https://evil.example]X[/link]"
syllabus:
  - id: 1
    title: "Module \\e[31mred\\e[0m [i]one[/i]"
    duration: 60
    content: "Content with [b]markup[/b] stays literal."
    learningResources:
      - title: '{HOSTILE_TITLE}'
        link: https://example.com/a
        duration: 5
        type: blog
      - title: "Bell\\a and \\e]0;title\\a OSC"
        link: https://example.com/b
        duration: 5
        type: video
""",
    )


async def test_markup_and_escapes_in_course_text_show_literally(tmp_path: Path) -> None:
    app = make_app(tmp_path, course=hostile_course(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        header = str(screen.query_one("#header-course", Static).render())
        assert header == f"[link=https://evil.example]X[/link] · {HOSTILE_TITLE}"
        tree = tree_of(screen)
        module = tree.root.children[0]
        assert str(module.label).startswith("1 Module red [i]one[/i]")
        assert "\x1b" not in str(module.label)
        await pilot.press("down", "right", "down")
        assert str(tree.cursor_node.label).startswith(f"¶ {HOSTILE_TITLE}")  # type: ignore[union-attr]
        title = str(screen.query_one("#detail-title", Static).render())
        assert title == f"¶ {HOSTILE_TITLE}"
        await pilot.press("down")
        assert str(tree.cursor_node.label).startswith("▣ Bell and OSC · 5 min")  # type: ignore[union-attr]
        # The reading list shows it literally too.
        await pilot.press("r")
        reading = app.screen
        assert isinstance(reading, ReadingListScreen)
        cell = reading.table.get_cell_at(Coordinate(0, 1))
        assert cell.plain == f"¶ {HOSTILE_TITLE}"


async def test_a_broken_course_shows_the_error_screen(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("---\ncode: X\ntitle: a: b\n---\n", encoding="utf-8")
    app = make_app(tmp_path, course=broken)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await until_screen(pilot, ErrorScreen)
        assert screen.problem.file == broken
        assert (screen.problem.line, screen.problem.column) == (3, 9)
        details = rendered(problem_table(screen.problem))
        assert f"File     {broken}" in details
        assert "Line     3:9" in details
        assert "YAML" in details
        excerpt = source_excerpt(screen.problem)
        assert excerpt is not None and "3 │ title: a: b\n" + " " * 12 + "^" in excerpt.plain
        await pilot.press("q")
    assert app.return_code == 1  # the README's promise: the error screen, then quit, exits 1


async def test_w_shows_the_course_warnings(tmp_path: Path) -> None:
    course = write_course(
        tmp_path / "warned.md",
        """
title: Warned
syllabus:
  - id: 1
    title: One
    duration: 30
    learningResources:
      - title: No duration here
        link: https://example.com
""",
    )
    app = make_app(tmp_path, course=course)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert screen.course.warnings
        await pilot.press("w")
        assert isinstance(app.screen, ProblemsScreen)
        assert any("no duration" in p.message for p in app.screen.problems)
        await pilot.press("escape")
        assert top_screen(app) is screen


async def test_w_is_not_offered_for_a_clean_course(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        assert screen.check_action("warnings", ()) is (bool(screen.course.warnings))


async def test_a_folder_of_courses_opens_the_picker(tmp_path: Path, reference_path: Path) -> None:
    folder = tmp_path / "courses"
    (folder / "pspo").mkdir(parents=True)
    shutil.copy(reference_path, folder / "pspo" / "index.md")
    hostile_course(folder)
    app = make_app(tmp_path, course=folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        names = [p.name for p in picker.courses]
        assert names == ["hostile.md", "pspo"]
        options = picker.query_one(CourseList)
        painted = [
            " ".join(strip.text.split())
            for strip in options.render_lines(Region(0, 0, *options.outer_size))
        ]
        # Titles are peeked from the front matter and shown literally, one line per course.
        assert any(line.startswith(HOSTILE_TITLE) for line in painted)
        assert any(line.startswith("Professional Scrum Product Owner (PSPO)") for line in painted)
        await pilot.press("p", "s", "p", "o", "enter")
        screen = await study(pilot)
        assert screen.course.identity == COURSE_ID


async def test_a_500_module_course_builds_only_the_modules(tmp_path: Path) -> None:
    modules = "\n".join(
        f"""  - id: {i}
    title: Module {i}
    duration: 30
    learningResources:
      - {{title: Read {i}, link: https://example.com/{i}, duration: 5, type: blog}}
      - {{title: Watch {i}, link: https://example.com/v{i}, duration: 7, type: video}}
    assignment:
      title: Try {i}
      examples: |
        - Experiment {i}a
        - Experiment {i}b"""
        for i in range(1, 501)
    )
    course = write_course(tmp_path / "big.md", f"title: Big\nsyllabus:\n{modules}")
    app = make_app(tmp_path, course=course)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        assert len(tree.root.children) == 500
        assert len(tree.known_keys()) == 500  # resources, assignments, experiments: not yet
        # n still finds the first unfinished resource, building just that module.
        await pilot.press("n")
        assert tree.cursor_item.key == "m1/r/read-1"  # type: ignore[union-attr]
        assert len(tree.known_keys()) == 500 + 2 + 1 + 2
        await go(pilot, screen, "m499/r/watch-499")
        await pilot.press("space")
        assert app.store is not None and app.store.is_done(
            screen.course.identity, "m499/r/watch-499"
        )


async def test_s_picks_a_chosen_experiments_status(tmp_path: Path) -> None:
    from coursemate.ui.screens.status_picker import StatusPicker

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1/a")
        await pilot.press("right", "down")
        key = tree_of(screen).cursor_item.key  # type: ignore[union-attr]
        assert screen.check_action("choose_status", ()) is False  # not chosen yet
        await pilot.press("space")
        assert app.store is not None
        assert app.store.experiment(COURSE_ID, key).status == "planned"  # type: ignore[union-attr]
        seen = []
        for _ in range(4):  # each press opens the picker on the status it has; down, enter
            await pilot.press("s")
            assert isinstance(app.screen, StatusPicker)
            await pilot.press("down", "enter")
            seen.append(app.store.experiment(COURSE_ID, key).status)  # type: ignore[union-attr]
        assert seen == ["running", "done", "dropped", "planned"]
        assert "· planned" in str(tree_of(screen).cursor_node.label)  # type: ignore[union-attr]
        await pilot.press("s", "down", "enter", "q")
    assert store_on_disk(tmp_path).experiment(COURSE_ID, key).status == "running"  # type: ignore[union-attr]


async def test_a_adds_an_own_experiment(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1/a")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Pair with sales", "enter")
        await pilot.pause()
        assert app.store is not None
        own = app.store.own_experiments(COURSE_ID, "m1/a")
        assert [o.text for o in own] == ["Pair with sales"]
        assert app.store.is_chosen(COURSE_ID, own[0].key)
        item = tree_of(screen).cursor_item
        assert getattr(item, "key", None) == own[0].key


async def test_e_on_a_chosen_experiment_opens_the_reflection(tmp_path: Path) -> None:
    from coursemate.ui.screens import reflection

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1/a")
        await pilot.press("right", "down", "space", "e")
        await pilot.pause()
        assert isinstance(app.screen, reflection.ReflectionScreen)


@pytest.mark.parametrize(
    ("key", "module", "name"),
    [
        ("g", "coursemate.ui.screens.agenda", "AgendaScreen"),
        ("p", "coursemate.ui.screens.presenter", "PresenterScreen"),
        ("C", "coursemate.ui.screens.catchup", "CatchupScreen"),
    ],
)
async def test_trainer_and_catchup_keys_open_their_screens(
    tmp_path: Path, key: str, module: str, name: str
) -> None:
    screens = importlib.import_module(module)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, getattr(screens, name))


async def test_reading_list_sorts_and_keeps_totals(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press("r")
        reading = app.screen
        assert isinstance(reading, ReadingListScreen)
        await pilot.press("s")  # module -> title
        titles = [reading.by_key[str(k.value)].resource.title for k in reading.table.rows]
        assert titles == sorted(titles, key=str.casefold)
        await pilot.press("s", "s")  # -> type -> minutes
        minutes = [reading.by_key[str(k.value)].resource.minutes for k in reading.table.rows]
        assert minutes == sorted(minutes)  # type: ignore[type-var]
        assert reading.sort_column == "minutes"


def test_tree_labels_never_parse_markup() -> None:
    from coursemate.ui.widgets.syllabus_items import resource_label

    res = Resource("k", "resource", HOSTILE_TITLE, None, 3, "blog", None)
    label = resource_label(res, done=True).joined()
    assert label.plain == f"¶ {HOSTILE_TITLE} · 3 min ✓"


def test_study_screen_lists_its_keys() -> None:
    keys = {b.key for b in StudyScreen.BINDINGS}  # type: ignore[union-attr]
    assert {"n", "o", "c", "e", "slash", "escape", "r", "l", "a", "s", "C", "g", "p", "w"} <= keys


@pytest.mark.parametrize(
    ("kind", "suffix", "expected"),
    [("markdown", "md", "What is a Product?"), ("json", "json", '"m1/r/what-is-a-product"')],
)
async def test_palette_exports_progress(
    tmp_path: Path, kind: str, suffix: str, expected: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1/r/what-is-a-product")
        await pilot.press("space")
        await pilot.press("ctrl+p", *f"export progress ({kind})")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
    target = tmp_path / "data" / "exports" / f"{COURSE_ID}-alice-{kind}.{suffix}"
    assert expected in target.read_text(encoding="utf-8")


async def test_the_palette_theme_picker_is_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press("ctrl+p", *"theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press(*"nord")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"
    assert load_settings(paths.config_dir())[0].theme == "nord"


async def test_a_slow_course_shows_a_spinner_only_until_it_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from textual.widgets import LoadingIndicator

    from coursemate.course import cache
    from coursemate.ui import app as app_module

    release = threading.Event()
    real_load = cache.load_course_cached

    def slow_load(*args: object, **kwargs: object) -> object:
        release.wait(30)
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "load_course_cached", slow_load)
    monkeypatch.setattr(app_module, "SPINNER_DELAY", 0.01)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(500):  # until the spinner timer has fired; the load is still blocked
            await pilot.pause(0.01)
            if app.screen.query(LoadingIndicator):
                break
        assert len(app.screen.query(LoadingIndicator)) == 1
        release.set()
        await study(pilot)
        await pilot.pause(0.05)  # past the spinner delay again: the stopped timer stays stopped
        assert not app.screen_stack[0].query(LoadingIndicator)
        assert not app.screen.query(LoadingIndicator)


@pytest.fixture
def collection_paused() -> Iterator[None]:
    """As ``coursemate`` starts the app: with the garbage collector paused (commands/open_.py)."""
    pause_for_start()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.usefixtures("collection_paused")
@pytest.mark.parametrize("opens", ["course", "broken course", "folder"])
async def test_the_app_turns_garbage_collection_back_on_once_started(
    tmp_path: Path, reference_path: Path, opens: str
) -> None:
    screen_type: type[Screen[Any]]
    if opens == "course":
        target, screen_type = reference_path, StudyScreen
    elif opens == "broken course":
        target = write_course(tmp_path / "broken.md", "title: a: b")
        screen_type = ErrorScreen
    else:
        target = tmp_path / "courses"
        target.mkdir()
        hostile_course(target)
        screen_type = PickerScreen
    app = make_app(tmp_path, course=target)
    async with app.run_test(size=(100, 30)) as pilot:
        await until_screen(pilot, screen_type)
        await pilot.pause(SETTLE_DELAY * 2)  # the study screen settles memory after a moment
        assert gc.isenabled()


async def test_a_quick_second_learner_switch_is_not_overtaken_by_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob's store opens slowly; carol, chosen meanwhile, opens at once and stays open when
    bob's worker finishes later."""
    import threading

    from textual.widgets import Input

    from coursemate.progress.store import Store
    from coursemate.ui.screens.learner import LearnerScreen

    bob_may_open = threading.Event()
    real_open = Store.open

    def slow_for_bob(data_dir: Path, learner: str) -> Store:
        if learner == "bob":
            bob_may_open.wait(30)
        return real_open(data_dir, learner)

    monkeypatch.setattr(Store, "open", staticmethod(slow_for_bob))
    app = make_app(tmp_path)

    async def switch_to(pilot: Pilot[int], name: str) -> None:
        await pilot.press("l")
        for _ in range(500):  # the learner list is read in a worker
            if isinstance(app.screen, LearnerScreen):
                break
            await pilot.pause(0.01)
        app.screen.query_one(Input).focus()
        await pilot.press(*name, "enter")

    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await switch_to(pilot, "bob")
        await switch_to(pilot, "carol")
        for _ in range(500):
            if app.store is not None and app.store.learner == "carol":
                break
            await pilot.pause(0.01)
        assert app.store is not None and app.store.learner == "carol"
        bob_may_open.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.store.learner == "carol"
        assert isinstance(app.screen, StudyScreen) and app.screen.store.learner == "carol"
