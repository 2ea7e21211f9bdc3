"""What comes next: the learner's "continue" (``n`` / ``N`` in the app, the header's "Next").

No Textual here. While any resource is unfinished, those are what comes next; when all are
read, the chosen experiments not yet done (or dropped); then the chosen experiments without a
complete reflection. Within that set, the next one is the first *after* the cursor in course
order (the tree's order: pre-reading, then each module with its resources, assignment,
suggested and own experiments), wrapping round at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from coursemate.progress.maths import PREREADING_KEY

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.store import Store

Phase = Literal["resource", "experiment", "reflection", "none"]


@dataclass(frozen=True, slots=True)
class UpNext:
    """Every key in course order, and the ones that are still to do (all of one phase)."""

    order: tuple[str, ...]
    phase: Phase
    todo: frozenset[str]

    def after(self, key: str | None, *, backwards: bool = False) -> str | None:
        """The first to-do key after ``key`` (before it, ``backwards``), wrapping round; None
        when nothing is left. ``key`` None (the course itself) is before everything."""
        return step(self.order, self.todo, key, backwards=backwards)

    @property
    def first(self) -> str | None:
        return self.after(None)


def step(
    order: Sequence[str], todo: frozenset[str], key: str | None, *, backwards: bool = False
) -> str | None:
    if not todo:
        return None
    count = len(order)
    try:
        at = order.index(key) if key is not None else (count if backwards else -1)
    except ValueError:
        at = count if backwards else -1
    direction = -1 if backwards else 1
    for offset in range(1, count + 1):
        candidate = order[(at + direction * offset) % count]
        if candidate in todo:
            return candidate
    return None


def course_order(course: Course, store: Store) -> tuple[str, ...]:
    """Every item's key as the tree shows them, own experiments after the suggested ones."""
    cid = course.identity
    keys: list[str] = [PREREADING_KEY, *(res.key for res in course.prereading)]
    for module in course.modules:
        keys.append(module.key)
        keys += [res.key for res in module.resources]
        assignment = module.assignment
        if assignment is not None:
            keys.append(assignment.key)
            keys += [exp.key for exp in assignment.experiments]
            keys += [own.key for own in store.own_experiments(cid, assignment.key)]
    return tuple(keys)


def up_next(course: Course, store: Store) -> UpNext:
    """What is left to do now, from the store."""
    cid = course.identity
    order = course_order(course, store)
    done = store.done_keys(cid)
    unread = frozenset(res.key for res in course.all_resources() if res.key not in done)
    if unread:
        return UpNext(order, "resource", unread)
    known = frozenset(order)
    states = {
        key: state
        for key in store.chosen_keys(cid) & known
        if (state := store.experiment(cid, key)) is not None
    }
    running = frozenset(k for k, s in states.items() if s.status not in ("done", "dropped"))
    if running:
        return UpNext(order, "experiment", running)
    unreflected = frozenset(k for k, s in states.items() if not s.reflection_complete)
    if unreflected:
        return UpNext(order, "reflection", unreflected)
    return UpNext(order, "none", frozenset())
