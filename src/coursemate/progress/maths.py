"""Progress maths: what is done, how long it took, what is left.

A parent never counts itself: a module's figures come only from its resources, pre-reading's
from its items, and the overall figures from every pre-reading item and every resource.
The header names pre-reading (``syllabusBefore``) and the modules' resources apart.
Percent is by minutes (what the header shows, "35/551 min · 6%"), by items when nothing has a
duration, and never reaches 100 while something is unfinished.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coursemate.course.keys import top_key

if TYPE_CHECKING:
    from coursemate.course.model import Course, Resource

PREREADING_KEY = "pre"


@dataclass(frozen=True)
class ModuleProgress:
    key: str
    items_done: int
    items_total: int
    minutes_done: int
    minutes_total: int

    @property
    def minutes_left(self) -> int:
        return self.minutes_total - self.minutes_done

    @property
    def percent(self) -> int:
        if self.items_total == 0:
            return 0
        if self.minutes_total > 0:
            value = self.minutes_done * 100 // self.minutes_total
        else:
            value = self.items_done * 100 // self.items_total
        return min(value, 99) if self.items_done < self.items_total else 100


@dataclass(frozen=True)
class CourseProgress:
    prereading: ModuleProgress
    modules: dict[str, ModuleProgress]
    overall: ModuleProgress
    order: tuple[str, ...] = ()  # resource keys in course order
    done: frozenset[str] = frozenset()

    @property
    def resources(self) -> ModuleProgress:
        """The modules' resources together (pre-reading apart)."""
        return _sum("resources", self.modules.values())

    def next_unfinished(self) -> str | None:
        """The first resource (pre-reading first) not yet done, in course order."""
        return next((key for key in self.order if key not in self.done), None)


def _tally(key: str, resources: Iterable[Resource], done: frozenset[str]) -> ModuleProgress:
    items_done = items_total = minutes_done = minutes_total = 0
    for res in resources:
        minutes = res.minutes or 0
        items_total += 1
        minutes_total += minutes
        if res.key in done:
            items_done += 1
            minutes_done += minutes
    return ModuleProgress(key, items_done, items_total, minutes_done, minutes_total)


def _sum(key: str, parts: Iterable[ModuleProgress]) -> ModuleProgress:
    items_done = items_total = minutes_done = minutes_total = 0
    for part in parts:
        items_done += part.items_done
        items_total += part.items_total
        minutes_done += part.minutes_done
        minutes_total += part.minutes_total
    return ModuleProgress(key, items_done, items_total, minutes_done, minutes_total)


def course_progress(
    course: Course,
    done: frozenset[str],
    *,
    since: CourseProgress | None = None,
    changed: Iterable[str] = (),
) -> CourseProgress:
    """Progress from the set of done keys.

    With ``since`` (the progress before) and ``changed`` (the keys whose state changed since),
    only the modules holding those keys are counted again: on a 500-module course a full
    count on every toggle was most of the toggle's cost. The result is the same either way.
    """
    done = frozenset(done)
    if since is None:
        prereading = _tally(PREREADING_KEY, course.prereading, done)
        modules = {m.key: _tally(m.key, m.resources, done) for m in course.modules}
        order = tuple(res.key for res in course.all_resources())
    else:
        tops = {top_key(key) for key in changed}
        prereading = (
            _tally(PREREADING_KEY, course.prereading, done)
            if PREREADING_KEY in tops
            else since.prereading
        )
        modules = dict(since.modules)
        for module in course.modules_by_key(tops):
            modules[module.key] = _tally(module.key, module.resources, done)
        order = since.order
    return CourseProgress(
        prereading=prereading,
        modules=modules,
        overall=_sum("overall", [prereading, *modules.values()]),
        order=order,
        done=done,
    )
