"""``coursemate learners [--json]``: every learner with a store, their courses, last activity."""

from __future__ import annotations

import argparse
import sys

from coursemate.commands.common import add_store_arguments, store_data_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "learners",
        help="list learners, their courses and last activity",
        description="List the learners in the data directory; '*' marks the default learner "
        "(last used, else the OS user name).",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coursemate.course.text import json_text, one_line
    from coursemate.progress.learners import default_learner, list_learners

    folder = store_data_dir(args)
    current = args.learner or default_learner(folder)
    learners = list_learners(folder)
    if args.json:
        rows = [
            {
                "name": s.name,
                "default": s.name == current,
                "path": str(s.path),
                "courses": list(s.course_ids),
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
        courses = ", ".join(one_line(cid) for cid in s.course_ids) or "no courses"
        marker = "*" if s.name == current else " "
        print(f"{marker} {one_line(s.name)}  (last activity {when}; courses: {courses})")
    return 0
