"""The catch-up report (issue 5) on the reference course."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coursemate.cli import main
from coursemate.course.model import Course
from coursemate.export import catchup_markdown
from coursemate.progress.catchup import catchup, reminder, scheduled_catchup
from coursemate.progress.store import Store


def _experiments(course: Course, module_number: int) -> list[str]:
    a = course.modules[module_number - 1].assignment
    assert a is not None
    return [e.key for e in a.experiments]


def _fill(course: Course, store: Store) -> dict[str, str]:
    cid = course.identity
    m1, m2, m6 = _experiments(course, 1), _experiments(course, 2), _experiments(course, 6)
    store.set_chosen(cid, m1[0], True)
    store.set_status(cid, m1[0], "done")
    for field, text in (
        ("did", "Ran a vision workshop."),
        ("happened", "Half the team came.\n# not a heading"),
        ("learned", "Invite earlier."),
        ("next", "Repeat monthly."),
    ):
        store.set_reflection(cid, m1[0], field, text)
    store.set_chosen(cid, m2[1], True)
    store.set_status(cid, m2[1], "running")
    store.set_chosen(cid, m6[2], True)
    store.set_status(cid, m6[2], "dropped")
    own = store.add_own_experiment(cid, "m3/a", "Shadow a customer for a day")
    store.set_reflection(cid, own, "did", "Booked the visit.")
    store.set_chosen(cid, "m2/a/x/deadbeef", True, title="An experiment the course dropped")
    store.set_chosen(cid, "m42/a/x/0badf00d", True, title="From a module that is gone")
    store.set_catchup_prompt(cid, "questions", "How do others measure value?")
    return {"m1": m1[0], "m2": m2[1], "m6": m6[2], "own": own}


def test_report_lists_chosen_experiments_by_module(course: Course, tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana María")
    keys = _fill(course, store)
    report = catchup_markdown(course, store, today=date(2025, 11, 20))
    text = {e.key: e.text for _m, e in course.all_experiments()}

    assert report.startswith("# Catch-up report: Professional Scrum Product Owner")
    assert "- Learner: Ana María" in report
    assert "- Catch-up: 2025-11-22 (14 days after the last session)" in report
    assert "- Written: 2025-11-20" in report
    assert "- Experiments: 1 of 6 experiments reflected" in report

    sections = report.split("\n## ")
    titles = [s.splitlines()[0] for s in sections[1:]]
    assert titles == [
        f"Module 1: {course.modules[0].title}",
        f"Module 2: {course.modules[1].title}",
        f"Module 3: {course.modules[2].title}",
        f"Module 6: {course.modules[5].title}",
        "No longer in the course",
        "Since the course",
    ]
    m1, m2, m3, m6, gone, since = sections[1:]
    assert f"### [done] {text[keys['m1']]} (suggested)" in m1
    # Quoted, and escaped: "> # x" would still be a heading inside the quote.
    assert "What happened:\n> Half the team came.\n> \\# not a heading" in m1
    assert "What I will try next:\n> Repeat monthly." in m1
    assert f"### [running] {text[keys['m2']]} (suggested)" in m2
    assert "### [planned] An experiment the course dropped (no longer in the course)" in m2
    assert "This experiment (m2/a/x/deadbeef) is no longer in the course file." in m2
    assert "### [planned] Shadow a customer for a day (own experiment)" in m3
    assert "What I did:\n> Booked the visit." in m3 and "What I learned:\n> (not written yet)" in m3
    assert f"### [dropped] {text[keys['m6']]} (suggested)" in m6
    assert "From a module that is gone (no longer in the course)" in gone
    assert "Questions:\n> How do others measure value?" in since
    assert "Ideas:\n> (nothing yet)" in since


def test_learner_date_wins_and_reminder(course: Course, tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    assert scheduled_catchup(course) == date(2025, 11, 22)
    _fill(course, store)
    assert catchup(course, store).source == "schedule"
    assert reminder(course, store, today=date(2025, 11, 1)) is None  # not near yet
    message = reminder(course, store, today=date(2025, 11, 20))
    assert message is not None and "in 2 days (2025-11-22)" in message and "5 chosen" in message
    store.set_catchup_date(course.identity, date(2025, 12, 5))
    info = catchup(course, store)
    assert (info.when, info.source, info.line) == (
        date(2025, 12, 5),
        "learner",
        "1 of 6 experiments reflected",
    )
    assert "2025-12-05 (set by the learner)" in catchup_markdown(course, store)
    assert reminder(course, store, today=date(2025, 11, 20)) is None


def test_export_catchup_command_writes_the_report(
    course: Course, tmp_path: Path, reference_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    store = Store.open(data_dir, "Ana")
    _fill(course, store)
    store.save()
    target = tmp_path / "report.md"
    args = ["export", str(reference_path), "--catchup", "--learner", "Ana"]
    assert main([*args, "--data-dir", str(data_dir), "-o", str(target)]) == 0
    report = target.read_text(encoding="utf-8")
    assert "Shadow a customer for a day (own experiment)" in report
    assert "No longer in the course" in report
