"""The reading plan: what fits in the time the learner has, and what to read each day before
the class.

No Textual here: the ``plan`` command and the Plan screen read the same ``Plan``.

Deadlines come from ``--by`` (the learner's own date, a day they can still read on), else from
the course's sessions: pre-reading is due at the start of the first session, a module's
resources at the start of the session that teaches it (so the last day to read them is the
day before). The schedule spreads what is left evenly over the days, in course order, and
never puts an item after its deadline; nothing is ever split.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from coursemate.course import dates
from coursemate.plural import counted

if TYPE_CHECKING:
    from coursemate.course.model import Course, Event


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One unfinished resource: its key, title, minutes (0 when the course gives none), and
    the last day it can be read on (None: no deadline known)."""

    key: str
    title: str
    minutes: int
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class PlanDay:
    day: date
    items: tuple[PlanItem, ...]

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)


@dataclass(frozen=True, slots=True)
class Plan:
    today: date
    items: tuple[PlanItem, ...]  # every unfinished resource, in course order
    total_items: int  # resources in the course, done or not
    deadline: date | None  # when the last item is due (``--by``, or a session's date)
    first_due: date | None  # when the first item is due (the first class day)
    deadline_source: str  # "by", "class" or "" (no deadline known)
    days_left: int  # reading days from today to the last one, today included (0: past)
    days: tuple[PlanDay, ...]  # the schedule; empty without a deadline, or when it is past
    budget: int | None = None  # ``--minutes``
    fits: tuple[PlanItem, ...] = ()  # what fits in ``budget``

    @property
    def minutes_left(self) -> int:
        return sum(item.minutes for item in self.items)

    @property
    def past(self) -> bool:
        """The deadline has gone by (nothing can be scheduled)."""
        return self.deadline is not None and self.days_left <= 0

    @property
    def minutes_per_day(self) -> int | None:
        if self.deadline is None or self.past:
            return None
        return math.ceil(self.minutes_left / self.days_left)

    @property
    def next(self) -> tuple[PlanItem, ...]:
        """What to read now: what fits in ``budget``, else today's share, else the first item."""
        if self.budget is not None:
            return self.fits
        if self.days and self.days[0].day == self.today:
            return self.days[0].items
        return self.items[:1]


def fit(items: Iterable[PlanItem], budget: int) -> tuple[PlanItem, ...]:
    """The items, in their order, that fit in ``budget`` minutes: one that does not fit is
    skipped (a shorter one after it may still fit), none is split."""
    chosen: list[PlanItem] = []
    used = 0
    for item in items:
        if used + item.minutes <= budget:
            chosen.append(item)
            used += item.minutes
    return tuple(chosen)


def spread(items: Sequence[PlanItem], today: date, last: date) -> tuple[PlanDay, ...]:
    """``items`` over the days ``today`` to ``last``, evenly by minutes, in course order.

    Items are taken earliest deadline first (course order among equal deadlines). By the end
    of day ``d`` the plan has read about an even share of everything, and at least everything
    due by then; an item already overdue goes on today. Days with nothing are left out.
    """
    span = (last - today).days + 1
    if span <= 0 or not items:
        return ()
    position = {id(item): i for i, item in enumerate(items)}
    queue = sorted(items, key=lambda it: _day_index(it.last_day, today, span))
    total = sum(item.minutes for item in items)
    due_by = [0] * span
    for item in queue:
        due_by[_day_index(item.last_day, today, span)] += item.minutes
    days: list[PlanDay] = []
    done = due = 0
    taken = 0
    for d in range(span):
        due += due_by[d]
        target = max(due, total * (d + 1) / span)
        today_items: list[PlanItem] = []
        while taken < len(queue):
            item = queue[taken]
            must = _day_index(item.last_day, today, span) <= d or d == span - 1
            if not (must or done + item.minutes / 2 < target):
                break
            today_items.append(item)
            done += item.minutes
            taken += 1
        if today_items:
            today_items.sort(key=lambda it: position[id(it)])
            days.append(PlanDay(today + timedelta(days=d), tuple(today_items)))
    return tuple(days)


def _day_index(last_day: date | None, today: date, span: int) -> int:
    """The index of the last day an item can be read on: 0 (today) for an overdue one, the
    last day of the plan for one without a deadline."""
    if last_day is None:
        return span - 1
    return min(max((last_day - today).days, 0), span - 1)


# --- deadlines from the course -------------------------------------------------------------


def _session_days(event: Event) -> list[tuple[date, tuple[str, ...]]]:
    """The event's sessions with a start: their day (the course's own calendar) and modules."""
    return [(s.start.date(), s.module_keys) for s in event.sessions if s.start is not None]


def next_event_days(course: Course, today: date) -> list[tuple[date, tuple[str, ...]]]:
    """The sessions of the event still to come or running on ``today`` (the first such by
    date), else of the last one that ran; empty when no session has a date."""
    events = [days for e in course.events if (days := _session_days(e))]
    if not events:
        return []
    events.sort(key=lambda days: min(day for day, _ in days))
    for days in events:
        if max(day for day, _ in days) >= today:
            return days
    return events[-1]


def class_dates(course: Course) -> list[tuple[date, date]]:
    """(first, last) session day of each event that has dated sessions, by first day."""
    spans = [
        (min(day for day, _ in days), max(day for day, _ in days))
        for e in course.events
        if (days := _session_days(e))
    ]
    return sorted(spans)


def class_countdown(course: Course, today: date) -> str | None:
    """``class in 5 days``, ``class tomorrow``, ``class today`` (the next session day), or
    ``course ran 7–8 Nov`` when every class is past; None without dated sessions."""
    spans = class_dates(course)
    if not spans:
        return None
    coming = sorted(day for e in course.events for day, _ in _session_days(e) if day >= today)
    if coming:
        days = (coming[0] - today).days
        if days == 0:
            return "class today"
        if days == 1:
            return "class tomorrow"
        return f"class in {days} days"
    first, last = spans[-1]
    return f"course ran {date_span(first, last, today)}"


def due_dates(course: Course, today: date) -> dict[str, date]:
    """Each resource's due date from the sessions of the next class: pre-reading at the first
    session, a module's resources at the first session teaching it (a module no session names:
    the last session). Empty when the course has no dated session."""
    days = next_event_days(course, today)
    if not days:
        return {}
    first = min(day for day, _ in days)
    last = max(day for day, _ in days)
    taught: dict[str, date] = {}
    for day, modules in sorted(days):
        for key in modules:
            taught.setdefault(key, day)
    due = {res.key: first for res in course.prereading}
    for module in course.modules:
        when = taught.get(module.key, last)
        due.update((res.key, when) for res in module.resources)
    return due


def build_plan(
    course: Course,
    done: frozenset[str],
    today: date,
    *,
    by: date | None = None,
    budget: int | None = None,
) -> Plan:
    """The plan for the resources not in ``done``."""
    resources = list(course.all_resources())
    if by is not None:
        due = dict.fromkeys((res.key for res in resources), by)
        source = "by"
    else:
        due = due_dates(course, today)
        source = "class" if due else ""
    items = tuple(
        PlanItem(res.key, res.title, res.minutes or 0, _last_day(due.get(res.key), by))
        for res in resources
        if res.key not in done
    )
    deadline = max(due.values()) if due else None
    days_left = 0
    days: tuple[PlanDay, ...] = ()
    if deadline is not None:
        last = _last_day(deadline, by)
        days_left = (last - today).days + 1 if last is not None else 0
        if days_left > 0 and last is not None:
            days = spread(items, today, last)
    return Plan(
        today=today,
        items=items,
        total_items=len(resources),
        deadline=deadline,
        first_due=min(due.values()) if due else None,
        deadline_source=source,
        days_left=max(days_left, 0),
        days=days,
        budget=budget,
        fits=fit(items, budget) if budget is not None else (),
    )


def _last_day(due: date | None, by: date | None) -> date | None:
    """The last day to read on: ``--by`` itself, or the day before a class."""
    if due is None:
        return None
    if by is not None:
        return due
    return dates.add(due, -timedelta(days=1))


# --- words shared by the command and the screen -------------------------------------------


def fits_text(plan: Plan) -> str:
    """``30 min: 4 items, 30 min``: the budget, and what fits in it."""
    used = sum(item.minutes for item in plan.fits)
    return f"{plan.budget} min: {counted(len(plan.fits), 'item')}, {used} min"


def all_done_line(plan: Plan) -> str:
    return f"All done: {counted(plan.total_items, 'resource')} read."


def day_label(day: date, today: date) -> str:
    """``Today``, ``Tomorrow``, else ``Fri 7 Nov``."""
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return f"{day:%a} {day.day} {day:%b}"


def short_date(day: date, today: date) -> str:
    """``7 Nov``, with the year when it is not this year's."""
    text = f"{day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def date_span(first: date, last: date, today: date) -> str:
    """``7 Nov``, ``7–8 Nov``, ``30 Nov–1 Dec`` (with the year when it is not this year's)."""
    if first == last:
        return short_date(first, today)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{short_date(last, today)}"
    if first.year == last.year:
        return f"{first.day} {first:%b}–{short_date(last, today)}"
    return f"{first.day} {first:%b} {first.year}–{last.day} {last:%b} {last.year}"


def deadline_line(plan: Plan) -> str:
    """``Class on 7 Nov: 2 days left · 551 min left · 276 min a day``, or why there is none."""
    left = f"{plan.minutes_left} min left"
    if plan.deadline is None:
        return f"No class date: {left}; give --by YYYY-MM-DD for a day-by-day plan"
    when = f"Deadline {short_date(plan.deadline, plan.today)}"
    if plan.deadline_source == "class":
        when = f"Class {date_span(plan.first_due or plan.deadline, plan.deadline, plan.today)}"
    if plan.past:
        return f"{when} has passed: {left}"
    return (
        f"{when}: {counted(plan.days_left, 'day')} left · {left} · {plan.minutes_per_day} min a day"
    )


def item_json(item: PlanItem) -> dict[str, object]:
    return {"key": item.key, "title": item.title, "minutes": item.minutes}


def plan_json(plan: Plan) -> dict[str, object]:
    return {
        "today": plan.today.isoformat(),
        "deadline": plan.deadline.isoformat() if plan.deadline else None,
        "days_left": plan.days_left,
        "minutes_left": plan.minutes_left,
        "minutes_per_day": plan.minutes_per_day,
        "next": [item_json(item) for item in plan.next],
        "days": [
            {
                "date": day.day.isoformat(),
                "minutes": day.minutes,
                "items": [item_json(item) for item in day.items],
            }
            for day in plan.days
        ],
    }
