"""Date arithmetic on course data that never raises.

A course file can hold any date Python can represent, including ``0001-01-01`` and
``9999-12-31T23:00``. Adding two weeks, or moving such a time to UTC or to the viewer's zone,
leaves Python's range and raises ``OverflowError``. Every computation on course dates goes
through these helpers, which answer ``None`` (not computable) instead, so the schedule degrades
to "not scheduled" rather than crashing a command or the app.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CATCH_UP_AFTER = timedelta(days=14)
_EPOCH = datetime(1, 1, 1)

D = TypeVar("D", date, datetime)


def add(moment: D, delta: timedelta) -> D | None:
    """``moment + delta``, or None when the result is outside the calendar Python knows."""
    try:
        return moment + delta
    except OverflowError:
        return None


def catch_up_after(day: date) -> date | None:
    """The catch-up day two weeks after ``day``; None when that is past year 9999."""
    return add(day, CATCH_UP_AFTER)


def instant(moment: datetime) -> timedelta:
    """A comparable, subtractable point in time that never overflows.

    Aware times count from year 1 in UTC, naive ones as written: the difference of two
    aware instants is the real elapsed time, across DST changes and zones. (Converting to
    UTC with ``astimezone`` would raise for times near the ends of the calendar.)
    """
    since = moment.replace(tzinfo=None) - _EPOCH
    offset = moment.utcoffset() if moment.tzinfo is not None else None
    return since - offset if offset is not None else since


def in_zone(moment: datetime, zone: tzinfo | None) -> datetime | None:
    """``moment`` in ``zone`` (None: the system's local time); None when out of range."""
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError, OSError):
        # ValueError/OSError: the platform's localtime() refuses years it cannot handle.
        return None


def shift(start: datetime, offset: timedelta) -> datetime | None:
    """``start`` plus real elapsed time, shown in ``start``'s own zone; None when out of range.

    Aware times go through UTC so a DST change in between is counted; naive ones are
    added as written.
    """
    if start.tzinfo is None:
        return add(start, offset)
    utc = in_zone(start, UTC)
    moved = add(utc, offset) if utc is not None else None
    return in_zone(moved, start.tzinfo) if moved is not None else None


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``; None for a name zoneinfo does not know.

    Besides ``ZoneInfoNotFoundError``/``ValueError``, a name such as ``America`` (a folder of
    the database) or one too long for the file system raises ``OSError``.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def minute_text(moment: datetime) -> str:
    """``2025-11-07 09:00``, with a four-digit year even for year 1 (``%Y`` gives ``1``)."""
    return f"{moment.date().isoformat()} {moment:%H:%M}"
