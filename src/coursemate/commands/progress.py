"""``coursemate progress [COURSE] [--json]``: per module and overall, what is done and left.

``--json`` prints ``coursemate.export.progress_summary``: the figures, ``done_keys``,
``chosen_keys``, ``next_unfinished`` and ``orphaned_keys`` (stored progress for keys the course
no longer has: kept, never deleted). The text view names only the first few of those keys:
an import can bring any number of them.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from coursemate.commands.common import (
    add_course_argument,
    add_store_arguments,
    load_cached,
    open_store,
)
from coursemate.plural import counted, noun

if TYPE_CHECKING:
    from coursemate.progress.maths import ModuleProgress


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "progress",
        help="show a learner's progress in a course",
        description="Per module and overall: items done, minutes done and left, percent.",
    )
    add_course_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (lists the done keys)")
    add_store_arguments(parser)
    parser.set_defaults(func=run)


LABEL_WIDTH = 44
ORPHANS_SHOWN = 5  # keys named in the text view; --json lists every one
KEY_WIDTH = 80  # an imported key can be of any length


def _shorten(text: str, width: int) -> str:
    """Shortened visibly, not cut mid-word without a sign."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(label: str, p: ModuleProgress) -> str:
    items = f"{p.items_done}/{p.items_total}"
    minutes = f"{p.minutes_done}/{p.minutes_total} min"
    left = f"{p.minutes_left} min left"
    label = _shorten(label, LABEL_WIDTH)
    unit = noun(p.items_total, "item")
    return f"{label:<{LABEL_WIDTH}} {items:>7} {unit:<5} {minutes:>14} {left:>14} {p.percent:>4}%"


def orphans_line(orphans: list[str]) -> str:
    """How many stored keys the course no longer has, and the first few of them."""
    from coursemate.course.text import one_line

    shown = ", ".join(_shorten(one_line(key), KEY_WIDTH) for key in orphans[:ORPHANS_SHOWN])
    more = len(orphans) - ORPHANS_SHOWN
    if more > 0:
        shown += f" and {more} more (see --json)"
    return f"Kept for {counted(len(orphans), 'key')} no longer in the course: {shown}"


def run(args: argparse.Namespace) -> int:
    from coursemate.course.text import json_text, one_line
    from coursemate.export import next_line, progress_summary
    from coursemate.progress.maths import course_progress

    course = load_cached(args.course)
    store = open_store(args)
    if args.json:
        sys.stdout.write(json_text(progress_summary(course, store)) + "\n")
        return 0
    cid = course.identity
    progress = course_progress(course, store.done_keys(cid))
    out = [f"{one_line(store.learner)} · {one_line(course.title) or one_line(cid)}", ""]
    if course.prereading:
        out.append(_row("Pre-reading", progress.prereading))
    for module in course.modules:
        out.append(_row(f"{module.number}. {one_line(module.title)}", progress.modules[module.key]))
    out += ["", _row("Overall", progress.overall)]
    nxt = next_line(course, progress)
    if nxt is not None:
        out.append(nxt)
    chosen = store.chosen_keys(cid)
    if chosen:
        own = len(chosen & store.own_keys(cid))
        out.append(f"Experiments chosen: {len(chosen)}" + (f" ({own} own)" if own else ""))
    orphans = store.orphaned_keys(course)
    if orphans:
        out.append(orphans_line(orphans))
    sys.stdout.write("\n".join(out) + "\n")
    return 0
