"""``coursemate agenda [COURSE] [--tz ZONE] [--ics FILE]``: the course's sessions as text.

Per event its date and location; per session its day, its times in the course's timezone
(and in the viewer's when they differ), the modules with planned times, where the unplanned
time falls and any overrun; then modules no session names, the catch-up date and the warnings.
With ``--tz`` every time is on that zone's clock (the course's own follows each session).
``--ics`` also writes an iCalendar file (atomically) for the trainer to share.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from coursemate.commands.common import (
    CommandError,
    add_course_argument,
    add_site_url_argument,
    course_path,
)

if TYPE_CHECKING:
    from coursemate.agenda import Agenda, SessionPlan, ViewerZone


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "agenda",
        help="print the course's sessions with planned module times (and write .ics)",
        description="Print the agenda: each session's times in the course's timezone and "
        "yours, its modules with planned start and end, unallocated time and overruns.",
    )
    add_course_argument(parser)
    parser.add_argument(
        "--tz",
        metavar="ZONE",
        help="show every time in this IANA timezone, e.g. America/New_York "
        "(default: each session's own timezone, and this computer's beside it)",
    )
    parser.add_argument(
        "--ics", metavar="FILE", help="also write the sessions as an iCalendar (.ics) file"
    )
    add_site_url_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coursemate.agenda import UnknownZoneError, build_agenda
    from coursemate.course.cache import load_course_cached

    course = load_course_cached(course_path(args.course), site_url=args.site_url)
    try:
        agenda = build_agenda(course, args.tz)
    except UnknownZoneError as exc:
        raise CommandError(
            f"{exc}; use an IANA name such as Europe/London or America/New_York", exit_code=2
        ) from exc
    if args.ics and not agenda.scheduled:
        # Checked before anything is printed or written: an empty calendar helps nobody.
        raise CommandError("the course has no sessions: there is nothing to put in a calendar")
    view = agenda.viewer if args.tz is not None else None
    for line in agenda_lines(agenda, view=view):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    if args.ics:
        _write_ics(agenda, Path(args.ics))
    return 0


def _write_ics(agenda: Agenda, target: Path) -> None:
    from coursemate.course.text import one_line
    from coursemate.ics import build_ics, write_calendar

    export = build_ics(agenda)
    for reason in export.skipped:
        print(f"coursemate: not in the calendar: {one_line(reason)}", file=sys.stderr)
    if not export.sessions:
        raise CommandError(
            f"no session has a usable start and end time: {one_line(str(target))} not written"
        )
    try:
        write_calendar(export, target)
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror or exc}") from exc
    catch_up = " and the catch-up date" if export.catch_up else ""
    plural = "" if export.sessions == 1 else "s"
    where = one_line(str(target))
    print(f"Wrote {where}: {export.sessions} session{plural}{catch_up}.", file=sys.stderr)


def agenda_lines(
    agenda: Agenda, *, view: ViewerZone | None = None, now: datetime | None = None
) -> Iterator[str]:
    """The agenda as plain lines; every piece of course text through ``one_line``.

    ``view``: every time on that clock (``--tz``); None: each session's own zone, with the
    viewer's beside it. ``now`` (default: the real now) tells a course wholly in the past.
    """
    from coursemate.agenda import day_text, duration
    from coursemate.course.text import one_line

    yield f"{one_line(agenda.title)}: agenda"
    if not agenda.scheduled:
        yield ""
        yield "No sessions scheduled. The modules in syllabus order:"
        for module in agenda.syllabus:
            yield f"  {module.number}. {one_line(module.title)} ({duration(module.minutes)})"
        return
    if view is not None:
        yield f"Times in {one_line(view.name)}; the course's own time follows each session."
    else:
        yield f"Times in each session's timezone; yours ({one_line(agenda.viewer.name)}) below."
    ended = agenda.ended(now or datetime.now().astimezone())
    if ended is not None:
        yield (
            f"This course is over: its last session ended {day_text(ended)}. "
            "The agenda below is how it was planned."
        )
    for index, event in enumerate(agenda.events, start=1):
        yield ""
        facts = [f"Event {index}"]
        if event.start_date:
            facts.append(f"starts {day_text(event.start_date)}")
        facts.append(one_line(event.location) or "no location given")
        yield " · ".join(facts)
        if not event.sessions:
            yield "  No sessions."
        for session in event.sessions:
            yield from _session_lines(agenda, session, view)
    if agenda.unscheduled:
        yield ""
        yield "Not in any session:"
        for module in agenda.unscheduled:
            yield f"  {module.number}. {one_line(module.title)} ({duration(module.minutes)})"
    yield ""
    if agenda.catch_up:
        yield f"Catch-up: {day_text(agenda.catch_up)} (two weeks after the last session)"
    else:
        # No session has a usable date, or two weeks after it is past the end of the calendar.
        yield "Catch-up: not scheduled"
    warnings = list(agenda.warnings())
    if warnings:
        yield ""
        yield f"Warnings ({len(warnings)}):"
        for warning in warnings:
            yield f"  ! {one_line(warning)}"  # they quote the course's ids and zones


def _session_lines(agenda: Agenda, session: SessionPlan, view: ViewerZone | None) -> Iterator[str]:
    from coursemate.agenda import course_when, duration, local_when, session_when, slot
    from coursemate.course.text import one_line

    load = f"{session.planned_minutes} min planned"
    if session.length_minutes is not None:
        load = f"{session.planned_minutes} of {session.length_minutes} min planned"
    yield f"  {session.label}: {session_when(session, view)} · {load}"
    other = (
        local_when(session, agenda.viewer)
        if view is None
        else (f"course time: {c}" if (c := course_when(session, view)) else None)
    )
    if other:
        yield f"  {' ' * len(session.label)}  {other}"
    for planned in session.modules:
        module = planned.module
        when = slot(planned.start, planned.end, view)
        flag = "  ! overrun" if planned.overrun else ""
        yield (
            f"    {when:<13} {module.number}. {one_line(module.title)} "
            f"({duration(module.minutes)}){flag}"
        )
    for unknown in session.unknown_ids:
        yield f"    {'':<13} ? unknown module '{one_line(unknown)}'"
    if not session.modules and not session.unknown_ids:
        yield "    No modules named."
    if session.unplanned is not None:
        when = slot(*session.unplanned, view)
        yield f"    {when:<13} Unplanned time ({duration(session.unallocated_minutes)})"
    if session.overrun_minutes:
        yield f"    {'':<13} ! Overrun: {duration(session.overrun_minutes)} more than the session"
