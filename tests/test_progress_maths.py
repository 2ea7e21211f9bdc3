"""Progress maths on the reference course and the minimal test course."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursemate.course.reader import load_course
from coursemate.progress.maths import ModuleProgress, course_progress
from helpers import DATA


def test_reference_course_totals_and_next(reference_path: Path) -> None:
    course = load_course(reference_path)
    empty = course_progress(course, frozenset())
    assert (empty.overall.items_total, empty.overall.minutes_total) == (31, 551)
    assert empty.overall.percent == 0 and empty.overall.minutes_left == 551
    first, second = (r.key for r in list(course.all_resources())[:2])
    assert empty.next_unfinished() == first

    m1 = course.modules[0]
    done = frozenset({first, m1.key, m1.assignment.key if m1.assignment else ""})
    progress = course_progress(course, done)  # a module or assignment key counts for nothing
    assert progress.modules[m1.key].items_done == 1
    assert progress.overall.items_done == 1
    assert progress.next_unfinished() == second
    # Module percent comes from its own resources only.
    assert progress.modules[m1.key].percent > 0
    assert all(p.items_done == 0 for k, p in progress.modules.items() if k != m1.key)

    everything = frozenset(r.key for r in course.all_resources())
    full = course_progress(course, everything)
    assert full.overall.percent == 100 and full.next_unfinished() is None
    assert full.modules["m4"].percent == 0  # no resources: 0, not 100 or a crash


def test_prereading_counts_in_overall_and_comes_first() -> None:
    course = load_course(DATA / "minimal.md")
    progress = course_progress(course, frozenset())
    pre = progress.prereading
    assert pre.key == "pre" and pre.items_total == 2
    assert progress.overall.items_total == pre.items_total + sum(
        len(m.resources) for m in course.modules
    )
    assert progress.next_unfinished() == course.prereading[0].key
    done = frozenset(r.key for r in course.prereading)
    after = course_progress(course, done)
    assert after.prereading.percent == 100
    assert after.next_unfinished() == course.modules[0].resources[0].key
    assert after.overall.minutes_done == pre.minutes_total


def test_percent_by_minutes_never_100_while_unfinished() -> None:
    assert ModuleProgress("m", 35, 100, 35, 551).percent == 6
    assert ModuleProgress("m", 1, 2, 999, 1000).percent == 99
    assert ModuleProgress("m", 2, 3, 10, 10).percent == 99  # one item without minutes left
    assert ModuleProgress("m", 1, 4, 0, 0).percent == 25  # nothing has minutes: by items
    assert ModuleProgress("m", 0, 0, 0, 0).percent == 0


@pytest.mark.parametrize("name", ["reference", "minimal.md"])
def test_counting_only_the_changed_modules_gives_the_full_count(
    reference_path: Path, name: str
) -> None:
    import random

    course = load_course(reference_path if name == "reference" else DATA / name)
    keys = [r.key for r in course.all_resources()]
    if name == "minimal.md":  # the course with pre-reading: its group is recounted too
        assert any(k.startswith("pre/") for k in keys)
    rng = random.Random(7)
    done: set[str] = set()
    progress = course_progress(course, frozenset())
    for _ in range(200):
        changed = rng.sample(keys, rng.randint(1, 3))
        done ^= set(changed)
        progress = course_progress(course, frozenset(done), since=progress, changed=changed)
        assert progress == course_progress(course, frozenset(done))
    assert progress.overall.items_total == len(keys)
    assert progress.overall.items_done == len(done)
