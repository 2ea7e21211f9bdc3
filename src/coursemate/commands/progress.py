"""``coursemate progress [COURSE] [--json]``: per module and overall, what is done and left.

``--json`` prints ``coursemate.export.progress_summary``: the figures, ``done_keys``,
``chosen_keys``, ``next_unfinished`` and ``orphaned_keys`` (stored progress for keys the course
no longer has: kept, never deleted).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from coursemate.commands.common import (
    add_course_argument,
    add_store_arguments,
    load_cached,
    open_store,
)

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


def _row(label: str, p: ModuleProgress) -> str:
    items = f"{p.items_done}/{p.items_total}"
    minutes = f"{p.minutes_done}/{p.minutes_total} min"
    left = f"{p.minutes_left} min left"
    if len(label) > LABEL_WIDTH:  # shortened visibly, not cut mid-word without a sign
        label = label[: LABEL_WIDTH - 1] + "…"
    return f"{label:<{LABEL_WIDTH}} {items:>7} items {minutes:>14} {left:>14} {p.percent:>4}%"


def run(args: argparse.Namespace) -> int:
    from coursemate.course.text import one_line
    from coursemate.export import progress_summary
    from coursemate.progress.maths import course_progress

    course = load_cached(args.course)
    store = open_store(args)
    if args.json:
        text = json.dumps(progress_summary(course, store), indent=2, ensure_ascii=False)
        sys.stdout.write(text + "\n")
        return 0
    cid = course.identity
    progress = course_progress(course, store.done_keys(cid))
    out = [f"{one_line(store.learner)} · {one_line(course.title) or cid}", ""]
    if course.prereading:
        out.append(_row("Pre-reading", progress.prereading))
    for module in course.modules:
        out.append(_row(f"{module.number}. {one_line(module.title)}", progress.modules[module.key]))
    out += ["", _row("Overall", progress.overall)]
    nxt = progress.next_unfinished()
    found = course.find(nxt) if nxt else None
    if found is not None:
        out.append(f"Next: {one_line(found.title)} [{nxt}]")
    chosen = store.chosen_keys(cid)
    if chosen:
        own = len(chosen & store.own_keys(cid))
        out.append(f"Experiments chosen: {len(chosen)}" + (f" ({own} own)" if own else ""))
    orphans = store.orphaned_keys(course)
    if orphans:
        out.append(
            f"Kept for {len(orphans)} key{'s' if len(orphans) != 1 else ''} no longer in the "
            f"course: {', '.join(orphans)}"
        )
    sys.stdout.write("\n".join(out) + "\n")
    return 0
