"""``coursemate agenda`` run as a user runs it: in a subprocess."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from icalendar import Calendar

from helpers import no_traceback, run


def test_reference_agenda_in_new_york_time() -> None:
    """--tz converts every time: the sessions and each module's slot, naming the zone."""
    result = run("agenda", "--tz", "America/New_York")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Times in America/New_York; the course's own time follows each session." in lines
    assert "Event 1 · starts Fri 7 Nov 2025 · Virtual" in lines
    day1 = lines.index(
        "  Day 1 · Session 1: Fri 7 Nov 2025 04:00–12:00 America/New_York · 360 of 480 min planned"
    )
    assert lines[day1 + 1].strip() == "course time: Fri 7 Nov 2025 09:00–17:00 Europe/London"
    slots = [" ".join(line.split()) for line in lines[day1 + 2 : day1 + 6]]
    assert slots == [
        "04:00–06:00 1. Agile Product Management I (Product vs. Project) (120 min)",
        "06:00–08:00 2. Agile Product Management II (Business Strategy and Product Vision) "
        "(120 min)",
        "08:00–10:00 3. Value-Driven Development (120 min)",
        "10:00–12:00 Unplanned time (120 min)",
    ]
    day2 = lines.index(
        "  Day 2 · Session 2: Sat 8 Nov 2025 04:00–12:00 America/New_York · 360 of 480 min planned"
    )
    assert " ".join(lines[day2 + 2].split()) == "04:00–06:00 4. Scrum Theory & Empiricism (120 min)"
    assert "Session 1" not in lines[day2]
    assert "breaks" not in result.stdout.lower()
    tail = result.stdout[result.stdout.index("Not in any session:") :]
    assert "7. Releases & Forecasting (120 min)" in tail
    assert "Catch-up: Sat 22 Nov 2025" in tail
    assert "Warnings" not in result.stdout


def test_without_tz_the_course_times_and_where_unplanned_time_falls() -> None:
    result = run("agenda", "--tz", "Europe/London")
    no_traceback(result)
    lines = result.stdout.splitlines()
    day1 = lines.index(
        "  Day 1 · Session 1: Fri 7 Nov 2025 09:00–17:00 Europe/London · 360 of 480 min planned"
    )
    # Same clock as the course: no second line.
    assert " ".join(lines[day1 + 1].split()).startswith("09:00–11:00 1. Agile")
    assert " ".join(lines[day1 + 4].split()) == "15:00–17:00 Unplanned time (120 min)"


def test_the_reference_course_is_over_and_says_so() -> None:
    # The reference course ran in November 2025; today is later than that on any machine
    # running this suite (the maths with a fixed now is in test_agenda.py).
    result = run("agenda")
    no_traceback(result)
    assert (
        "This course is over: its last session ended Sat 8 Nov 2025. "
        "The agenda below is how it was planned."
    ) in result.stdout.splitlines()


def test_ics_for_a_course_without_sessions_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md"
    plain.write_text(
        "---\ntitle: Plain\nid: plain\nsyllabus:\n  - id: a\n    title: A\n---\n",
        encoding="utf-8",
    )
    target = tmp_path / "plain.ics"
    result = run("agenda", str(plain), "--ics", str(target))
    no_traceback(result)
    assert result.returncode == 1
    assert "the course has no sessions: there is nothing to put in a calendar" in result.stderr
    assert result.stdout == ""
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.md"]


def test_ics_with_no_usable_session_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    course = tmp_path / "undated.md"
    course.write_text(
        dedent(
            """\
            ---
            title: Undated
            id: undated
            syllabus:
              - id: a
                title: A
            events:
              - sessions:
                  - timezone: Europe/London
                    syllabus_ids: [a]
            ---
            """
        ),
        encoding="utf-8",
    )
    target = tmp_path / "undated.ics"
    result = run("agenda", str(course), "--ics", str(target))
    no_traceback(result)
    assert result.returncode == 1
    assert "not in the calendar: Day 1 · Session 1 (events[0].sessions[0]): no start time" in (
        result.stderr
    )
    assert "no session has a usable start and end time" in result.stderr
    assert not target.exists()


def test_unknown_tz_is_a_usage_error() -> None:
    result = run("agenda", "--tz", "Mars/Olympus")
    no_traceback(result)
    assert result.returncode == 2
    assert "unknown timezone 'Mars/Olympus'" in result.stderr
    assert result.stdout == ""


def test_ics_written_and_parsed_back(tmp_path: Path) -> None:
    target = tmp_path / "pspo.ics"
    result = run("agenda", "--ics", str(target))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {target}: 2 sessions and the catch-up date." in result.stderr
    calendar = Calendar.from_ical(target.read_bytes())
    assert len(list(calendar.walk("VEVENT"))) == 3


def test_ics_to_an_unwritable_place_fails_plainly(tmp_path: Path) -> None:
    result = run("agenda", "--ics", str(tmp_path / "no" / "such" / "dir.ics"))
    no_traceback(result)
    assert result.returncode == 1
    assert "cannot write" in result.stderr


def test_course_without_events_and_with_warnings(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md"
    plain.write_text(
        "---\ntitle: Plain\nsyllabus:\n  - id: x\n    title: Only module\n    duration: 45\n---\n",
        encoding="utf-8",
    )
    result = run("agenda", str(plain))
    no_traceback(result)
    assert result.returncode == 0
    assert "No sessions scheduled. The modules in syllabus order:" in result.stdout
    assert "  1. Only module (45 min)" in result.stdout

    broken = tmp_path / "broken.md"
    broken.write_text(
        dedent(
            """\
            ---
            title: Broken
            syllabus:
              - id: x
                title: Only module
                duration: 45
            events:
              - sessions:
                  - start_datetime: 2025-06-02T17:00:00
                    end_datetime: 2025-06-02T09:00:00
                    timezone: Nowhere/Special
                    syllabus_ids: [x, y]
            ---
            """
        ),
        encoding="utf-8",
    )
    result = run("agenda", str(broken), "--tz", "UTC")
    no_traceback(result)
    assert result.returncode == 0
    assert "? unknown module 'y'" in result.stdout
    warnings = result.stdout[result.stdout.index("Warnings (3):") :]
    assert "unknown timezone 'Nowhere/Special'" in warnings
    assert "ends (2025-06-02 09:00) before it starts (2025-06-02 17:00)" in warnings
    assert "names unknown modules: y" in warnings
