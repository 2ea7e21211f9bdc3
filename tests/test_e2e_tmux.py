"""End to end: the installed ``coursemate`` driven by keys in a real terminal (tmux).

Each test runs a shell in a fresh tmux session with temporary data, config and cache dirs,
starts ``coursemate`` from that shell, and reads the screen with ``capture-pane``. After the
app exits the shell must be back: alternate screen off, cursor visible, mouse reporting off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from coursemate.progress.store import Store

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

COURSEMATE = Path(sys.executable).parent / "coursemate"
WAIT = 30.0  # seconds before giving up on something appearing (a timeout, not a measurement)
COURSE_ID = "41711"
FIRST = "m1/r/whats-driving-your-need-for-agility"


class Terminal:
    """One tmux session running a plain shell."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", *args], capture_output=True, text=True, check=True, timeout=10
        )
        return result.stdout

    def start(self, width: int = 120, height: int = 40) -> None:
        env_args = [arg for k, v in self.env.items() for arg in ("-e", f"{k}={v}")]
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
            *env_args, "env PS1='$ ' bash --norc --noprofile",
        )  # fmt: skip

    def run(self, command: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", command)
        self.tmux("send-keys", "-t", self.name, "Enter")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def flag(self, name: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.name, f"#{{{name}}}").strip()

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + WAIT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def app_pid(self) -> int:
        shell = self.flag("pane_pid")
        out = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout
        return int(out.split()[0])

    def assert_restored(self) -> None:
        """The app left the alternate screen and gave the shell its cursor and mouse back."""
        assert self.flag("alternate_on") == "0"
        assert self.flag("cursor_flag") == "1"
        assert self.flag("mouse_any_flag") == "0"
        assert self.screen().rstrip().endswith("$")


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    return {name: tmp_path / name for name in ("data", "config", "cache")}


@pytest.fixture
def terminal(dirs: dict[str, Path]) -> Iterator[Terminal]:
    if not COURSEMATE.exists():
        pytest.skip(f"coursemate is not installed in this environment ({COURSEMATE})")
    env = {
        "COURSEMATE_DATA_DIR": str(dirs["data"]),
        "COURSEMATE_CONFIG_DIR": str(dirs["config"]),
        "COURSEMATE_CACHE_DIR": str(dirs["cache"]),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
    }
    term = Terminal(f"coursemate-e2e-{uuid.uuid4().hex[:8]}", env)
    term.start()
    try:
        yield term
    finally:
        subprocess.run(["tmux", "kill-session", "-t", term.name], capture_output=True)


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
