"""The catch-up: when it is, and how ready the learner is for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from coursemate.course import dates
from coursemate.plural import counted

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.store import Store

CATCHUP_AFTER = dates.CATCH_UP_AFTER
REMIND_WITHIN = timedelta(days=3)


def scheduled_catchup(course: Course) -> date | None:
    """The last scheduled session's end (its own timezone's date) plus 14 days, or None (also
    when that day would fall past the end of the calendar: "not scheduled", not a crash)."""
    days: list[date] = []
    for event in course.events:
        for session in event.sessions:
            moment = session.end or session.start
            if moment is not None:
                days.append(moment.date())
        if not event.sessions and event.start_date is not None:
            days.append(event.start_date)
    return dates.catch_up_after(max(days)) if days else None


# Where the catch-up date comes from: set by the learner, from the events, or nowhere.
CatchupSource = Literal["learner", "schedule", "none"]


@dataclass(frozen=True)
class Catchup:
    when: date | None
    source: CatchupSource
    chosen: int  # chosen experiments (suggested and own, including orphaned ones)
    reflected: int  # of those, with all four reflection fields written

    @property
    def line(self) -> str:
        """E.g. "3 of 5 experiments reflected"."""
        noun = "experiment" if self.chosen == 1 else "experiments"
        return f"{self.reflected} of {self.chosen} {noun} reflected"


def catchup(course: Course, store: Store) -> Catchup:
    """The catch-up date (the learner's own date wins) and reflection counts."""
    own_date = store.catchup_date(course.identity)
    scheduled = scheduled_catchup(course)
    source: CatchupSource
    if own_date is not None:
        when, source = own_date, "learner"
    elif scheduled is not None:
        when, source = scheduled, "schedule"
    else:
        when, source = None, "none"
    states = [store.experiment(course.identity, k) for k in store.chosen_keys(course.identity)]
    reflected = sum(1 for s in states if s is not None and s.reflection_complete)
    return Catchup(when, source, len(states), reflected)


def reminder(course: Course, store: Store, today: date | None = None) -> str | None:
    """What to say once on start when the catch-up is near or past and reflections are missing."""
    info = catchup(course, store)
    today = today or date.today()
    if info.when is None or info.chosen == info.reflected or info.when - today > REMIND_WITHIN:
        return None
    days = (info.when - today).days
    if days > 0:
        when = f"in {counted(days, 'day')} ({info.when.isoformat()})"
    elif days == 0:
        when = f"today ({info.when.isoformat()})"
    else:
        when = f"was on {info.when.isoformat()}"
    missing = info.chosen - info.reflected
    verb = "" if days < 0 else "is "
    return (
        f"The catch-up {verb}{when}: {counted(missing, 'chosen experiment')} "
        "still without a complete reflection."
    )


def catchup_reminder(course: Course, store: Store, today: date) -> str | None:
    """The app's one-off start message: ``reminder`` plus the key that opens the checklist."""
    message = reminder(course, store, today)
    return f"{message} Press C for the checklist." if message else None
