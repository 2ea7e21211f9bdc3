"""``coursemate agenda`` run as a user runs it: in a subprocess."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from icalendar import Calendar

from helpers import no_traceback, run


def test_reference_agenda_in_new_york_time() -> None:
    result = run("agenda", "--tz", "America/New_York")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Event 1 · starts Fri 7 Nov 2025 · Virtual" in lines
    day1 = lines.index(
        "  Day 1 · Session 1: Fri 7 Nov 2025 09:00–17:00 Europe/London · 360 of 480 min planned"
    )
    assert lines[day1 + 1].strip() == "Fri 7 Nov 2025 04:00–12:00 America/New_York"
    assert " ".join(lines[day1 + 2].split()) == (
        "09:00–11:00 1. Agile Product Management I (Product vs. Project) (120 min)"
    )
    assert lines[day1 + 5].strip() == "Unallocated (breaks): 120 min"
    tail = result.stdout[result.stdout.index("Not in any session:") :]
    assert "7. Releases & Forecasting (120 min)" in tail
    assert "Catch-up: Sat 22 Nov 2025" in tail
    assert "Warnings" not in result.stdout


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
