"""Schedule maths for trainer mode: the agenda of a course's sessions, and the presenter flow.

No Textual here: the ``agenda`` command, the .ics export and the screens all read the same
``Agenda``. Broken schedule data never raises; it becomes a warning on the session it concerns.

Time arithmetic is done on UTC instants, never on wall clocks: Python subtracts and adds
aware datetimes that share a ``tzinfo`` as if they were naive, which would make a session
across a DST change an hour too long or too short. It goes through ``coursemate.course.dates``,
so a date at the ends of the calendar (year 1, year 9999) gives "not known", never an
``OverflowError``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from coursemate.course import dates
from coursemate.course.model import Course, Event, Module, Session
from coursemate.course.text import one_line

CATCH_UP_AFTER = dates.CATCH_UP_AFTER
# A session longer than this is taken for a typo in its end date: its length is unknown.
LONGEST_SESSION = timedelta(hours=24)


class UnknownZoneError(ValueError):
    """A timezone name that zoneinfo does not know."""


@dataclass(frozen=True, slots=True)
class ViewerZone:
    """Where the viewer is: a named zone, or the system's local time when it has no IANA name."""

    zone: tzinfo | None  # None: the system's local time (``datetime.astimezone()``)
    name: str  # "America/New_York", or "local"

    def convert(self, moment: datetime) -> datetime | None:
        """``moment`` on the viewer's clock; None when that is outside the calendar."""
        return dates.in_zone(moment, self.zone)


def resolve_zone(name: str | None) -> ViewerZone:
    """The named zone (``--tz``), or the system's own; ``UnknownZoneError`` for a bad name."""
    if name is not None:
        zone = dates.zone_named(name.strip())
        if zone is None:
            raise UnknownZoneError(f"unknown timezone '{one_line(name)}'")
        return ViewerZone(zone, name.strip())
    system = _system_zone_name()
    if system is not None:
        return ViewerZone(ZoneInfo(system), system)
    return ViewerZone(None, "local")


def _system_zone_name() -> str | None:
    """The IANA name of the system's zone (``TZ``, then /etc/localtime), when it has one."""
    candidates: list[str] = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        candidates.append(env)
    try:
        target = Path("/etc/localtime").resolve(strict=True)
    except OSError:
        target = None
    if target is not None and "zoneinfo" in target.parts:
        parts = target.parts
        candidates.append("/".join(parts[len(parts) - parts[::-1].index("zoneinfo") :]))
    return next((name for name in candidates if dates.zone_named(name) is not None), None)


@dataclass(frozen=True, slots=True)
class PlannedModule:
    """A module in a session, with the times its duration gives it from the session start."""

    module: Module
    start: datetime | None  # in the session's timezone (naive when that is unknown)
    end: datetime | None
    overrun: bool  # it ends after the session does

    @property
    def minutes(self) -> int:
        return self.module.minutes or 0


@dataclass(frozen=True, slots=True)
class SessionPlan:
    key: str  # the course's session key ("e1/s2")
    path: str  # where it is in the file: "events[0].sessions[1]"
    day: int
    number: int  # 1-based across the event's sessions (day 2's first session is not "1" again)
    start: datetime | None
    end: datetime | None
    timezone: str  # as written, "" when absent
    zone_known: bool
    local_start: datetime | None  # the viewer's time, only when it differs from the course's
    local_end: datetime | None
    modules: tuple[PlannedModule, ...]
    unknown_ids: tuple[str, ...]
    length_minutes: int | None  # real elapsed minutes; None when start or end is unusable
    warnings: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"Day {self.day} · Session {self.number}"

    @property
    def planned_minutes(self) -> int:
        return sum(p.minutes for p in self.modules)

    @property
    def unallocated_minutes(self) -> int | None:
        """Time the modules leave free ("unplanned time"); None when the session's length is
        unknown."""
        if self.length_minutes is None:
            return None
        return max(self.length_minutes - self.planned_minutes, 0)

    @property
    def unplanned(self) -> tuple[datetime | None, datetime | None] | None:
        """Where the unplanned time falls: the modules run back to back from the start, so it
        is after the last one, up to the session's end. None when there is none."""
        if not self.unallocated_minutes or self.start is None:
            return None
        return _shift(self.start, timedelta(minutes=self.planned_minutes)), self.end

    @property
    def overrun_minutes(self) -> int:
        if self.length_minutes is None:
            return 0
        return max(self.planned_minutes - self.length_minutes, 0)


@dataclass(frozen=True, slots=True)
class EventPlan:
    key: str
    start_date: date | None
    location: str
    sessions: tuple[SessionPlan, ...]

    @property
    def last_day(self) -> date | None:
        """The day the event's last session ends (or starts, when its end is unusable), by
        the course's calendar; None when no session has a time."""
        moments = [s.end if s.length_minutes is not None else s.start for s in self.sessions]
        known = [m for m in moments if m is not None]
        return max(known, key=dates.instant).date() if known else None

    @property
    def catch_up(self) -> date | None:
        """Two weeks after ``last_day``; None without one, or past the end of the calendar."""
        last = self.last_day
        return dates.catch_up_after(last) if last is not None else None


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One page of the presenter: a module and where it sits in the class."""

    module: Module
    position: int  # 1-based
    total: int
    session: SessionPlan | None
    planned: PlannedModule | None

    @property
    def label(self) -> str:
        where = f"{self.session.label} · " if self.session is not None else ""
        return f"{where}Module {self.position} of {self.total}"


@dataclass(frozen=True, slots=True)
class Agenda:
    title: str
    identity: str
    events: tuple[EventPlan, ...]
    unscheduled: tuple[Module, ...]  # modules no session names, in syllabus order
    syllabus: tuple[Module, ...]
    viewer: ViewerZone

    @property
    def sessions(self) -> Iterator[SessionPlan]:
        for event in self.events:
            yield from event.sessions

    @property
    def scheduled(self) -> bool:
        return any(True for _ in self.sessions)

    @property
    def catch_up(self) -> date | None:
        """Two weeks after the last event; None when that is past the end of the calendar
        (not an earlier event's date: that would be the wrong day)."""
        days = [e.last_day for e in self.events if e.last_day is not None]
        return dates.catch_up_after(max(days)) if days else None

    def ended(self, now: datetime) -> datetime | None:
        """The end of the last session when every session is over at ``now``, else None (also
        when no session has a time). Times written without a zone are read on ``now``'s clock."""
        ends: list[datetime] = []
        for session in self.sessions:
            moment = session.end if session.length_minutes is not None else session.start
            if moment is None:
                continue
            seen = now if moment.tzinfo is not None else now.replace(tzinfo=None)
            if dates.instant(moment) >= dates.instant(seen):
                return None
            ends.append(moment)
        return max(ends, key=dates.instant) if ends else None

    def warnings(self) -> Iterator[str]:
        """Every warning, each naming the session it is about."""
        for session in self.sessions:
            for warning in session.warnings:
                yield f"{session.label} ({session.path}): {warning}"

    def flow(self) -> tuple[FlowStep, ...]:
        """The presenter's order: the first event's sessions, else the syllabus.

        A module named twice in the event appears once, where it is first planned. Only the
        first event that schedules anything counts: later events repeat the same flow.
        """
        for event in self.events:
            seen: set[str] = set()
            planned: list[tuple[SessionPlan, PlannedModule]] = []
            for session in event.sessions:
                for item in session.modules:
                    if item.module.key not in seen:
                        seen.add(item.module.key)
                        planned.append((session, item))
            if planned:
                total = len(planned)
                return tuple(
                    FlowStep(item.module, i, total, session, item)
                    for i, (session, item) in enumerate(planned, start=1)
                )
        total = len(self.syllabus)
        return tuple(
            FlowStep(module, i, total, None, None) for i, module in enumerate(self.syllabus, 1)
        )


def build_agenda(course: Course, tz: str | None = None) -> Agenda:
    """The course's agenda as seen from ``tz`` (default: the system's zone).

    Raises ``UnknownZoneError`` for an unknown ``tz`` only; the course's own data never raises.
    """
    viewer = resolve_zone(tz)
    by_key = {m.key: m for m in course.modules}
    # A timezone written but not as text was warned about by the reader and read as absent:
    # the agenda calls it invalid, not missing.
    bad_zones = frozenset(
        w.field for w in course.warnings if w.field and w.field.endswith(".timezone")
    )
    events = tuple(_plan_event(event, by_key, viewer, bad_zones) for event in course.events)
    named = {p.module.key for e in events for s in e.sessions for p in s.modules}
    return Agenda(
        title=course.title or course.identity,
        identity=course.identity,
        events=events,
        unscheduled=tuple(m for m in course.modules if m.key not in named),
        syllabus=course.modules,
        viewer=viewer,
    )


def _plan_event(
    event: Event, by_key: dict[str, Module], viewer: ViewerZone, bad_zones: frozenset[str]
) -> EventPlan:
    sessions: list[SessionPlan] = []
    seen: set[str] = set()
    for number, session in enumerate(event.sessions, start=1):
        path = _session_path(session.key)
        plan = _plan_session(session, path, number, by_key, viewer, f"{path}.timezone" in bad_zones)
        again = [p.module for p in plan.modules if p.module.key in seen]
        if again:
            names = ", ".join(f"{m.number}. {one_line(m.title)}" for m in again)
            plan = _with_warning(plan, f"already scheduled in an earlier session: {names}")
        seen.update(p.module.key for p in plan.modules)
        sessions.append(plan)
    return EventPlan(event.key, event.start_date, event.location, tuple(sessions))


def _session_path(key: str) -> str:
    """``events[1].sessions[0]`` for the key ``e2/s1``: the session's place in the file (its
    key counts every entry written, so entries the reader skipped do not shift it)."""
    event, _, session = key.partition("/")
    return f"events[{int(event[1:]) - 1}].sessions[{int(session[1:]) - 1}]"


def _with_warning(plan: SessionPlan, warning: str) -> SessionPlan:
    return replace(plan, warnings=(*plan.warnings, warning))


def _plan_session(
    session: Session,
    path: str,
    number: int,
    by_key: dict[str, Module],
    viewer: ViewerZone,
    bad_zone: bool,
) -> SessionPlan:
    # Each step appends its warnings in turn: their order is the order the agenda prints.
    warnings: list[str] = []
    start, end = session.start, session.end
    zone_known = start is not None and start.tzinfo is not None
    warnings += _zone_warnings(session, zone_known, bad_zone)
    length = _length(start, end, warnings)
    modules = [by_key[k] for k in session.module_keys if k in by_key]
    unknown = _unknown_ids(session, modules, warnings)
    warnings += _undated_warnings(modules)
    planned = _plan_modules(modules, start, length, warnings)
    local_start, local_end = _viewer_times(start, end, zone_known, viewer, warnings)
    return SessionPlan(
        key=session.key,
        path=path,
        day=session.day,
        number=number,
        start=start,
        end=end,
        timezone=session.timezone,
        zone_known=zone_known,
        local_start=local_start,
        local_end=local_end,
        modules=planned,
        unknown_ids=unknown,
        length_minutes=length,
        warnings=tuple(warnings),
    )


def _zone_warnings(session: Session, zone_known: bool, bad_zone: bool) -> list[str]:
    """A missing timezone, one that is not a name, or one zoneinfo does not know (the times
    stay as written)."""
    if not session.timezone:
        if bad_zone:
            return ["the timezone given is not a timezone name; times are shown as written"]
        return ["no timezone given; times are shown as written"]
    if not zone_known and session.start is not None:
        return [
            f"unknown timezone '{one_line(session.timezone)}'; times are shown as written "
            "and not converted"
        ]
    return []


def _unknown_ids(session: Session, modules: list[Module], warnings: list[str]) -> tuple[str, ...]:
    """The module ids the session names that the course does not have (warned about)."""
    known_ids = {m.id for m in modules}
    unknown = tuple(i for i in session.module_ids if i not in known_ids)
    if unknown:
        warnings.append(f"names unknown modules: {', '.join(one_line(i) for i in unknown)}")
    return unknown


def _undated_warnings(modules: list[Module]) -> list[str]:
    undated = [m for m in modules if m.minutes is None]
    if not undated:
        return []
    names = ", ".join(f"{m.number}. {one_line(m.title)}" for m in undated)
    return [f"no duration for {names}; counted as 0 min"]


def _plan_modules(
    modules: list[Module], start: datetime | None, length: int | None, warnings: list[str]
) -> tuple[PlannedModule, ...]:
    """The modules back to back from ``start``, each flagged when it ends past the session."""
    planned: list[PlannedModule] = []
    offset = timedelta(0)
    limit = timedelta(minutes=length) if length is not None else None
    beyond = False  # a module time fell past the end of the calendar
    for module in modules:
        begins = _shift(start, offset)
        offset += timedelta(minutes=module.minutes or 0)
        ends = _shift(start, offset)
        beyond = beyond or (start is not None and (begins is None or ends is None))
        planned.append(PlannedModule(module, begins, ends, limit is not None and offset > limit))
    if beyond:
        warnings.append("some module times fall outside the calendar (year 1 to 9999)")
    if length is not None and offset > timedelta(minutes=length):
        need = int(offset.total_seconds() // 60)
        warnings.append(
            f"overrun: the modules need {need} min but the session holds {length} min "
            f"({need - length} min over)"
        )
    return tuple(planned)


def _viewer_times(
    start: datetime | None,
    end: datetime | None,
    zone_known: bool,
    viewer: ViewerZone,
    warnings: list[str],
) -> tuple[datetime | None, datetime | None]:
    """The session on the viewer's clock; (None, None) when its wall times are the same there
    (nothing to add) or cannot be known."""
    if not zone_known or start is None:
        return None, None
    local_start = viewer.convert(start)
    if local_start is None:
        warnings.append("its time in your timezone falls outside the calendar (year 1 to 9999)")
        return None, None
    local_end = viewer.convert(end) if end is not None and end.tzinfo is not None else None
    if _same_wall_time(start, local_start) and (
        end is None or local_end is None or _same_wall_time(end, local_end)
    ):
        return None, None
    return local_start, local_end


def _length(start: datetime | None, end: datetime | None, warnings: list[str]) -> int | None:
    """The session's real length in minutes, or None (with a warning saying why)."""
    if start is None:
        warnings.append("no start time; module times cannot be planned")
        return None
    if end is None:
        warnings.append("no end time; the session's length is unknown")
        return None
    if (start.tzinfo is None) != (end.tzinfo is None):
        warnings.append("the start and end disagree about the timezone; length unknown")
        return None
    elapsed = dates.instant(end) - dates.instant(start)
    if elapsed <= timedelta(0):
        warnings.append(
            f"ends ({dates.minute_text(end)}) before it starts ({dates.minute_text(start)}); "
            "length unknown"
        )
        return None
    if elapsed > LONGEST_SESSION:
        days = (end.date() - start.date()).days + 1
        warnings.append(
            f"spans {days} days ({start.date().isoformat()} to {end.date().isoformat()}); "
            "check the end date; length unknown"
        )
        return None
    return int(elapsed.total_seconds() // 60)


def _shift(start: datetime | None, offset: timedelta) -> datetime | None:
    """``start`` plus real elapsed time, in ``start``'s own zone; None when not computable."""
    return dates.shift(start, offset) if start is not None else None


def _same_wall_time(a: datetime, b: datetime) -> bool:
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)


# --- formatting shared by the command, the .ics and the screens ---------------------------


def clock(moment: datetime | None, *, with_zone: bool = False) -> str:
    """``09:00``, or ``09:00 GMT`` with the zone's abbreviation (it tells 01:30 BST from GMT)."""
    if moment is None:
        return "--:--"
    text = f"{moment:%H:%M}"
    if with_zone and moment.tzinfo is not None:
        text += f" {moment.tzname()}"
    return text


def span(start: datetime | None, end: datetime | None) -> str:
    """``09:00–11:00``, naming the zone abbreviations when they change in between (DST)."""
    changes = (
        start is not None
        and end is not None
        and start.tzinfo is not None
        and end.tzinfo is not None
        and start.utcoffset() != end.utcoffset()
    )
    return f"{clock(start, with_zone=changes)}–{clock(end, with_zone=changes)}"


def in_view(moment: datetime | None, view: ViewerZone | None) -> datetime | None:
    """``moment`` on the clock of ``view`` (None: as the course wrote it). A time written
    without a zone cannot be converted and stays as written (its session is warned about)."""
    if moment is None or view is None or moment.tzinfo is None:
        return moment
    return view.convert(moment)


def slot(start: datetime | None, end: datetime | None, view: ViewerZone | None = None) -> str:
    """A module's or the unplanned time's ``04:00–06:00`` on the clock of ``view``."""
    if start is None:
        return "--:--"
    return span(in_view(start, view), in_view(end, view))


def duration(minutes: int | None) -> str:
    return "? min" if minutes is None else f"{minutes} min"


def day_text(day: date) -> str:
    """``Fri 7 Nov 2025``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _times(start: datetime, end: datetime | None) -> str:
    """``09:00–17:00``; an end before the start, or on another day, is said in words: printed
    as a time it would read as a normal session (``17:00–09:00``)."""
    if end is None or (start.tzinfo is None) != (end.tzinfo is None):
        return span(start, end)
    if dates.instant(end) <= dates.instant(start):
        return f"from {clock(start)} (! ends before it starts)"
    # The end's date on the start's own clock (the two may be written in different zones).
    seen = dates.in_zone(end, start.tzinfo) if start.tzinfo is not None else end
    if seen is None or seen.date() != start.date():
        shown = seen or end
        return f"from {clock(start)} (! ends on another day: {day_text(shown)} {clock(shown)})"
    return span(start, end)


def session_when(session: SessionPlan, view: ViewerZone | None = None) -> str:
    """``Fri 7 Nov 2025 09:00–17:00 Europe/London`` (course time), or what is known of it;
    with ``view``, on that clock and naming it (``04:00–12:00 America/New_York``)."""
    if session.start is None:
        return "no start time"
    if view is not None and session.zone_known:
        start = in_view(session.start, view)
        if start is not None:
            times = _times(start, in_view(session.end, view))
            return f"{day_text(start)} {times} {_name(view, start)}"
    zone = one_line(session.timezone) or "time as written"
    return f"{day_text(session.start)} {_times(session.start, session.end)} {zone}"


def course_when(session: SessionPlan, view: ViewerZone) -> str | None:
    """The session in the course's own zone, when ``view`` shows other wall times; else None."""
    shown = in_view(session.start, view)
    if session.start is None or not session.zone_known or shown is None:
        return None
    if _same_wall_time(session.start, shown):
        return None
    return session_when(session)


def _name(view: ViewerZone, moment: datetime) -> str:
    return view.name if view.name != "local" else f"local, {moment.tzname()}"


def local_when(session: SessionPlan, viewer: ViewerZone) -> str | None:
    """The same session in the viewer's zone, when its wall times differ; else None."""
    if session.local_start is None:
        return None
    start, end = session.local_start, session.local_end
    return f"{day_text(start)} {_times(start, end)} {_name(viewer, start)}"


# --- the presenter: the whole course, and the class's pace against the plan ---------------


def presenter_flow(agenda: Agenda) -> tuple[FlowStep, ...]:
    """Every module once: those the sessions plan, in session order (where first planned),
    then those no session names, in syllabus order (their step has no session)."""
    seen: set[str] = set()
    steps: list[tuple[Module, SessionPlan | None, PlannedModule | None]] = []
    for session in agenda.sessions:
        for item in session.modules:
            if item.module.key not in seen:
                seen.add(item.module.key)
                steps.append((item.module, session, item))
    steps += [(m, None, None) for m in agenda.syllabus if m.key not in seen]
    total = len(steps)
    return tuple(
        FlowStep(module, i, total, session, item)
        for i, (module, session, item) in enumerate(steps, start=1)
    )


@dataclass(frozen=True, slots=True)
class SessionClock:
    """Where a class stands: the time in the session's zone, its planned end, and its pace."""

    now: datetime  # in the session's timezone; naive local time when it names none
    zone: str  # the session's timezone as written, or "local"
    ends: datetime | None
    # Minutes the current module started after its planned start (negative: before); None
    # when it cannot be said, or when today is not the module's day (``day`` says which).
    late_minutes: int | None
    day: date | None


def session_clock(step: FlowStep, now: datetime, elapsed: float) -> SessionClock | None:
    """The session clock for ``step`` at ``now`` (aware), its timer having run ``elapsed`` s.

    The current module really started ``elapsed`` seconds ago (now, when its timer has not
    run), so a pause counts as time lost. None when the step has no timed session.
    """
    session, planned = step.session, step.planned
    if session is None or session.start is None:
        return None
    if session.zone_known:
        here = dates.in_zone(now, session.start.tzinfo)
        zone = one_line(session.timezone)
    else:  # times as written: read them as the viewer's wall clock
        local = dates.in_zone(now, None)
        here = local.replace(tzinfo=None) if local is not None else None
        zone = "local"
    if here is None:
        return None
    ends = session.end if session.length_minutes is not None else None
    if planned is None or planned.start is None:
        return SessionClock(here, zone, ends, None, None)
    if here.date() != planned.start.date():
        return SessionClock(here, zone, ends, None, planned.start.date())
    late = dates.instant(here) - dates.instant(planned.start) - timedelta(seconds=elapsed)
    return SessionClock(here, zone, ends, int(late.total_seconds() / 60), None)


def pace_text(late_minutes: int) -> str:
    """``behind by 14 min``, ``on time`` (within the minute) or ``ahead by 3 min``."""
    if late_minutes > 0:
        return f"behind by {late_minutes} min"
    if late_minutes < 0:
        return f"ahead by {-late_minutes} min"
    return "on time"
