"""The .ics export, parsed back with icalendar: times, descriptions, catch-up and stable UIDs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component

from coursemate.agenda import build_agenda
from coursemate.course.reader import load_course
from coursemate.ics import build_ics, write_ics

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def vevents(calendar: Calendar) -> list[Component]:
    return list(calendar.walk("VEVENT"))


def test_reference_sessions_and_catch_up(reference_path: Path, tmp_path: Path) -> None:
    agenda = build_agenda(load_course(reference_path), "America/New_York")
    target = tmp_path / "pspo.ics"
    export = write_ics(agenda, target, now=NOW)
    assert export.sessions == 2 and export.skipped == ()
    events = vevents(parse(target.read_bytes()))
    assert len(events) == 3
    day1, day2, catch_up = events

    start = day1.decoded("dtstart")
    assert start == datetime(2025, 11, 7, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    assert start.astimezone(ZoneInfo("America/New_York")).hour == 4
    assert day1.decoded("dtend") - start == timedelta(hours=8)
    assert str(day1["summary"]).endswith("Day 1 · Session 1")
    assert str(day1["location"]) == "Virtual"
    description = str(day1["description"]).splitlines()
    assert (
        description[0]
        == "09:00–11:00  1. Agile Product Management I (Product vs. Project) (120 min)"
    )
    assert description[-1] == "15:00–17:00  Unplanned time (120 min)"
    assert "4. Scrum Theory & Empiricism" in str(day2["description"])

    assert catch_up.decoded("dtstart") == date(2025, 11, 22)
    assert "catch-up" in str(catch_up["summary"])
    # The calendar carries the zone it uses, for calendars that do not know it.
    assert [str(tz["tzid"]) for tz in parse(target.read_bytes()).walk("VTIMEZONE")] == [
        "Europe/London"
    ]


def test_uids_are_stable_across_exports_and_distinct(reference_path: Path) -> None:
    course = load_course(reference_path)
    first = vevents(parse(build_ics(build_agenda(course, "UTC"), now=NOW).data))
    later = NOW + timedelta(days=3)
    second = vevents(parse(build_ics(build_agenda(course, "Asia/Tokyo"), now=later).data))
    uids = [str(e["uid"]) for e in first]
    assert uids == [str(e["uid"]) for e in second]
    assert len(set(uids)) == len(uids) == 3
    # The stamp differs, so a calendar sees the second import as the newer version.
    assert first[0].decoded("dtstamp") < second[0].decoded("dtstamp")


def test_uids_differ_between_courses(reference_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text(
        reference_path.read_text(encoding="utf-8").replace('id: "41711"', 'id: "99999"'),
        encoding="utf-8",
    )
    ours = {
        str(e["uid"])
        for e in vevents(parse(build_ics(build_agenda(load_course(reference_path), "UTC")).data))
    }
    theirs = {
        str(e["uid"])
        for e in vevents(parse(build_ics(build_agenda(load_course(other), "UTC")).data))
    }
    assert not ours & theirs


def test_broken_sessions_are_skipped_with_a_reason_and_floating_times(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text(
        dedent(
            """\
            ---
            title: Broken; with, punctuation
            id: broken
            syllabus:
              - id: a
                title: Alpha
                duration: 60
            events:
              - location: Lab
                sessions:
                  - start_datetime: 2025-06-02T17:00:00
                    end_datetime: 2025-06-02T09:00:00
                    timezone: Europe/Paris
                    syllabus_ids: [a]
                  - start_datetime: 2025-06-03T09:00:00
                    end_datetime: 2025-06-03T10:00:00
                    timezone: Mars/Olympus
                    syllabus_ids: [a]
            ---
            """
        ),
        encoding="utf-8",
    )
    export = build_ics(build_agenda(load_course(path), "UTC"), now=NOW)
    assert export.sessions == 1
    assert len(export.skipped) == 1 and "events[0].sessions[0]" in export.skipped[0]
    calendar = parse(export.data)
    floating, catch_up = vevents(calendar)
    # Unknown zone: written as floating local time, exactly as the course file says.
    assert floating.decoded("dtstart") == datetime(2025, 6, 3, 9, 0)
    assert "TZID" not in floating["dtstart"].params
    assert str(floating["summary"]) == "Broken; with, punctuation — Day 2 · Session 2"
    assert catch_up.decoded("dtstart") == date(2025, 6, 17)


def test_write_is_atomic_and_leaves_no_temp_file(reference_path: Path, tmp_path: Path) -> None:
    agenda = build_agenda(load_course(reference_path), "UTC")
    target = tmp_path / "cal.ics"
    target.write_bytes(b"old contents")
    write_ics(agenda, target, now=NOW)
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert [p.name for p in tmp_path.iterdir()] == ["cal.ics"]
    with pytest.raises(OSError):
        write_ics(agenda, tmp_path / "missing-dir" / "cal.ics", now=NOW)


def test_sessions_at_the_ends_of_the_calendar(tmp_path: Path) -> None:
    path = tmp_path / "edges.md"
    path.write_text(
        dedent(
            """\
            ---
            title: Edges
            id: edges
            syllabus:
              - {id: a, title: Alpha, duration: 60}
            events:
              - sessions:
                  - {start_datetime: 0001-01-01T00:30:00, end_datetime: 0001-01-01T02:00:00,
                     timezone: Europe/Paris, syllabus_ids: [a]}
              - sessions:
                  - {start_datetime: 9999-12-17T09:00:00, end_datetime: 9999-12-17T10:00:00,
                     timezone: Pacific/Kiritimati, syllabus_ids: [a]}
              - sessions:
                  - {start_datetime: 9999-12-31T09:00:00, end_datetime: 9999-12-31T10:00:00,
                     syllabus_ids: [a]}
            ---
            """
        ),
        encoding="utf-8",
    )
    export = build_ics(build_agenda(load_course(path), "Pacific/Pago_Pago"), now=NOW)
    assert export.sessions == 3
    # The last event leaves no room for a catch-up: the agenda has none, so the calendar
    # has none either (not the earlier events' ones).
    assert export.skipped == () and export.catch_up is None
    events = vevents(parse(export.data))
    assert [e.decoded("dtstart") for e in events][-1] == datetime(9999, 12, 31, 9, 0)
    assert len(events) == 3

    # Without it, the catch-up is the calendar's last day: its all-day event would end after
    # it, so it is left out and said so.
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rindex("  - sessions:")] + "---\n", encoding="utf-8")
    agenda = build_agenda(load_course(path), "UTC")
    assert agenda.catch_up == date(9999, 12, 31)
    export = build_ics(agenda, now=NOW)
    assert export.sessions == 2 and export.catch_up is None
    assert export.skipped == ("the catch-up: the last day of the calendar",)


def _course(tmp_path: Path, events: str) -> Path:
    path = tmp_path / "course.md"
    path.write_text(
        "---\ntitle: Offsets\nid: offsets\nsyllabus:\n  - {id: 1, title: One, duration: 60}\n"
        f"events:\n{dedent(events)}---\n",
        encoding="utf-8",
    )
    return path


def test_offset_times_are_written_as_instants_a_calendar_reads_back(tmp_path: Path) -> None:
    path = _course(
        tmp_path,
        """\
          - sessions:
              - {start_datetime: 2025-03-01T09:00:00+05:00,
                 end_datetime: 2025-03-01T17:00:00+05:00, syllabus_ids: [1]}
              - {start_datetime: 2025-03-02T09:00:00+05:00,
                 end_datetime: 2025-03-02T12:00:00Z, syllabus_ids: [1]}
              - {start_datetime: 2025-03-03T09:00:00, end_datetime: 2025-03-03T10:00:00Z,
                 timezone: Europe/London, syllabus_ids: [1]}
        """,
    )
    export = build_ics(build_agenda(load_course(path), "UTC"), now=NOW)
    assert export.sessions == 3 and export.skipped == ()
    calendar = parse(export.data)
    # Every TZID used has its VTIMEZONE (an offset is not a zone a calendar can look up).
    defined = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    first, second, third, _ = vevents(calendar)
    for event in (first, second, third):
        for field in ("dtstart", "dtend"):
            assert event[field].params.get("TZID", "UTC") in defined | {"UTC"}
            assert event.decoded(field).tzinfo is not None
    utc = timezone(timedelta(0))
    assert first.decoded("dtstart") == datetime(2025, 3, 1, 4, 0, tzinfo=utc)
    assert first.decoded("dtend") == datetime(2025, 3, 1, 12, 0, tzinfo=utc)
    assert second.decoded("dtstart") == datetime(2025, 3, 2, 4, 0, tzinfo=utc)
    assert second.decoded("dtend") == datetime(2025, 3, 2, 12, 0, tzinfo=utc)
    # A named zone and a UTC end: the end is written in the start's zone, the same instant.
    assert third.decoded("dtstart") == datetime(2025, 3, 3, 9, 0, tzinfo=utc)
    assert third.decoded("dtend") == datetime(2025, 3, 3, 10, 0, tzinfo=utc)
    assert third["dtstart"].params["TZID"] == third["dtend"].params["TZID"] == "Europe/London"


def test_the_calendar_holds_exactly_the_agendas_catch_up(tmp_path: Path) -> None:
    two_events = """\
          - sessions:
              - {start_datetime: 2025-03-01T09:00:00, end_datetime: 2025-03-01T10:00:00,
                 timezone: Europe/Paris, syllabus_ids: [1]}
          - sessions:
              - {start_datetime: 2025-06-01T09:00:00, end_datetime: 2025-06-01T10:00:00,
                 timezone: Europe/Paris, syllabus_ids: [1]}
        """
    agenda = build_agenda(load_course(_course(tmp_path, two_events)), "UTC")
    assert agenda.catch_up == date(2025, 6, 15)
    export = build_ics(agenda, now=NOW)
    all_day = [e for e in vevents(parse(export.data)) if type(e.decoded("dtstart")) is date]
    assert [e.decoded("dtstart") for e in all_day] == [date(2025, 6, 15)]
    assert export.catch_up == date(2025, 6, 15) and export.skipped == ()

    # One event in year 9999: the agenda has no catch-up, so neither has the calendar.
    late = two_events.replace("2025-06-01", "9999-12-30")
    agenda = build_agenda(load_course(_course(tmp_path, late)), "UTC")
    assert agenda.catch_up is None
    export = build_ics(agenda, now=NOW)
    assert export.sessions == 2 and export.catch_up is None
    assert [type(e.decoded("dtstart")) for e in vevents(parse(export.data))] == [datetime] * 2


def test_a_session_written_twice_is_one_calendar_event(tmp_path: Path) -> None:
    """Two identical session entries (a copy-paste in the course file) import once, not twice;
    the catch-up is still there exactly once and every UID is distinct."""
    session = """\
      - start_datetime: 2025-06-02T09:00:00
        end_datetime: 2025-06-02T12:00:00
        timezone: Europe/Paris
        syllabus_ids: [a]
"""
    text = (
        "---\ntitle: Twice\nid: twice\nsyllabus:\n  - id: a\n    title: A\n    duration: 60\n"
        "events:\n  - start_date: 2025-06-02\n    sessions:\n" + session + session + "---\n"
    )
    path = tmp_path / "twice.md"
    path.write_text(text, encoding="utf-8")
    export = build_ics(build_agenda(load_course(path), "UTC"), now=NOW)
    assert export.sessions == 1
    assert export.skipped == (
        "Day 1 · Session 2 (events[0].sessions[1]): the same as Day 1 · Session 1",
    )
    events = vevents(parse(export.data))
    assert [str(e["summary"]) for e in events] == ["Twice — Day 1 · Session 1", "Twice — catch-up"]
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
