"""Every action lands on the highlighted item (issue #13).

The study screen's selection is the tree's cursor node. These tests drive random sequences of
cursor moves, expand/collapse, filtering, clearing, reloads and actions with Pilot, and check
after each step that the reading pane, the footer and the target of every key are the node
the tree highlights.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markdown import Markdown
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from coursemate.course.model import Assignment, Course, Experiment, Resource
from coursemate.course.reader import load_course
from coursemate.progress.document import STATUSES
from coursemate.progress.store import OwnExperiment, Store
from coursemate.ui import links
from coursemate.ui.app import CoursemateApp
from coursemate.ui.links import resolve_link
from coursemate.ui.screens.catchup import CatchupScreen
from coursemate.ui.screens.note import NoteScreen
from coursemate.ui.screens.presenter import PresenterScreen
from coursemate.ui.screens.reading_list import ReadingListScreen
from coursemate.ui.screens.reflection import AddExperimentScreen, ReflectionScreen
from coursemate.ui.screens.study import StudyScreen
from coursemate.ui.widgets.detail_pane import DetailContext, item_detail
from coursemate.ui.widgets.syllabus_items import PrereadingGroup, TreeItem, walk_items
from coursemate.ui.widgets.syllabus_tree import SyllabusTree
from helpers import CatchupApp, go, make_app, study, tree_of, until_screen, write_course

FOLDER_FRONT = """
title: Folder course with pre-reading
id: folder-pre
syllabusBefore:
  - {title: The Scrum Guide, link: https://scrumguides.org, duration: 30, type: guide}
  - {title: Product Box workshop notes, link: /resources/box, duration: 10, type: article}
  - {title: Offline reading, duration: 5, type: book}
"""
FOLDER_SYLLABUS = """
syllabus:
  - id: 1
    title: Product vision
    duration: 60
    content: Why a vision matters.
    learningResources:
      - {title: Product Box, link: https://example.com/box, duration: 7, type: video}
      - {title: Elevator pitch, link: https://example.com/pitch, duration: 5, type: article}
    assignment:
      title: Try a vision exercise
      content: Pick one.
      examples: |
        - Run a Product Box session with your stakeholders.
        - Write an elevator pitch for your product.
  - id: 2
    title: Value
    duration: 30
    learningResources:
      - {title: Evidence-Based Management, link: https://example.com/ebm, duration: 20}
"""

# Filters that match several items, one item, a module's content, or nothing.
FILTERS = ("Product Box", "vision", "scrum", "pitch", "value", "zzz", "e")
ACTION_KEYS = ("space", "e", "o", "c", "a", "s")

Step: TypeAlias = tuple[str, object]
STEPS = st.one_of(
    st.sampled_from(("down", "down", "up", "right", "left", "n")).map(lambda k: ("key", k)),
    st.sampled_from(FILTERS).map(lambda text: ("filter", text)),
    st.sampled_from(("escape", "erase")).map(lambda how: ("clear", how)),
    st.integers(min_value=0, max_value=14).map(lambda line: ("click", line)),
    st.sampled_from(("merge", "back")).map(lambda how: ("reload", how)),
    st.sampled_from(ACTION_KEYS).map(lambda k: ("act", k)),
)
# The issue's own report: `n`, filter for "Product Box", then `e` and `o`.
ISSUE_STEPS: list[Step] = [
    ("key", "n"),
    ("type", "Product Box"),
    ("act", "e"),
    ("act", "o"),
]


def folder_course(base: Path) -> Path:
    folder = base / "course"
    folder.mkdir()
    write_course(folder / "index.md", FOLDER_FRONT)
    (folder / "syllabus.yaml").write_text(FOLDER_SYLLABUS.lstrip(), encoding="utf-8")
    return folder


def rendered(renderable: object) -> str:
    out = io.StringIO()
    Console(width=80, color_system=None, file=out).print(renderable)
    return out.getvalue()


@dataclass
class Run:
    """One example: the app, its pilot, and what the fakes saw."""

    app: CoursemateApp
    pilot: Pilot[int]
    screen: StudyScreen
    opened: list[str]
    count: int = 0

    @property
    def tree(self) -> SyllabusTree:
        return self.screen.query_one(SyllabusTree)

    @property
    def course(self) -> Course:
        return self.screen.course

    @property
    def cid(self) -> str:
        return self.course.identity

    def highlighted(self) -> TreeItem:
        tree = self.tree
        node = tree.cursor_node
        assert node is not None, "no node is highlighted"
        # The cursor node is one the tree shows now, not a leftover of a rebuild.
        assert tree.get_node_at_line(tree.cursor_line) is node
        assert node.data is not None
        return node.data

    async def settle(self) -> None:
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()
        await self.pilot.pause()


def footer_actions(item: TreeItem, run: Run) -> set[str]:
    """The item-dependent keys the footer should offer on ``item``."""
    store, cid = run.screen.store, run.cid
    chosen = isinstance(item, Experiment | OwnExperiment) and store.is_chosen(cid, item.key)
    offered = set()
    if isinstance(item, Resource):
        offered.add("toggle_done")
        if item.link is not None:
            offered.add("open_link")
    if isinstance(item, Experiment | OwnExperiment):
        offered.add("unchoose" if chosen else "toggle_chosen")
    if isinstance(item, Assignment | Experiment | OwnExperiment):
        offered.add("add_experiment")
    if chosen:
        offered |= {"reflect", "choose_status"}
    elif not isinstance(item, Course | PrereadingGroup):
        offered.add("edit_note")
    return offered


DYNAMIC = {
    "toggle_done",
    "toggle_chosen",
    "unchoose",
    "open_link",
    "edit_note",
    "reflect",
    "choose_status",
    "add_experiment",
}


def footer_keys(screen: Screen[Any]) -> set[str]:
    return {key.action for key in screen.query("FooterKey")}  # type: ignore[attr-defined]


def check_follows_cursor(run: Run) -> None:
    """The pane, the screen's selection and the footer are about the highlighted item."""
    item = run.highlighted()
    screen = run.screen
    assert screen.selected is item
    detail = item_detail(DetailContext(screen.course, screen.store, screen.progress), item)
    title = screen.query_one("#detail-title", Static).content
    assert str(title) == detail.title
    body = screen.query_one("#detail-markdown", Static).content
    expected = Markdown(detail.markdown, hyperlinks=False, inline_code_theme="ansi_dark")
    assert rendered(body) == rendered(expected), f"the pane is not about {detail.title}"
    shown = footer_keys(screen) & DYNAMIC
    assert shown == footer_actions(item, run)


def highlighted_assignment(run: Run) -> Assignment | None:
    """The assignment highlighted, or holding the highlighted experiment, by the tree."""
    node = run.tree.cursor_node
    for candidate in (node, node.parent if node is not None else None):
        if candidate is not None and isinstance(candidate.data, Assignment):
            return candidate.data
    return None


async def act(run: Run, key: str) -> None:
    """Press an action key and check it acted on the highlighted item, and only on it."""
    item = run.highlighted()
    app, pilot, store, cid = run.app, run.pilot, run.screen.store, run.cid
    run.count += 1
    chosen_key = (
        item.key
        if isinstance(item, Experiment | OwnExperiment) and store.is_chosen(cid, item.key)
        else None
    )
    chosen = chosen_key is not None
    if key == "space":
        done = store.done_keys(cid)
        node = run.tree.cursor_node
        expanded = node is not None and node.is_expanded
        await pilot.press("space")
        if isinstance(item, Resource):
            assert store.is_done(cid, item.key) != (item.key in done)
        elif isinstance(item, Experiment | OwnExperiment):
            assert store.is_chosen(cid, item.key) != chosen
        else:
            assert store.done_keys(cid) == done
            assert node is not None and (node.is_expanded != expanded or not node.allow_expand)
    elif key == "e":
        await pilot.press("e")
        if chosen_key is not None:
            assert isinstance(app.screen, ReflectionScreen) and app.screen.key == chosen_key
            await pilot.press("escape")
        elif isinstance(item, Course | PrereadingGroup):
            assert app.screen is run.screen
        else:
            assert isinstance(app.screen, NoteScreen)
            text = f"note {run.count}"
            await pilot.press("f7", "backspace", *text, "ctrl+s")
            assert store.note(cid, item.key) == text
    elif key in ("o", "c"):
        run.opened.clear()
        app.copy_to_clipboard("")
        await pilot.press(key)
        await app.workers.wait_for_complete()
        link = item.link if isinstance(item, Resource) else None
        url = resolve_link(link, app.site_url).url if link is not None else None
        if key == "o":
            assert run.opened == ([url] if url else [])
        else:
            assert app.clipboard == (url or "")
    elif key == "a":
        assignment = highlighted_assignment(run)
        own_before = {o.key for o in store.own_experiments(cid)}
        await pilot.press("a")
        if assignment is None:
            assert app.screen is run.screen
        else:
            assert isinstance(app.screen, AddExperimentScreen)
            text = f"mine {run.count}"
            await pilot.press(*text, "enter")
            await run.settle()
            added = [o for o in store.own_experiments(cid) if o.key not in own_before]
            assert [(o.assignment_key, o.text) for o in added] == [(assignment.key, text)]
            assert run.highlighted() == added[0]
    elif key == "s":
        before = store.experiment(cid, chosen_key) if chosen_key is not None else None
        await pilot.press("s")
        if chosen_key is not None:
            await pilot.press("down", "enter")  # the status picker: the next one down
            state = store.experiment(cid, chosen_key)
            assert before is not None and state is not None
            after = STATUSES.index(before.status) + 1  # the picker's list wraps round
            assert state.status == STATUSES[after % len(STATUSES)]
    if app.screen is not run.screen:  # a dialog left open by a key the item does not take
        await pilot.press("escape")
    assert app.screen is run.screen


async def set_filter(run: Run, text: str, *, typed: bool = False) -> None:
    """Filter for ``text``: typed key by key (a rebuild per key), or pasted (one rebuild)."""
    box = run.screen.query_one("#filter", Input)
    await run.pilot.press("slash")
    if typed:
        await run.pilot.press(*["backspace"] * len(box.value), *text)
    else:
        box.value = text
    await run.pilot.press("enter")


async def reload(run: Run, how: str) -> None:
    """The store changed under the screen: another process's writes merged in ("merge", then
    ``store_reloaded``), or a screen on top ticked something off ("back", then
    ``refresh_all``)."""
    store, cid = run.screen.store, run.cid
    item = run.highlighted()
    run.count += 1
    if isinstance(item, Resource):
        store.set_done(cid, item.key, not store.is_done(cid, item.key))
    if how == "back":
        run.screen.refresh_all()
        return
    if not isinstance(item, Course | PrereadingGroup):
        store.set_note(cid, item.key, f"from elsewhere {run.count}")
    assignment = highlighted_assignment(run)
    mine = None
    if assignment is not None:
        mine = store.add_own_experiment(cid, assignment.key, f"mine from elsewhere {run.count}")
    run.screen.store_reloaded()
    if mine is not None and not run.screen.filter_text:
        # Its assignment is built (the cursor is in it): it shows up there. (A filter shows
        # it only if it matches: the filter's tests cover that.)
        assert mine in run.tree.known_keys()


async def step(run: Run, kind: str, value: object) -> None:
    if kind == "key":
        await run.pilot.press(str(value))
    elif kind in ("filter", "type"):
        await set_filter(run, str(value), typed=kind == "type")
    elif kind == "clear" and value == "escape":
        await run.pilot.press("escape")
    elif kind == "clear":
        await set_filter(run, "")
    elif kind == "click":
        await run.pilot.click(SyllabusTree, offset=(12, int(value)))  # type: ignore[call-overload]
    elif kind == "reload":
        await reload(run, str(value))
    else:
        await act(run, str(value))


class Harness:
    """One app for all the examples of a test: each example is a fresh learner switched to
    (the app's own learner switch), so starting Textual is paid once, not per example."""

    def __init__(self, runner: asyncio.Runner, course: Path, data: Path) -> None:
        self.runner = runner
        self.app = make_app(data, learner="first", course=course)
        self._test = self.app.run_test(size=(100, 30))
        self.learners = 0

    def __enter__(self) -> Harness:
        self.pilot = self.runner.run(self._test.__aenter__())
        self.runner.run(study(self.pilot))
        return self

    def __exit__(self, *exc: object) -> None:
        self.runner.run(self._test.__aexit__(None, None, None))

    async def switch_learner(self, start: int | None) -> StudyScreen:
        """Switch to a new learner, whose last position is item ``start`` (or none)."""
        app = self.app
        self.learners += 1
        store = Store.open(app.data_dir, f"learner-{self.learners}")
        course = app.course
        assert course is not None
        if start is not None:
            keys = [key for key, _ in walk_items(course)]
            store.set_last_position(course.identity, keys[start % len(keys)])
        app.post_message(app.LearnerOpened(store))
        for _ in range(100):
            await self.pilot.pause()
            screen = app.screen
            if isinstance(screen, StudyScreen) and screen.store is store:
                return screen
        raise AssertionError("the learner switch did not open a study screen")

    def example(self, start: int | None, steps: list[Step], opened: list[str]) -> None:
        self.runner.run(self.drive(start, steps, opened))

    async def drive(self, start: int | None, steps: list[Step], opened: list[str]) -> None:
        screen = await self.switch_learner(start)
        run = Run(self.app, self.pilot, screen, opened)
        await run.settle()
        check_follows_cursor(run)
        for kind, value in steps:
            await step(run, kind, value)
            await run.settle()
            check_follows_cursor(run)


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STARTS = st.none() | st.integers(min_value=0, max_value=200)
STEP_LISTS = st.lists(STEPS, min_size=1, max_size=6)


def test_the_reference_course_acts_on_the_highlighted_item(
    reference_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(links, "open_in_browser", opened.append)  # never a real browser
    with asyncio.Runner() as runner, Harness(runner, reference_path, tmp_path) as harness:

        @SETTINGS
        @given(start=STARTS, steps=STEP_LISTS)
        @example(start=None, steps=ISSUE_STEPS)
        def examples(start: int | None, steps: list[Step]) -> None:
            harness.example(start, steps, opened)

        examples()


def test_a_folder_course_with_prereading_acts_on_the_highlighted_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(links, "open_in_browser", opened.append)  # never a real browser
    course = folder_course(tmp_path)
    with asyncio.Runner() as runner, Harness(runner, course, tmp_path / "data") as harness:

        @SETTINGS
        @given(start=STARTS, steps=STEP_LISTS)
        # A pre-reading item selected, then a filter for a module resource.
        @example(start=1, steps=[("key", "down"), *ISSUE_STEPS[1:]])
        def examples(start: int | None, steps: list[Step]) -> None:
            harness.example(start, steps, opened)

        examples()


# --- the same fault elsewhere ---------------------------------------------------------------


async def test_p_presents_the_module_of_the_item_highlighted_after_a_filter(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, learner="new")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await pilot.press("n", "slash", *"Product Box", "enter")  # from module 1 to module 2
        await pilot.pause()
        item = tree_of(screen).cursor_item
        assert isinstance(item, Experiment) and item.key.startswith("m2/")
        await pilot.press("p")
        presenter = await until_screen(pilot, PresenterScreen)
        assert presenter.step is not None and presenter.step.module.key == "m2"


async def test_p_on_an_own_experiment_presents_its_module(tmp_path: Path) -> None:
    app = make_app(tmp_path, learner="new")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m3/a")
        await pilot.press("a", *"Try a product box", "enter")
        await pilot.pause()
        item = tree_of(screen).cursor_item
        assert isinstance(item, OwnExperiment) and item.assignment_key == "m3/a"
        await pilot.press("p")
        presenter = await until_screen(pilot, PresenterScreen)
        assert presenter.step is not None and presenter.step.module.key == "m3"


READING_FRONT = """
title: Reading order
syllabusBefore:
  - {title: Alpha with a link, link: https://example.com/a, duration: 5}
  - {title: Bravo without a link, duration: 5}
  - {title: Charlie with a link, link: https://example.com/c, duration: 5}
  - {title: Delta with a link, link: https://example.com/d, duration: 5}
"""


def cursor_title(reading: ReadingListScreen) -> str:
    table = reading.table
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return reading.by_key[str(key)].resource.title


async def open_reading_list(pilot: Pilot[int]) -> ReadingListScreen:
    await study(pilot)
    await pilot.press("r")
    return await until_screen(pilot, ReadingListScreen)


async def test_u_keeps_the_cursor_at_its_place_in_the_reading_list(tmp_path: Path) -> None:
    course = write_course(tmp_path / "reading.md", READING_FRONT)
    app = make_app(tmp_path, learner="new", course=course)
    async with app.run_test(size=(120, 40)) as pilot:
        reading = await open_reading_list(pilot)
        await pilot.press("down", "down", "space")
        assert cursor_title(reading) == "Charlie with a link"
        await pilot.press("u")  # Charlie is done: hidden, the cursor goes on to Delta
        await pilot.pause()
        assert cursor_title(reading) == "Delta with a link"
        await pilot.press("space")
        cid = reading.course_id
        done = {reading.by_key[k].resource.title for k in reading.store.done_keys(cid)}
        assert done == {"Charlie with a link", "Delta with a link"}


async def test_catchup_s_moves_on_from_the_stored_status(
    reference_path: Path, tmp_path: Path
) -> None:
    """Another process (merged into the store) moved the experiment on: `s` continues from
    there, not from the status the list was built with."""
    course = load_course(reference_path)
    store = Store.open(tmp_path / "data", "Ada")
    cid = course.identity
    key = next(e.key for _m, e in course.all_experiments())
    store.set_chosen(cid, key, True, title="first")
    app = CatchupApp(course, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CatchupScreen) and screen.highlighted_key() == key
        store.set_status(cid, key, "running")
        await pilot.press("s", "down", "enter")  # the picker opens on "running"
        state = store.experiment(cid, key)
        assert state is not None and state.status == "done"


async def test_a_reload_filters_again_and_keeps_the_cursor_on_its_item(tmp_path: Path) -> None:
    """Another process's note now matches the filter: the tree shows it after the reload, and
    the cursor, pane and keys stay on the item they were on."""
    app = make_app(tmp_path, learner="new")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        cid, tree = screen.course_id, tree_of(screen)
        screen.store.set_note(cid, "m1/r/what-is-a-product", "zebra crossing")
        screen.store.set_note(cid, "m3/r/the-elements-of-value", "zebra herd")
        await pilot.press("slash", *"zebra", "enter")
        await go(pilot, screen, "m3/r/the-elements-of-value")
        screen.store.set_note(
            cid, "m1/r/whats-driving-your-need-for-agility", "a zebra from a laptop"
        )
        screen.store_reloaded()
        await pilot.pause()
        await pilot.pause()
        assert set(tree.known_keys()) >= {
            "m1/r/what-is-a-product",
            "m1/r/whats-driving-your-need-for-agility",
        }
        item = tree.cursor_item
        assert isinstance(item, Resource) and item.key == "m3/r/the-elements-of-value"
        assert screen.selected is item
        title = str(screen.query_one("#detail-title", Static).content)
        assert title.endswith(item.title)
