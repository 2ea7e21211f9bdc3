"""Continue (issue #15, part 1): ``n`` goes to the next thing to do after the cursor, ``N``
back, wrapping round; after the reading come the chosen experiments, then their reflections;
then it says that all is done."""

from __future__ import annotations

from pathlib import Path

from coursemate.course.model import Course
from coursemate.progress.store import REFLECTION_FIELDS, Store
from coursemate.ui.app import CoursemateApp
from helpers import COURSE_ID, FIRST, SECOND, go, make_app, study, tree_of

LAST = "m8/r/product-owner-learning-path"  # the reference course's last resource


def cursor_key(app: CoursemateApp) -> str | None:
    item = tree_of(app.screen).cursor_item  # type: ignore[arg-type]
    return getattr(item, "key", None)


def store_for(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "data", "alice")


def read_everything(store: Store, course: Course) -> None:
    for res in course.all_resources():
        store.set_done(course.identity, res.key, True)


def nothing_left_notes(app: CoursemateApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "Nothing left"]


async def test_n_on_an_unfinished_item_moves_on(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)  # unfinished: n used to stay here
        await pilot.press("n")
        assert cursor_key(app) == SECOND
        await pilot.press("N")
        assert cursor_key(app) == FIRST


async def test_n_wraps_round_and_N_goes_back_past_the_start(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, LAST)
        await pilot.press("n")
        assert cursor_key(app) == FIRST
        await pilot.press("N")
        assert cursor_key(app) == LAST


async def test_n_from_a_collapsed_module_finds_items_not_built_yet(
    tmp_path: Path, course: Course
) -> None:
    store = store_for(tmp_path)
    for module in course.modules[:2]:
        for res in module.resources:
            store.set_done(COURSE_ID, res.key, True)
    store.save()
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m2")
        assert course.modules[2].resources[0].key not in tree_of(screen).known_keys()
        await pilot.press("n")
        assert cursor_key(app) == course.modules[2].resources[0].key
        await pilot.press("N")  # back over what is read, round to the last resource
        assert cursor_key(app) == LAST


async def test_after_the_reading_experiments_then_reflections_then_all_done(
    tmp_path: Path, course: Course
) -> None:
    store = store_for(tmp_path)
    read_everything(store, course)
    (_, first), (_, second) = list(course.all_experiments())[:2]
    for exp in (first, second):
        store.set_chosen(COURSE_ID, exp.key, True, title=exp.text)
    store.set_status(COURSE_ID, second.key, "done")
    store.save()
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await study(pilot)
        await pilot.press("n")
        assert cursor_key(app) == first.key  # chosen, not done yet
        await pilot.press("n")
        assert cursor_key(app) == first.key  # the only one: round to itself
        assert app.store is not None
        app.store.set_status(COURSE_ID, first.key, "done")
        await pilot.press("n")
        assert cursor_key(app) == second.key  # both done: the first not reflected after it
        for field in REFLECTION_FIELDS:
            app.store.set_reflection(COURSE_ID, second.key, field, "text")
        await pilot.press("n")
        assert cursor_key(app) == first.key
        for field in REFLECTION_FIELDS:
            app.store.set_reflection(COURSE_ID, first.key, field, "text")
        await pilot.press("n")
        assert cursor_key(app) == first.key  # nowhere to go
        assert nothing_left_notes(app) == ["All done — catch-up on 22 Nov 2025"]


async def test_all_done_without_a_catch_up_date(tmp_path: Path) -> None:
    path = tmp_path / "one.md"
    path.write_text(
        "---\ntitle: One\nsyllabusBefore:\n  - {title: Guide, duration: 30}\n---\n",
        encoding="utf-8",
    )
    store = store_for(tmp_path)
    store.set_done("one", "pre/guide", True)
    store.save()
    app = make_app(tmp_path, course=path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await study(pilot)
        await pilot.press("n")
        assert nothing_left_notes(app) == ["All done"]
