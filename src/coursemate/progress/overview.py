"""A learner's standing in one course at a glance, for the dashboard of a folder of courses.

Read-only by design: the dashboard looks at many courses and must never write the learner
store (``Store.open`` repairs and saves; ``peek_learner`` only reads). The figures are the
progress maths' own (``coursemate.progress.maths``), never counted a second time here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coursemate.progress.disk import read_store_file
from coursemate.progress.errors import StoreError
from coursemate.progress.maths import course_progress
from coursemate.progress.names import LearnerNameError, learner_stem, normalise_learner
from coursemate.progress.state import LearnerState

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.maths import ModuleProgress


def peek_learner(data_dir: Path, learner: str) -> tuple[LearnerState | None, str | None]:
    """The learner's progress as their store file holds it now, read without writing
    anything; (None, why) when it cannot be used. A learner with no file yet has done nothing.
    """
    try:
        name = normalise_learner(learner)
    except LearnerNameError as exc:
        return None, f"{exc}: {learner!r:.80}"
    state = LearnerState(name)
    try:
        disk = read_store_file(data_dir / f"{learner_stem(name)}.json")
    except StoreError as exc:
        return None, str(exc)
    if disk.state == "ok" and disk.doc is not None:
        state._take(disk.doc)
    elif disk.state == "newer":
        return None, f"{name}'s store was written by a newer coursemate"
    elif disk.state == "corrupt":
        return None, f"{name}'s store is damaged ({disk.reason}); opening a course repairs it"
    return state, None


@dataclass(frozen=True)
class CourseStanding:
    """Where the learner is in one course, and when it meets."""

    progress: ModuleProgress  # pre-reading and every module's resources
    trackable: bool  # anything to tick off: modules or resources
    next_session: date | None  # the first session on or after today
    ran: tuple[date, date] | None  # when no session is ahead: the last event's first and last day

    @property
    def in_progress(self) -> bool:
        return 0 < self.progress.items_done < self.progress.items_total

    @property
    def percent(self) -> int:
        return self.progress.percent

    @property
    def minutes_left(self) -> int:
        return self.progress.minutes_left


def _event_days(course: Course) -> list[list[date]]:
    """Each event's session days (its start date when it lists no dated session)."""
    days: list[list[date]] = []
    for event in course.events:
        dated = [s.start.date() for s in event.sessions if s.start is not None]
        if not dated and event.start_date is not None:
            dated = [event.start_date]
        if dated:
            days.append(sorted(dated))
    return days


def standing(course: Course, done: frozenset[str], today: date) -> CourseStanding:
    progress = course_progress(course, done).overall
    trackable = bool(course.modules) or progress.items_total > 0
    events = _event_days(course)
    ahead = [day for days in events for day in days if day >= today]
    ran = None
    if not ahead and events:
        last = max(events, key=lambda days: days[-1])
        ran = (last[0], last[-1])
    return CourseStanding(progress, trackable, min(ahead) if ahead else None, ran)


def when_text(standing: CourseStanding, today: date) -> str:
    """ "next 7 Nov", "today", "ran 7–8 Nov 2025", or "" when the course has no dates."""
    if standing.next_session is not None:
        if standing.next_session == today:
            return "today"
        return f"next {_day(standing.next_session, today)}"
    if standing.ran is not None:
        first, last = standing.ran
        if first == last:
            return f"ran {_day(first, today)}"
        if (first.year, first.month) == (last.year, last.month):
            return f"ran {first.day}–{_day(last, today)}"
        if first.year == last.year:
            return f"ran {first.day} {first:%b}–{_day(last, today)}"
        return f"ran {_day(first, today, True)}–{_day(last, today, True)}"
    return ""


def _day(day: date, today: date, year: bool = False) -> str:
    """``7 Nov``, with the year when it is not this year's."""
    text = f"{day.day} {day:%b}"
    return f"{text} {day.year}" if year or day.year != today.year else text
