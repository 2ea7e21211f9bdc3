"""``coursemate plan [COURSE] [--minutes N] [--by DATE] [--today DATE] [--json]``: what to read
next, and each day until the class.

Read-only: it writes nothing, and ``--learner`` does not become the default learner.
Exit codes: 0 with a plan (or nothing left to read), 1 when the deadline has passed or the
course has nothing to read (what is left is still printed), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from coursemate.commands.common import (
    CommandError,
    add_course_argument,
    add_store_arguments,
    load_cached,
    open_store,
)

if TYPE_CHECKING:
    from coursemate.progress.plan import Plan, PlanItem


def iso_date(text: str) -> date:
    """An argparse type: ``YYYY-MM-DD`` only."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def positive_minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} minutes: give a number above 0")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "plan",
        help="what to read next and each day until the class",
        description=(
            "The unfinished resources that fit in --minutes, and a day-by-day reading plan up"
            " to the deadline: --by, else the class (pre-reading by its first session, a"
            " module's resources by the session that teaches it). Writes nothing."
        ),
    )
    add_course_argument(parser)
    parser.add_argument(
        "--minutes", type=positive_minutes, metavar="N", help="what fits in N minutes"
    )
    parser.add_argument("--by", type=iso_date, metavar="YYYY-MM-DD", help="your own deadline")
    parser.add_argument(
        "--today", type=iso_date, metavar="YYYY-MM-DD", help="plan as if today were this day"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coursemate.course.text import json_text, one_line
    from coursemate.progress.plan import build_plan, plan_json

    course = load_cached(args.course)
    if not any(True for _ in course.all_resources()):
        raise CommandError(f"{one_line(course.title) or course.identity}: nothing to read")
    store = open_store(args, remember=False)
    today = args.today or date.today()
    plan = build_plan(
        course, store.done_keys(course.identity), today, by=args.by, budget=args.minutes
    )
    if args.json:
        sys.stdout.write(json_text(plan_json(plan)) + "\n")
    else:
        title = one_line(course.title) or one_line(course.identity)
        sys.stdout.write("\n".join([f"{one_line(store.learner)} · {title}", *plan_lines(plan)]))
        sys.stdout.write("\n")
    if plan.past and plan.items:
        print(
            "coursemate: the deadline has passed; no schedule (give --by YYYY-MM-DD)",
            file=sys.stderr,
        )
        return 1
    return 0


def _item_line(item: PlanItem) -> str:
    from coursemate.course.text import one_line

    return f"  {item.minutes:>4} min  {one_line(item.title)}  [{one_line(item.key)}]"


def plan_lines(plan: Plan) -> list[str]:
    """The plan as text: the deadline, what fits in the budget, then the schedule."""
    from coursemate.plural import counted
    from coursemate.progress.plan import all_done_line, day_label, deadline_line, fits_text

    if not plan.items:
        return [all_done_line(plan)]
    out = [deadline_line(plan)]
    if plan.budget is not None:
        out += ["", f"Fits in {fits_text(plan)}"]
        out += [_item_line(item) for item in plan.fits] or ["  nothing left fits"]
    if plan.days:
        out += ["", "Day by day:"]
        for day in plan.days:
            out.append(
                f"{day_label(day.day, plan.today)} ({day.day.isoformat()}) · {day.minutes} min"
            )
            out += [_item_line(item) for item in day.items]
    elif plan.budget is None or plan.past:
        out += ["", f"Left ({counted(len(plan.items), 'item')}):"]
        out += [_item_line(item) for item in plan.items]
    return out
