"""``coursemate export [COURSE] --format json|markdown | --catchup [-o FILE]``.

``--format json`` is the document ``coursemate import`` reads back (it embeds the learner's
store record for the course); ``markdown`` is for people; ``--catchup`` is the report to share
at the catch-up. Output goes to stdout, or atomically to ``-o FILE`` (and stderr says where).
"""

from __future__ import annotations

import argparse
import sys

from coursemate.commands.common import (
    add_course_argument,
    add_store_arguments,
    load_cached,
    open_store,
    write_output,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "export",
        help="export progress (JSON or Markdown) or the catch-up report",
        description="Export a learner's progress in a course, or with --catchup the Markdown "
        "report to share at the catch-up. JSON exports can be merged back with "
        "'coursemate import'.",
    )
    add_course_argument(parser)
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="markdown",
        help="progress export format (default: markdown)",
    )
    what.add_argument("--catchup", action="store_true", help="the catch-up report (Markdown)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coursemate import export
    from coursemate.course.text import one_line

    course = load_cached(args.course)
    store = open_store(args)
    kind: export.ExportKind = "catchup" if args.catchup else args.format
    written = write_output(export.render(kind, course, store), args.output)
    if written is not None:
        print(f"Wrote {one_line(str(written))}", file=sys.stderr)
    return 0
