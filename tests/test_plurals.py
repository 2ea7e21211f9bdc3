"""Counts read right: "1 module", "1 warning", "1 item", in every command and screen that
counts. A course with one of each thing (and one warning) goes through them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from coursemate.cli import main
from coursemate.course.reader import load_course
from coursemate.plural import counted, noun
from coursemate.ui.screens.error import ProblemsScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import make_app, study, top_screen, tree_of, until_screen, write_course

ONE_OF_EACH = """
title: One of Each
id: one-of-each
syllabusBefore:
  - title: Read the guide
    duration: 20
    type: blog
syllabus:
  - id: intro
    title: Introduction
    duration: 1
    learningResources:
      - title: The only resource
        link: https://example.com/b
        duration: 1
        type: blog
    assignment:
      title: Try it
      examples:
        - Run one experiment
"""

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def one(tmp_path: Path) -> Path:
    path = write_course(tmp_path / "one.md", ONE_OF_EACH)
    course = load_course(path)
    assert len(course.warnings) == 1  # the pre-reading item has no link
    return path


def test_the_helper() -> None:
    assert [counted(n, "module") for n in (0, 1, 2)] == ["0 modules", "1 module", "2 modules"]
    assert counted(1, "match", "matches") == "1 match"
    assert counted(3, "match", "matches") == "3 matches"
    assert noun(1, "item") == "item"


def test_check_counts_in_the_singular(one: Path, capsys: Capture) -> None:
    assert main(["check", str(one)]) == 0
    out = capsys.readouterr().out
    assert "(1 pre-reading, 1 module, 1 resource, 1 experiment)" in out
    assert out.splitlines()[-1] == "1 course checked: 1 loaded, 0 failed, 1 warning"


def test_outline_counts_in_the_singular(one: Path, capsys: Capture) -> None:
    assert main(["outline", str(one)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "1 module · 1 min"
    assert "Pre-reading (1 item, 20 min)" in out


def test_progress_and_export_count_in_the_singular(
    one: Path, tmp_path: Path, capsys: Capture
) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["progress", str(one), *data]) == 0
    rows = capsys.readouterr().out.splitlines()
    module_row = next(r for r in rows if r.startswith("1. Introduction"))
    assert "0/1 item " in module_row and "items" not in module_row
    overall = next(r for r in rows if r.startswith("Overall"))
    assert "0/2 items" in overall
    # the columns still line up, singular or plural
    assert module_row.index("min left") == overall.index("min left")
    assert main(["export", str(one), "--format", "markdown", *data]) == 0
    report = capsys.readouterr().out
    assert "0/1 item, " in report and "0/2 items, " in report


def painted(widget: Widget) -> str:
    lines = widget.render_lines(Region(0, 0, *widget.outer_size))
    return "\n".join(line.text for line in lines)


async def pane(pilot: object, screen: StudyScreen, words: str) -> str:
    """What the reading pane draws once it shows ``words``."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    body = screen.query_one("#detail-markdown", Static)
    shown = ""
    for _ in range(20):
        await pilot.pause()
        shown = painted(body)
        if words in shown:
            break
    return shown


async def test_the_app_counts_in_the_singular(one: Path, tmp_path: Path) -> None:
    app = make_app(tmp_path, course=one)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree_of(screen).place_cursor(None)  # on the course
        shown = await pane(pilot, screen, "1 module")
        assert "1 module ·" in shown and "1 modules" not in shown
        assert "This course file has 1 warning —" in shown
        tree_of(screen).place_cursor("pre")
        shown = await pane(pilot, screen, "0/1")
        assert "0/1 item done" in shown
        await pilot.press("w")
        problems = await until_screen(pilot, ProblemsScreen)
        title = problems.query_one("#problems-dialog").border_title
        assert str(title).startswith("1 warning in ")
        await pilot.press("escape")
        await pilot.press("r")
        await pilot.pause()
        totals = top_screen(app).query_one("#reading-totals", Static)
        assert str(totals.render()).startswith("0/2 items done")
