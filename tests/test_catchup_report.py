"""The catch-up report (issue 5) on the reference course, and its agreement with the screen."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Label

from coursemate.cli import main
from coursemate.course.model import Course
from coursemate.export import catchup_markdown
from coursemate.progress.catchup import catchup, reminder, scheduled_catchup
from coursemate.progress.checklist import (
    PROMPT_LABELS,
    PROMPTS,
    REFLECTION_FIELDS,
    REFLECTION_LABELS,
)
from coursemate.progress.store import Store
from coursemate.ui.screens.catchup import ChecklistView
from coursemate.ui.screens.reflection import ReflectionScreen
from helpers import CatchupApp


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
    assert "What I did:\n> Booked the visit." in m3
    # What is still to write is said once, not as three "(not written yet)" quotes.
    assert "Still to write: What happened, What I learned, What I will try next." in m3
    assert "What I learned:" not in m3 and "not written yet" not in report
    assert f"### [dropped] {text[keys['m6']]} (suggested)" in m6
    assert (
        "Not reflected yet: What I did, What happened, What I learned, What I will try next."
        in (m6)
    )
    assert m6.count("What I did") == 1
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


REPORT_ITEM = re.compile(
    r"### \[\w+\] (.*) \((?:suggested|own experiment|no longer in the course)\)"
)


def report_outline(report: str) -> tuple[list[str], list[str]]:
    """The report's groups ("Module 2", "No longer in the course") and its experiments' texts,
    in order, and the labels of its "Since the course" part."""
    items: list[str] = []
    for line in report.split("\n## Since the course")[0].splitlines():
        if line.startswith("## "):
            items.append(line[3:].split(":")[0])
        elif match := REPORT_ITEM.fullmatch(line):
            items.append(match[1])
    since = report.split("\n## Since the course")[1]
    labels = [line[:-1] for line in since.splitlines() if line.endswith(":")]
    return items, labels


def labels_of(screen: Screen[Any], selector: str) -> list[str]:
    return [str(label.render()) for label in screen.query(selector).results(Label)]


async def test_screen_and_report_list_the_same_items_in_the_same_order_and_words(
    course: Course, tmp_path: Path
) -> None:
    store = Store.open(tmp_path, "Ana")
    _fill(course, store)
    cid = course.identity
    text = {e.key: e.text for _m, e in course.all_experiments()}
    report_items, report_prompts = report_outline(catchup_markdown(course, store))

    app = CatchupApp(course, store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        view = screen.query_one(ChecklistView)
        options = [view.get_option_at_index(i) for i in range(view.option_count)]
        screen_prompts = labels_of(screen, ".catchup-prompt-label")
        await pilot.press("e")
        assert isinstance(pilot.app.screen, ReflectionScreen)
        form_labels = labels_of(pilot.app.screen, ".reflection-label")

    screen_items = [
        str(o.prompt).split(" · ")[0]
        if o.disabled  # a heading: "Module 2 · <title>" or "No longer in the course"
        else text.get(o.id or "") or store.title(cid, o.id or "")
        for o in options
    ]
    assert screen_items == report_items
    assert screen_items == [
        "Module 1", text[_experiments(course, 1)[0]],
        "Module 2", text[_experiments(course, 2)[1]], "An experiment the course dropped",
        "Module 3", "Shadow a customer for a day",
        "Module 6", text[_experiments(course, 6)[2]],
        "No longer in the course", "From a module that is gone",
    ]  # fmt: skip
    assert screen_prompts == report_prompts == ["Questions", "Ideas", "Challenges"]
    report = catchup_markdown(course, store)
    assert all(f"\n{label}:\n" in report for label in form_labels)
    assert len(form_labels) == len(REFLECTION_FIELDS)


def test_labels_follow_the_store_fields() -> None:
    assert tuple(REFLECTION_LABELS) == REFLECTION_FIELDS
    assert tuple(PROMPT_LABELS) == PROMPTS


def _outline(report: str) -> tuple[list[str], list[str], set[str]]:
    """What markdown-it makes of the report: its headings ("## Notes"), the text of every list
    item, and the kinds of block it holds."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(report)
    headings: list[str] = []
    items: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(f"{token.markup} {tokens[i + 1].content}")
        if token.type == "list_item_open":
            items.append(tokens[i + 2].content)  # list_item_open, paragraph_open, inline
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    return headings, items, kinds


def test_report_parses_into_exactly_its_own_headings_and_lists(
    course: Course, tmp_path: Path
) -> None:
    store = Store.open(tmp_path, "Ana")
    keys = _fill(course, store)
    cid = course.identity
    module, resource = course.modules[0], course.modules[0].resources[0]
    store.set_note(cid, module.key, "Bring this up.\n- not a list item\n## not a heading")
    store.set_note(cid, resource.key, "1. Read it twice")
    report = catchup_markdown(course, store, today=date(2025, 11, 20))
    text = {e.key: e.text for _m, e in course.all_experiments()}

    headings, items, kinds = _outline(report)
    assert headings == [
        f"# Catch-up report: {course.title}",
        f"## Module 1: {course.modules[0].title}",
        f"### [done] {text[keys['m1']]} (suggested)",
        f"## Module 2: {course.modules[1].title}",
        f"### [running] {text[keys['m2']]} (suggested)",
        "### [planned] An experiment the course dropped (no longer in the course)",
        f"## Module 3: {course.modules[2].title}",
        "### [planned] Shadow a customer for a day (own experiment)",
        f"## Module 6: {course.modules[5].title}",
        f"### [dropped] {text[keys['m6']]} (suggested)",
        "## No longer in the course",
        "### [planned] From a module that is gone (no longer in the course)",
        "## Notes",
        "## Since the course",
    ]
    assert items == [
        "Learner: Ana",
        f"Course: {course.title} (PSPO)",
        "Catch-up: 2025-11-22 (14 days after the last session)",
        "Written: 2025-11-20",
        "Experiments: 1 of 6 experiments reflected",
        f"Module 1 · {module.title}",
        f"Module 1 · Resource · {resource.title}",
    ]
    assert "ordered_list_open" not in kinds and "html_block" not in kinds
    assert "link_open" not in kinds and "image" not in kinds
    assert "\n\n\n" not in report and report.endswith("\n") and not report.endswith("\n\n")
    notes = report.split("\n## Notes\n")[1].split("\n## ")[0]
    assert "  > Bring this up.\n  > \\- not a list item\n  > \\## not a heading" in notes
    assert "  > 1\\. Read it twice" in notes


def test_the_status_history_is_in_the_order_it_happened(
    course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = course.identity
    key = _experiments(course, 1)[0]
    store = Store.open(tmp_path, "Ana")
    for day, status in ((1, "planned"), (3, "done"), (5, "running")):
        monkeypatch.setattr("coursemate.progress.state._today", lambda d=day: date(2025, 11, d))
        store.set_status(cid, key, status)  # type: ignore[arg-type]
    store.save()
    again = Store.open(tmp_path, "Ana")  # the file sorts its maps by name: order from stamps
    state = again.experiment(cid, key)
    assert state is not None
    assert list(state.status_dates.items()) == [
        ("planned", "2025-11-01"),
        ("done", "2025-11-03"),
        ("running", "2025-11-05"),
    ]
    report = catchup_markdown(course, again)
    assert "Status: planned 2025-11-01 → done 2025-11-03 → running 2025-11-05" in report
