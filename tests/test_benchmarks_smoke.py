"""The benchmark suite's inputs are sound: no timings here, only that the pieces work.

The generated course must load with the real reader and have exactly the requested shape (a
generator that silently produced fewer modules would make every figure meaningless), and the
floor app must import and parse the same front matter.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from coursemate.course.reader import load_course
from helpers import REPO

BENCHMARKS = REPO / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_course_loads_with_the_requested_counts(tmp_path: Path) -> None:
    generate = _load("generate")
    path = generate.write_course(
        tmp_path / "course.md", modules=12, resources=4, experiments=3, seed=3
    )
    course = load_course(path)
    assert course.warnings == ()
    assert len(course.modules) == 12
    assert [len(m.resources) for m in course.modules] == [4] * 12
    assert all(m.assignment is not None for m in course.modules)
    assert [len(m.assignment.experiments) for m in course.modules if m.assignment] == [3] * 12
    assert course.modules[0].title == generate.first_module_title(path.read_text())
    sessions = [s for e in course.events for s in e.sessions]
    # Three modules a session, two sessions a day, in Europe/London, every module scheduled once.
    assert len(sessions) == 4
    assert {s.timezone for s in sessions} == {"Europe/London"}
    assert all(s.start is not None and s.start.tzinfo is not None for s in sessions)
    assert [k for s in sessions for k in s.module_keys] == [m.key for m in course.modules]
    days = [(e.key, s.day) for e in course.events for s in e.sessions]
    assert days == [("e1", 1), ("e1", 1), ("e1", 2), ("e1", 2)]
    assert len(course.prereading) == 3


def test_generator_is_deterministic_and_seeded() -> None:
    generate = _load("generate")
    a = generate.generate_course(modules=5, resources=3, experiments=2, seed=1)
    assert a == generate.generate_course(modules=5, resources=3, experiments=2, seed=1)
    assert a != generate.generate_course(modules=5, resources=3, experiments=2, seed=2)


def test_default_large_course_fits_the_reader_limit(tmp_path: Path) -> None:
    generate = _load("generate")
    path = generate.write_course(tmp_path / "large.md")
    course = load_course(path)
    assert len(course.modules) == 500
    assert sum(len(m.resources) for m in course.modules) == 10_000
    assert sum(len(m.assignment.experiments) for m in course.modules if m.assignment) == 5_000


def test_floor_app_imports_and_reads_the_same_modules(reference_path: Path) -> None:
    floor = _load("floor_app")
    data = floor.read_front_matter(reference_path)
    course = load_course(reference_path)
    assert [m["title"] for m in data["syllabus"]] == [m.title for m in course.modules]


async def test_floor_app_builds_the_whole_tree(reference_path: Path) -> None:
    from textual.widgets import Tree

    floor = _load("floor_app")
    course = load_course(reference_path)
    app = floor.FloorApp(reference_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tree = app.query_one(Tree)
        modules = tree.root.children
        assert [str(n.label) for n in modules] == [f"{m.number} {m.title}" for m in course.modules]
        assert [len(n.children) for n in modules] == [len(m.resources) for m in course.modules]
