"""``coursemate learners [COURSE ...] [--json] [--use NAME]``: every learner with a store, their
courses (titled) and last activity; ``--use`` makes a learner the default.

A store knows its courses by id only. Titles come from the bundled course and from the
``COURSE`` files or folders given (a folder of courses: each course in it); a course found
nowhere is shown by its id alone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from coursemate.commands.common import (
    CommandError,
    add_store_arguments,
    new_learner_notes,
    store_data_dir,
    store_exists,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "learners",
        help="list learners, their courses and last activity",
        description="List the learners in the data directory; '*' marks the default learner "
        "(last used, else the OS user name). Course titles come from the bundled course and "
        "the COURSE files or folders given; other courses show their id.",
    )
    parser.add_argument(
        "courses",
        nargs="*",
        metavar="COURSE",
        help="course files or folders to find course titles in",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument(
        "--use",
        metavar="NAME",
        help="make NAME the default learner (other commands' --learner never does, "
        "except mark and import, which write)",
    )
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def _course_files(values: Iterable[str]) -> list[Path]:
    from coursemate import paths
    from coursemate.course.discover import find_courses

    found = [paths.bundled_course()]
    for value in values:
        path = Path(value).expanduser()
        if path.is_dir() and not (path / "index.md").exists():
            found += find_courses(path)
        else:
            found.append(path)
    return found


def course_titles(values: Iterable[str]) -> dict[str, str]:
    """Course id -> title, from the bundled course and the courses named by ``values``; one
    that cannot be read is said so on stderr and left out (its id is still shown)."""
    from coursemate.course.cache import load_course_cached
    from coursemate.course.errors import CourseError
    from coursemate.course.text import clean, one_line

    titles: dict[str, str] = {}
    for path in _course_files(values):
        try:
            course = load_course_cached(path)
        except CourseError as exc:
            print(f"coursemate: {clean(str(exc))}", file=sys.stderr)
            continue
        if course.title:
            titles.setdefault(course.identity, one_line(course.title))
    return titles


def _use(folder: Path, name: str) -> int:
    from coursemate.course.text import clean, one_line
    from coursemate.progress.learners import list_learners, remember_learner
    from coursemate.progress.names import LearnerNameError, normalise_learner

    try:
        learner = normalise_learner(name)
    except LearnerNameError as exc:
        raise CommandError(f"--use: {exc}", exit_code=2) from exc
    if not store_exists(folder, learner):
        notes = new_learner_notes(folder, learner, writes=True)
        known = [one_line(s.name) for s in list_learners(folder)]
        if not notes and known:
            # A typo here makes the wrong learner the default of every later command: say so.
            notes = [
                f"no learner {one_line(learner)!r} yet (learners: {', '.join(known)}); "
                "their store is made at their first change"
            ]
        for line in notes:
            print(f"coursemate: {clean(line)}", file=sys.stderr)
    try:
        remember_learner(folder, learner)
    except OSError as exc:
        raise CommandError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    print(f"the default learner is now {one_line(learner)}")
    return 0


def run(args: argparse.Namespace) -> int:
    from coursemate.course.text import json_text, one_line
    from coursemate.progress.learners import default_learner, list_learners

    folder = store_data_dir(args)
    if folder.exists() and not folder.is_dir():
        # "no learners yet in FOLDER" said nothing was wrong: a data_dir set to a file.
        raise CommandError(f"the data directory {one_line(str(folder))} is not a folder")
    if args.use is not None:
        return _use(folder, args.use)
    current = args.learner or default_learner(folder)
    learners = list_learners(folder)
    titles = course_titles(args.courses) if learners else {}
    if args.json:
        rows = [
            {
                "name": s.name,
                "default": s.name == current,
                "path": str(s.path),
                "courses": list(s.course_ids),
                "course_titles": {cid: titles[cid] for cid in s.course_ids if cid in titles},
                "last_activity": s.last_activity.isoformat() if s.last_activity else None,
            }
            for s in learners
        ]
        sys.stdout.write(json_text(rows) + "\n")
        return 0
    if not learners:
        where = one_line(str(folder))
        print(f"no learners yet in {where} (the default learner is {one_line(current)})")
        return 0
    for s in learners:
        when = s.last_activity.astimezone().strftime("%Y-%m-%d %H:%M") if s.last_activity else "-"
        # Store files can be written by hand or by an older version: ids are shown cleaned.
        courses = (
            "; ".join(
                f"{titles[cid]} ({one_line(cid)})" if cid in titles else one_line(cid)
                for cid in s.course_ids
            )
            or "no courses"
        )
        marker = "*" if s.name == current else " "
        print(f"{marker} {one_line(s.name)}  (last activity {when}; courses: {courses})")
    return 0
