"""Agenda maths: the reference course, sessions across DST changes, and broken schedule data."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest

from coursemate.agenda import (
    Agenda,
    UnknownZoneError,
    build_agenda,
    resolve_zone,
    slot,
    span,
)
from coursemate.course.model import Course
from coursemate.course.reader import load_course

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def write_course(tmp_path: Path, events: str, modules: str | None = None) -> Course:
    """A small course file: three modules (60, 90, 30 min) unless told otherwise."""
    modules = modules or dedent(
        """\
        syllabus:
          - id: a
            title: Alpha
            duration: 60
            content: The first module.
          - id: b
            title: Beta
            duration: 90
          - id: c
            title: Gamma
            duration: 30
        """
    )
    text = f"---\ntitle: Tiny\nid: tiny\n{modules}{dedent(events)}---\nBody.\n"
    path = tmp_path / "tiny.md"
    path.write_text(text, encoding="utf-8")
    return load_course(path)


def session_events(start: str, end: str, tz: str, ids: str = "[a, b, c]") -> str:
    return f"""\
events:
  - start_date: {start[:10]}
    location: Room 1
    sessions:
      - start_datetime: {start}
        end_datetime: {end}
        timezone: {tz}
        syllabus_ids: {ids}
"""


@pytest.fixture
def reference(reference_path: Path) -> Agenda:
    return build_agenda(load_course(reference_path), "America/New_York")


# --- the reference course --------------------------------------------------------------------


def test_reference_session_times_in_course_and_viewer_zone(reference: Agenda) -> None:
    first = next(reference.sessions)
    assert first.label == "Day 1 · Session 1"
    assert first.start == datetime(2025, 11, 7, 9, 0, tzinfo=LONDON)
    assert first.local_start is not None and first.local_end is not None
    assert first.local_start.replace(tzinfo=None) == datetime(2025, 11, 7, 4, 0)
    assert first.local_end.replace(tzinfo=None) == datetime(2025, 11, 7, 12, 0)
    assert first.local_start.tzinfo == NEW_YORK


def test_reference_modules_planned_from_their_durations(reference: Agenda) -> None:
    first = next(reference.sessions)
    assert [p.module.id for p in first.modules] == ["1", "2", "3"]
    assert [span(p.start, p.end) for p in first.modules] == [
        "09:00–11:00",
        "11:00–13:00",
        "13:00–15:00",
    ]
    assert (first.length_minutes, first.planned_minutes) == (480, 360)
    assert first.unallocated_minutes == 120
    assert first.overrun_minutes == 0
    assert not any(p.overrun for p in first.modules)
    assert first.warnings == ()


def test_reference_days_unscheduled_and_catch_up(reference: Agenda) -> None:
    sessions = list(reference.sessions)
    assert [(s.day, s.number) for s in sessions] == [(1, 1), (2, 2)]
    assert [m.title for m in reference.unscheduled] == [
        "Releases & Forecasting",
        "Closing",
        "Catchup",
    ]
    # Last session ends on 8 November; the catch-up is two weeks later.
    assert reference.catch_up == date(2025, 11, 22)
    assert list(reference.warnings()) == []


def test_reference_flow_follows_the_agenda(reference: Agenda) -> None:
    flow = reference.flow()
    assert [step.module.id for step in flow] == ["1", "2", "3", "4", "5", "6"]
    assert flow[1].label == "Day 1 · Session 1 · Module 2 of 6"
    assert flow[3].label == "Day 2 · Session 2 · Module 4 of 6"


def test_same_zone_viewer_sees_no_second_time(reference_path: Path) -> None:
    agenda = build_agenda(load_course(reference_path), "Europe/London")
    assert all(s.local_start is None for s in agenda.sessions)
    # Dublin shares London's wall clock in November: nothing to add either.
    agenda = build_agenda(load_course(reference_path), "Europe/Dublin")
    assert all(s.local_start is None for s in agenda.sessions)


def test_unknown_viewer_zone_raises_clearly() -> None:
    with pytest.raises(UnknownZoneError, match="unknown timezone 'Mars/Olympus'"):
        resolve_zone("Mars/Olympus")
    with pytest.raises(UnknownZoneError):
        resolve_zone("../../etc/passwd")


# --- DST -------------------------------------------------------------------------------------


def test_session_across_the_autumn_change_in_london(tmp_path: Path) -> None:
    # Clocks go back at 02:00 BST on 2025-10-26: 00:00 to 03:00 lasts four real hours.
    course = write_course(
        tmp_path,
        session_events("2025-10-26T00:00:00", "2025-10-26T03:00:00", "Europe/London"),
    )
    session = next(build_agenda(course, "UTC").sessions)
    assert session.length_minutes == 240
    assert session.planned_minutes == 180
    assert session.unallocated_minutes == 60
    _alpha, beta, gamma = session.modules
    # Beta starts at 01:00 BST and ends at 01:30 GMT, one and a half real hours later.
    assert span(beta.start, beta.end) == "01:00 BST–01:30 GMT"
    assert beta.end is not None and beta.end.fold == 1
    assert span(gamma.start, gamma.end) == "01:30–02:00"
    assert session.local_start is not None and session.local_end is not None
    assert session.local_start.replace(tzinfo=None) == datetime(2025, 10, 25, 23, 0)
    assert session.local_end.replace(tzinfo=None) == datetime(2025, 10, 26, 3, 0)


def test_session_across_the_spring_change_in_new_york(tmp_path: Path) -> None:
    # Clocks go forward at 02:00 EST on 2025-03-09: 00:00 to 04:00 lasts three real hours,
    # so 180 planned minutes fill it exactly and end at 04:00 EDT.
    course = write_course(
        tmp_path,
        session_events("2025-03-09T00:00:00", "2025-03-09T04:00:00", "America/New_York"),
    )
    session = next(build_agenda(course, "Europe/London").sessions)
    assert session.length_minutes == 180
    assert session.unallocated_minutes == 0
    assert session.overrun_minutes == 0
    assert [span(p.start, p.end) for p in session.modules] == [
        "00:00–01:00",
        "01:00 EST–03:30 EDT",
        "03:30–04:00",
    ]
    # London is still on GMT: 05:00 to 08:00.
    assert session.local_start is not None and session.local_end is not None
    assert (session.local_start.hour, session.local_end.hour) == (5, 8)


# --- broken data -----------------------------------------------------------------------------


def test_overrun_flagged_on_the_modules_that_do_not_fit(tmp_path: Path) -> None:
    course = write_course(
        tmp_path, session_events("2025-06-02T09:00:00", "2025-06-02T11:00:00", "Europe/Paris")
    )
    session = next(build_agenda(course, "UTC").sessions)
    assert session.length_minutes == 120
    assert session.overrun_minutes == 60
    assert session.unallocated_minutes == 0
    assert [p.overrun for p in session.modules] == [False, True, True]
    assert any("overrun" in w and "180 min" in w for w in session.warnings)


def test_session_ending_before_it_starts(tmp_path: Path) -> None:
    course = write_course(
        tmp_path, session_events("2025-06-02T17:00:00", "2025-06-02T09:00:00", "Europe/Paris")
    )
    agenda = build_agenda(course, "UTC")
    session = next(agenda.sessions)
    assert session.length_minutes is None
    assert session.unallocated_minutes is None
    assert session.overrun_minutes == 0
    # The modules are still planned from the start, and nothing raises.
    assert span(session.modules[0].start, session.modules[0].end) == "17:00–18:00"
    (warning,) = agenda.warnings()
    assert warning.startswith("Day 1 · Session 1 (events[0].sessions[0]): ends (2025-06-02 09:00)")


def test_session_spanning_months(tmp_path: Path) -> None:
    course = write_course(
        tmp_path, session_events("2025-06-02T09:00:00", "2025-07-02T17:00:00", "Europe/Paris")
    )
    session = next(build_agenda(course, "UTC").sessions)
    assert session.length_minutes is None
    assert any("spans 31 days" in w for w in session.warnings)


def test_unknown_modules_and_unknown_timezone(tmp_path: Path) -> None:
    course = write_course(
        tmp_path,
        session_events("2025-06-02T09:00:00", "2025-06-02T12:00:00", "Mars/Olympus", "[a, zz, c]"),
    )
    agenda = build_agenda(course, "America/New_York")
    session = next(agenda.sessions)
    assert [p.module.id for p in session.modules] == ["a", "c"]
    assert session.unknown_ids == ("zz",)
    assert not session.zone_known
    # Times as written, not converted to the viewer's zone.
    assert session.start == datetime(2025, 6, 2, 9, 0)
    assert session.local_start is None
    assert session.length_minutes == 180
    assert session.unallocated_minutes == 90
    assert [m.id for m in agenda.unscheduled] == ["b"]
    warnings = " | ".join(session.warnings)
    assert "unknown timezone 'Mars/Olympus'" in warnings
    assert "unknown modules: zz" in warnings


def test_missing_times_and_durations_never_crash(tmp_path: Path) -> None:
    modules = dedent(
        """\
        syllabus:
          - id: a
            title: Alpha
          - id: b
            title: Beta
            duration: 30
        """
    )
    events = """\
events:
  - location: Somewhere
    sessions:
      - syllabus_ids: [a, b]
      - start_datetime: 2025-06-02T09:00:00
        syllabus_ids: [b, a]
"""
    agenda = build_agenda(write_course(tmp_path, events, modules), "UTC")
    first, second = agenda.sessions
    assert first.start is None and first.modules[0].start is None
    assert first.unallocated_minutes is None
    assert second.length_minutes is None
    assert span(second.modules[0].start, second.modules[0].end) == "09:00–09:30"
    text = " | ".join(agenda.warnings())
    assert "no start time" in text
    assert "no end time" in text
    assert "no duration for 1. Alpha" in text
    assert "already scheduled in an earlier session" in text
    # Catch-up falls back to the last known start.
    assert agenda.catch_up == date(2025, 6, 16)


def test_no_events_means_no_sessions_and_syllabus_flow(tmp_path: Path) -> None:
    agenda = build_agenda(write_course(tmp_path, ""), "UTC")
    assert not agenda.scheduled
    assert agenda.catch_up is None
    flow = agenda.flow()
    assert [s.module.id for s in flow] == ["a", "b", "c"]
    assert flow[0].label == "Module 1 of 3"
    assert flow[0].session is None


def test_two_sessions_on_one_day_are_numbered(tmp_path: Path) -> None:
    events = """\
events:
  - start_date: 2025-06-02
    sessions:
      - start_datetime: 2025-06-02T09:00:00
        end_datetime: 2025-06-02T10:30:00
        timezone: Europe/Paris
        syllabus_ids: [a]
      - start_datetime: 2025-06-02T13:00:00
        end_datetime: 2025-06-02T15:00:00
        timezone: Europe/Paris
        syllabus_ids: [b, c]
"""
    agenda = build_agenda(write_course(tmp_path, events), "UTC")
    assert [s.label for s in agenda.sessions] == ["Day 1 · Session 1", "Day 1 · Session 2"]
    assert [s.unallocated_minutes for s in agenda.sessions] == [30, 0]
    assert [step.label for step in agenda.flow()] == [
        "Day 1 · Session 1 · Module 1 of 3",
        "Day 1 · Session 2 · Module 2 of 3",
        "Day 1 · Session 2 · Module 3 of 3",
    ]


def test_agenda_and_ics_modules_do_not_import_textual() -> None:
    code = (
        "import sys, coursemate.agenda, coursemate.ics\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- dates at the ends of the calendar, and broken session times ----------------------------


def test_sessions_at_the_end_of_the_calendar_give_no_catch_up_and_no_crash(
    tmp_path: Path,
) -> None:
    from coursemate.commands.agenda import agenda_lines

    course = write_course(
        tmp_path, session_events("9999-12-31T23:00:00", "9999-12-31T23:30:00", "Europe/London")
    )
    # Tokyo is nine hours ahead: the session's time there is in year 10000.
    agenda = build_agenda(course, "Asia/Tokyo")
    session = next(agenda.sessions)
    assert session.length_minutes == 30
    assert session.local_start is None
    assert agenda.catch_up is None
    # The first module fits in the calendar; the ones after it do not.
    assert [span(p.start, p.end) for p in session.modules][:1] == ["23:00–--:--"]
    lines = list(agenda_lines(agenda))
    assert "Catch-up: not scheduled" in lines
    text = "\n".join(lines)
    assert "Fri 31 Dec 9999 23:00–23:30 Europe/London" in text
    assert "some module times fall outside the calendar" in text
    assert "its time in your timezone falls outside the calendar" in text
    # The reader warns the author where the date is written.
    (warning,) = [w for w in course.warnings if "catch-up" in w.message]
    assert warning.field == "events[0].sessions[0].start_datetime"
    assert "9999-12-31 is too close to the end of the calendar" in warning.message


def test_the_latest_event_decides_the_catch_up_even_when_it_has_none(tmp_path: Path) -> None:
    events = """\
events:
  - sessions:
      - {start_datetime: 2025-06-02T09:00:00, end_datetime: 2025-06-02T10:00:00,
         timezone: UTC, syllabus_ids: [a]}
  - sessions:
      - {start_datetime: 9999-12-30T09:00:00, end_datetime: 9999-12-30T10:00:00,
         timezone: UTC, syllabus_ids: [b]}
"""
    agenda = build_agenda(write_course(tmp_path, events), "UTC")
    assert [e.catch_up for e in agenda.events] == [date(2025, 6, 16), None]
    assert agenda.catch_up is None  # not June 2025: that is not two weeks after the class


def test_sessions_in_year_one_east_of_greenwich(tmp_path: Path) -> None:
    course = write_course(
        tmp_path, session_events("0001-01-01T00:30:00", "0001-01-01T02:00:00", "Asia/Tokyo")
    )
    agenda = build_agenda(course, "UTC")
    session = next(agenda.sessions)
    # In UTC it is still the year before year 1: no conversion, no module times, no crash.
    assert session.length_minutes == 90
    assert session.local_start is None
    assert all(p.start is None for p in session.modules)
    assert agenda.catch_up == date(1, 1, 15)
    (warning,) = [w for w in course.warnings if "edge of the calendar" in w.message]
    assert warning.message.startswith("0001-01-01 00:30 is too close to the edge")


def test_a_session_ending_before_it_starts_is_flagged_in_its_line(tmp_path: Path) -> None:
    from coursemate.agenda import session_when

    course = write_course(
        tmp_path, session_events("2025-06-02T17:00:00", "2025-06-02T09:00:00", "Europe/Paris")
    )
    line = session_when(next(build_agenda(course, "UTC").sessions))
    assert line == "Mon 2 Jun 2025 from 17:00 (! ends before it starts) Europe/Paris"
    assert "17:00–09:00" not in line


def test_a_session_ending_on_another_day_is_flagged_in_its_line(tmp_path: Path) -> None:
    from coursemate.agenda import local_when, session_when

    course = write_course(
        tmp_path, session_events("2025-06-02T22:00:00", "2025-06-03T02:00:00", "Europe/Paris")
    )
    agenda = build_agenda(course, "Asia/Tokyo")
    session = next(agenda.sessions)
    assert session.length_minutes == 240  # an evening session: its length is known
    assert session_when(session) == (
        "Mon 2 Jun 2025 from 22:00 (! ends on another day: Tue 3 Jun 2025 02:00) Europe/Paris"
    )
    # In Tokyo the same session falls within one day: nothing to flag there.
    assert local_when(session, agenda.viewer) == "Tue 3 Jun 2025 05:00–09:00 Asia/Tokyo"


def test_zone_names_that_are_folders_or_too_long_are_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("America", "a" * 300):
        with pytest.raises(UnknownZoneError):
            resolve_zone(name)
    monkeypatch.setenv("TZ", "America")  # a folder of the zone database, not a zone
    assert resolve_zone(None).name != "America"


def test_a_session_zone_that_is_a_folder_is_warned_about(tmp_path: Path) -> None:
    course = write_course(
        tmp_path, session_events("2025-06-02T09:00:00", "2025-06-02T10:00:00", "America")
    )
    assert any("unknown timezone 'America'" in w.message for w in course.warnings)
    assert next(build_agenda(course, "UTC").sessions).start == datetime(2025, 6, 2, 9, 0)


def test_a_timezone_that_is_not_a_name_is_called_invalid_not_missing(tmp_path: Path) -> None:
    course = write_course(
        tmp_path,
        """\
        events:
          - sessions:
              - null
              - start_datetime: 2025-06-02T09:00:00
                end_datetime: 2025-06-02T12:00:00
                timezone: [Europe/London]
                syllabus_ids: [a]
              - start_datetime: 2025-06-03T09:00:00
                end_datetime: 2025-06-03T12:00:00
                syllabus_ids: [b]
        """,
    )
    agenda = build_agenda(course, "UTC")
    given, absent = agenda.sessions
    # The path is the session's place in the file, past the skipped null entry.
    assert (given.path, absent.path) == ("events[0].sessions[1]", "events[0].sessions[2]")
    assert given.warnings[0] == (
        "the timezone given is not a timezone name; times are shown as written"
    )
    assert absent.warnings[0] == "no timezone given; times are shown as written"
    assert not any("no timezone given" in w for w in given.warnings)


def test_sessions_are_numbered_across_the_event_and_unplanned_time_is_placed(
    tmp_path: Path,
) -> None:
    events = """\
events:
  - start_date: 2025-06-02
    sessions:
      - start_datetime: 2025-06-02T09:00:00
        end_datetime: 2025-06-02T11:00:00
        timezone: Europe/Paris
        syllabus_ids: [a]
      - start_datetime: 2025-06-03T09:00:00
        end_datetime: 2025-06-03T12:00:00
        timezone: Europe/Paris
        syllabus_ids: [b]
"""
    agenda = build_agenda(write_course(tmp_path, events), "UTC")
    first, second = agenda.sessions
    assert [first.label, second.label] == ["Day 1 · Session 1", "Day 2 · Session 2"]
    # Alpha (60 min) from 09:00, so the free hour is 10:00-11:00; Beta (90) leaves 10:30-12:00.
    assert first.unplanned is not None and second.unplanned is not None
    assert [slot(*first.unplanned), slot(*second.unplanned)] == ["10:00–11:00", "10:30–12:00"]
    utc = agenda.viewer
    assert [slot(*first.unplanned, utc), slot(*second.unplanned, utc)] == [
        "08:00–09:00",
        "08:30–10:00",
    ]
    assert slot(first.modules[0].start, first.modules[0].end, utc) == "07:00–08:00"


def test_a_full_session_has_no_unplanned_time(tmp_path: Path) -> None:
    agenda = build_agenda(
        write_course(tmp_path, session_events("2025-06-02T09:00:00", "2025-06-02T12:00:00", "UTC")),
        "UTC",
    )
    (session,) = agenda.sessions
    assert session.unallocated_minutes == 0
    assert session.unplanned is None


def test_a_course_wholly_in_the_past_is_told_by_now(tmp_path: Path) -> None:
    agenda = build_agenda(
        write_course(
            tmp_path,
            session_events("2025-06-02T09:00:00", "2025-06-02T12:00:00", "Europe/Paris"),
        ),
        "UTC",
    )
    paris = ZoneInfo("Europe/Paris")
    end = datetime(2025, 6, 2, 12, 0, tzinfo=paris)
    assert agenda.ended(datetime(2025, 6, 2, 11, 59, tzinfo=paris)) is None
    assert agenda.ended(datetime(2025, 6, 2, 12, 0, tzinfo=paris)) is None  # just ending
    assert agenda.ended(datetime(2025, 6, 2, 10, 1, tzinfo=UTC)) == end
    assert agenda.ended(datetime(2024, 1, 1, tzinfo=UTC)) is None


def test_the_past_only_when_every_session_is_over(tmp_path: Path) -> None:
    events = """\
events:
  - sessions:
      - start_datetime: 2025-06-02T09:00:00
        end_datetime: 2025-06-02T11:00:00
        timezone: Europe/Paris
        syllabus_ids: [a]
  - sessions:
      - start_datetime: 2025-09-01T09:00:00
        end_datetime: 2025-09-01T11:00:00
        syllabus_ids: [b]
"""
    agenda = build_agenda(write_course(tmp_path, events), "UTC")
    july = datetime(2025, 7, 1, tzinfo=UTC)
    assert agenda.ended(july) is None  # the second event (no zone: read as written) is ahead
    later = agenda.ended(datetime(2025, 9, 2, tzinfo=UTC))
    assert later == datetime(2025, 9, 1, 11, 0)


def test_agenda_lines_say_the_course_is_over_with_a_fixed_now(reference_path: Path) -> None:
    from coursemate.commands.agenda import agenda_lines

    agenda = build_agenda(load_course(reference_path), "UTC")
    over = "This course is over: its last session ended Sat 8 Nov 2025."
    before = list(agenda_lines(agenda, now=datetime(2025, 11, 8, 16, 59, tzinfo=LONDON)))
    after = list(agenda_lines(agenda, now=datetime(2025, 11, 8, 17, 1, tzinfo=LONDON)))
    assert not any(line.startswith(over) for line in before)
    assert any(line.startswith(over) for line in after)
