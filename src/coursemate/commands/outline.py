"""``coursemate outline [COURSE] [--keys] [--json]``: the course as plain indented text.

This is also the screen-reader and pipe view; ``--json`` is the scripting interface:
``{"course": {...}, "items": [{"key", "kind", "title", "minutes", "parent"}, ...]}``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from coursemate.commands.common import add_course_argument, add_site_url_argument, course_path
from coursemate.course.kinds import readable_kind
from coursemate.plural import counted

if TYPE_CHECKING:
    from coursemate.course.model import Course, Resource


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "outline",
        help="print the course as plain indented text (or JSON)",
        description="Print the course: pre-reading, modules with minutes, resources, "
        "assignments and experiments.",
    )
    add_course_argument(parser)
    parser.add_argument("--keys", action="store_true", help="add each item's stable key")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_site_url_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coursemate.course.cache import load_course_cached
    from coursemate.course.text import json_text

    course = load_course_cached(course_path(args.course), site_url=args.site_url)
    if args.json:
        sys.stdout.write(json_text(outline_json(course)) + "\n")
    else:
        for line in outline_lines(course, keys=args.keys):
            sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0


def _minutes(minutes: int | None) -> str:
    return "no duration" if minutes is None else f"{minutes} min"


def _resource(res: Resource) -> str:
    details = ", ".join(part for part in (readable_kind(res.type), _minutes(res.minutes)) if part)
    return f"{res.title or '(untitled)'} ({details})"


def outline_lines(course: Course, *, keys: bool = False) -> Iterator[str]:
    """The outline, one line at a time; course text and keys each through ``one_line``."""
    from coursemate.course.text import one_line

    def line(indent: int, text: str, key: str | None = None) -> str:
        suffix = f"  [{one_line(key)}]" if keys and key else ""
        return "  " * indent + one_line(text) + suffix

    yield line(0, course.title or course.identity)
    modules = counted(len(course.modules), "module")
    facts = [course.code, course.level, modules, _minutes(course.minutes)]
    yield line(0, " · ".join(f for f in facts if f))
    if keys:
        yield line(0, f"identity: {course.identity}")
    if course.prereading:
        yield ""
        minutes = sum(r.minutes or 0 for r in course.prereading)
        yield line(0, f"Pre-reading ({counted(len(course.prereading), 'item')}, {minutes} min)")
        for res in course.prereading:
            yield line(1, f"- {_resource(res)}", res.key)
    if course.modules:
        yield ""
        yield line(0, "Modules")
    for module in course.modules:
        yield line(1, f"{module.number}. {module.title} ({_minutes(module.minutes)})", module.key)
        for res in module.resources:
            yield line(2, f"- {_resource(res)}", res.key)
        a = module.assignment
        if a is not None:
            yield line(2, f"Assignment: {a.title}", a.key)
            for exp in a.experiments:
                yield line(3, f"* {exp.text}", exp.key)


def outline_json(course: Course) -> dict[str, Any]:
    return {
        "course": {
            "identity": course.identity,
            "title": course.title,
            "code": course.code,
            "level": course.level,
            "minutes": course.minutes,
            "source": str(course.source) if course.source else None,
            "modules": len(course.modules),
            "prereading": len(course.prereading),
            "resources": sum(len(m.resources) for m in course.modules),
            "experiments": sum(1 for _ in course.all_experiments()),
            "warnings": len(course.warnings),
        },
        "items": [
            {
                "key": item.key,
                "kind": item.kind,
                "title": item.title,
                "minutes": item.minutes,
                "parent": item.parent,
            }
            for item in course.items()
        ],
    }
