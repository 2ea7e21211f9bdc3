"""Course reader and model. No Textual imports here: the CLI and tests use it headless.

The names below are loaded on first use (PEP 562), so ``import coursemate.course.errors`` or
``coursemate.course.model`` does not pull in the reader and its YAML and Markdown parsers:
start-up only pays for them when a course is actually read.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coursemate.course.errors import CourseError
    from coursemate.course.model import (
        Assignment,
        Course,
        Event,
        Experiment,
        Item,
        Link,
        Module,
        Problem,
        Resource,
        Session,
    )
    from coursemate.course.reader import load_course, resolve_course_path

_WHERE = {
    "CourseError": "coursemate.course.errors",
    "Assignment": "coursemate.course.model",
    "Course": "coursemate.course.model",
    "Event": "coursemate.course.model",
    "Experiment": "coursemate.course.model",
    "Item": "coursemate.course.model",
    "Link": "coursemate.course.model",
    "Module": "coursemate.course.model",
    "Problem": "coursemate.course.model",
    "Resource": "coursemate.course.model",
    "Session": "coursemate.course.model",
    "load_course": "coursemate.course.reader",
    "resolve_course_path": "coursemate.course.reader",
}

__all__ = [
    "Assignment",
    "Course",
    "CourseError",
    "Event",
    "Experiment",
    "Item",
    "Link",
    "Module",
    "Problem",
    "Resource",
    "Session",
    "load_course",
    "resolve_course_path",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        # AttributeError lets ``from coursemate.course import fields`` fall back to the submodule.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
