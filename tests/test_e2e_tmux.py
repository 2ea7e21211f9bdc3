"""End to end: the installed ``coursemate`` driven by keys in a real terminal (tmux).

Each test runs a shell in a fresh tmux session with temporary data, config and cache dirs,
starts ``coursemate`` from that shell, and reads the screen with ``capture-pane``. After the
app exits the shell must be back: alternate screen off, cursor visible, mouse reporting off.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from coursemate.progress.store import Store
from helpers import COURSE_ID, COURSEMATE, FIRST, Terminal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_mark_a_resource_done_and_quit(terminal: Terminal, dirs: dict[str, Path]) -> None:
    terminal.run(f"{COURSEMATE} --learner e2e; echo EXIT=$?")
    terminal.wait_for("Agile Product Management I")
    terminal.wait_for("Pre-reading 0/551 min · 0%")
    terminal.keys("Down", "Right", "Down", "Space")
    terminal.wait_for("Pre-reading 11/551 min · 1%")
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()
    store = Store.open(dirs["data"], "e2e")
    assert store.done_keys(COURSE_ID) == {FIRST}


def test_sigterm_saves_and_restores_the_terminal(terminal: Terminal, dirs: dict[str, Path]) -> None:
    terminal.run(f"{COURSEMATE} --learner e2e; echo EXIT=$?")
    terminal.wait_for("Agile Product Management I")
    terminal.keys("Down", "Right", "Down", "Down", "Space")
    terminal.wait_for("Pre-reading 7/551 min · 1%")
    os.kill(terminal.app_pid(), 15)
    terminal.wait_for("EXIT=143")
    terminal.assert_restored()
    assert Store.open(dirs["data"], "e2e").is_done(COURSE_ID, "m1/r/what-is-a-product")


HOSTILE = """---
title: 'Myth [3]: [bold red]x[/bold red]'
syllabus:
  - id: 1
    title: "Escapes \\e[31mred\\e[0m and \\e]0;pwned\\a [i]literal[/i]"
    duration: 30
    learningResources:
      - title: '[link=https://evil.example]click[/link] me'
        link: https://example.com
        duration: 5
        type: blog
---
"""


def test_markup_and_escapes_appear_literally(terminal: Terminal, tmp_path: Path) -> None:
    course = tmp_path / "hostile.md"
    course.write_text(HOSTILE, encoding="utf-8")
    terminal.run(f"{COURSEMATE} {course} --learner e2e; echo EXIT=$?")
    screen = terminal.wait_for("Myth [3]: [bold red]x[/bold red]")
    assert "1 Escapes red and [i]literal[/i]" in screen
    terminal.keys("Down", "Right", "Down")
    terminal.wait_for("[link=https://evil.example]click[/link] me")
    assert terminal.flag("pane_title") != "pwned"  # the OSC title sequence never reached us
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()


def test_keys_after_a_filter_act_on_the_highlighted_item(
    terminal: Terminal, dirs: dict[str, Path]
) -> None:
    """Issue #13: after `n` and a filter, the pane and `e` follow the highlighted match."""
    terminal.run(f"{COURSEMATE} --learner new; echo EXIT=$?")
    terminal.wait_for("Agile Product Management I")
    terminal.keys("n")
    terminal.wait_for("space marks it done")
    terminal.keys("/")
    # Keys that arrive before the box has focus go to the tree (Textual forwards each key
    # to the widget focused when it arrives): wait for the box.
    terminal.wait_for("Filter titles, content, notes…")
    terminal.run("Product Box")  # typed into the filter, then enter
    terminal.wait_for("Not chosen — space chooses it.")
    terminal.keys("e")
    terminal.wait_for("Note on Develop a Product Vision by creating a Product Box.")
    terminal.keys("Escape")  # cancel the note (alone: escape then q would read as alt+q)
    terminal.wait_for("No note yet — press e to write one.")  # the dialog covered it
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()
    store = Store.open(dirs["data"], "new")
    assert store.last_position(COURSE_ID) == "m2/a/x/55e0eaae"
