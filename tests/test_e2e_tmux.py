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
    terminal.wait_for("Resources 0/551 min · 0%")
    terminal.keys("Down", "Right", "Down", "Space")
    terminal.wait_for("Resources 11/551 min · 1%")
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()
    store = Store.open(dirs["data"], "e2e")
    assert store.done_keys(COURSE_ID) == {FIRST}


def test_sigterm_saves_and_restores_the_terminal(terminal: Terminal, dirs: dict[str, Path]) -> None:
    terminal.run(f"{COURSEMATE} --learner e2e; echo EXIT=$?")
    terminal.wait_for("Agile Product Management I")
    terminal.keys("Down", "Right", "Down", "Down", "Space")
    terminal.wait_for("Resources 7/551 min · 1%")
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


def test_a_rehearsal_at_now_is_on_that_day_for_the_header(terminal: Terminal) -> None:
    terminal.run(f"{COURSEMATE} --learner e2e --now 2025-11-06T09:00+00:00; echo EXIT=$?")
    terminal.wait_for("class tomorrow")
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()


def test_today_sets_the_header_countdown_and_the_plan(terminal: Terminal) -> None:
    terminal.run(f"{COURSEMATE} --learner e2e --today 2025-11-02; echo EXIT=$?")
    terminal.wait_for("class in 5 days")
    terminal.keys("P")
    terminal.wait_for("Class 7–8 Nov: 6 days left · 551 min left · 92 min a day")
    terminal.keys("P")  # closes it too (a lone escape waits to be told from alt+key)
    terminal.wait_for("Agile Product Management I")
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()
