"""iCalendar export of a course's agenda: one event per session, plus the catch-up date.

UIDs are derived from the course's identity and the session's key (its place in the file), so
importing a newer export updates the events a calendar already holds instead of duplicating
them. Sessions in a known IANA zone carry a TZID and a VTIMEZONE; times written with only a
UTC offset are written in UTC; sessions whose zone is unknown are written as floating local
times, as the course file wrote them. No Textual here.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from coursemate import __version__
from coursemate.agenda import Agenda, EventPlan, SessionPlan, duration, slot
from coursemate.course import dates
from coursemate.course.text import one_line

PRODID = f"-//coursemate//coursemate {__version__}//EN"


@dataclass(frozen=True, slots=True)
class IcsExport:
    """What was written, and the sessions that could not be (with the reason)."""

    data: bytes
    sessions: int
    catch_up: date | None
    skipped: tuple[str, ...]


def course_uid_part(identity: str) -> str:
    """A short, stable digest of the course identity, safe in a UID whatever it contains."""
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def session_uid(identity: str, session_key: str) -> str:
    return f"{session_key.replace('/', '-')}.{course_uid_part(identity)}@coursemate"


def catch_up_uid(identity: str) -> str:
    # One per course: the agenda has one catch-up, two weeks after its last event.
    return f"catch-up.{course_uid_part(identity)}@coursemate"


def build_ics(agenda: Agenda, *, now: datetime | None = None) -> IcsExport:
    """The calendar as bytes; ``now`` (the DTSTAMP) is injectable so tests can pin it."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(agenda.title))
    written = 0
    skipped: list[str] = []
    # A session written twice in the file (same times, same modules) is one calendar event:
    # importing the file must not put the class in the calendar twice.
    seen: dict[tuple[object, ...], str] = {}
    for event in agenda.events:
        for session in event.sessions:
            times = _calendar_times(session)
            if isinstance(times, str):
                skipped.append(f"{session.label} ({session.path}): {times}")
                continue
            same = (
                dates.instant(times[0]),
                dates.instant(times[1]),
                times[0].tzinfo is None,
                tuple(p.module.key for p in session.modules),
            )
            if same in seen:
                skipped.append(f"{session.label} ({session.path}): the same as {seen[same]}")
                continue
            seen[same] = session.label
            calendar.add_component(_session_event(agenda, event, session, times, stamp))
            written += 1
    # Exactly the catch-up the agenda shows (none when it says "not scheduled").
    catch_up = agenda.catch_up
    if catch_up is not None:
        item = _catch_up_event(agenda, catch_up, stamp)
        if item is None:
            skipped.append("the catch-up: the last day of the calendar")
            catch_up = None
        else:
            calendar.add_component(item)
    # A VTIMEZONE for every TZID used, so calendars that lack the zone still place it right.
    calendar.add_missing_timezones()
    return IcsExport(calendar.to_ical(), written, catch_up, tuple(skipped))


def write_ics(agenda: Agenda, target: Path, *, now: datetime | None = None) -> IcsExport:
    """Write the calendar atomically: a crash leaves the old file or the new one, never half."""
    export = build_ics(agenda, now=now)
    write_calendar(export, target)
    return export


def write_calendar(export: IcsExport, target: Path) -> None:
    """Write a built calendar atomically (the command checks it is worth writing first)."""
    target = target.expanduser()
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(export.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _calendar_times(session: SessionPlan) -> tuple[datetime, datetime] | str:
    """The session's start and end as the calendar gets them, or why it cannot be written.

    Both ends share one form: the start's IANA zone (a TZID with its VTIMEZONE), UTC when
    the file gave only an offset (``+05:00`` names no zone a calendar can look up), or
    floating local times when it gave no zone at all.
    """
    start, end = session.start, session.end
    if start is None:
        return "no start time"
    if session.length_minutes is None or end is None:
        return "no usable end time"
    if start.tzinfo is None:  # a usable length means the end is naive too
        return start, end
    zone = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else UTC
    start, end = dates.in_zone(start, zone), dates.in_zone(end, zone)
    if start is None or end is None:
        return "its time falls outside the calendar in UTC (year 1 to 9999)"
    return start, end


def _session_event(
    agenda: Agenda,
    event: EventPlan,
    session: SessionPlan,
    times: tuple[datetime, datetime],
    stamp: datetime,
) -> Event:
    item = Event()
    item.add("uid", session_uid(agenda.identity, session.key))
    item.add("dtstamp", stamp)
    item.add("summary", f"{one_line(agenda.title)} — {session.label}")
    item.add("dtstart", times[0])
    item.add("dtend", times[1])
    if event.location:
        item.add("location", one_line(event.location))
    item.add("description", _description(session))
    return item


def _description(session: SessionPlan) -> str:
    lines = []
    for planned in session.modules:
        module = planned.module
        lines.append(
            f"{slot(planned.start, planned.end)}  {module.number}. {one_line(module.title)} "
            f"({duration(module.minutes)})"
        )
    if not lines:
        lines.append("No modules named for this session.")
    if session.unplanned is not None:
        where = slot(*session.unplanned)
        lines.append(f"{where}  Unplanned time ({duration(session.unallocated_minutes)})")
    if session.overrun_minutes:
        lines.append(f"Overrun: the modules need {duration(session.overrun_minutes)} more")
    return "\n".join(lines)


def _catch_up_event(agenda: Agenda, day: date, stamp: datetime) -> Event | None:
    """The all-day catch-up event; None when its end (the next day) is past year 9999."""
    end = dates.add(day, timedelta(days=1))
    if end is None:
        return None
    item = Event()
    item.add("uid", catch_up_uid(agenda.identity))
    item.add("dtstamp", stamp)
    item.add("summary", f"{one_line(agenda.title)} — catch-up")
    item.add("dtstart", day)
    item.add("dtend", end)
    item.add("transp", "TRANSPARENT")
    item.add(
        "description",
        "Two weeks after the class: which experiments did you choose, run, and learn from?",
    )
    return item
