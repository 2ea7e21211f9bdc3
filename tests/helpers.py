"""What several test modules share: paths, the app and its pilot waits, the commands in a
subprocess, stand-in apps and clocks, and a tmux terminal.

Plain functions and classes only: fixtures live in ``conftest.py``. Test modules import this
module (``tests/`` is on ``sys.path`` through pytest's ``pythonpath``), never each other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Static

from coursemate.course.model import Course
from coursemate.progress.store import Store
from coursemate.ui.app import CoursemateApp
from coursemate.ui.factory import create_app
from coursemate.ui.options import AppOptions
from coursemate.ui.screens.catchup import CatchupScreen
from coursemate.ui.screens.study import StudyScreen
from coursemate.ui.store_edits import SaveRequested
from coursemate.ui.widgets.syllabus_tree import SyllabusTree

# --- paths -------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "courses" / "professional-scrum-product-owner.md"
DATA = Path(__file__).parent / "data" / "courses"  # small hand-made courses
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"

# --- the reference course ----------------------------------------------------------------

COURSE_ID = "41711"  # the reference course's id
FIRST = "m1/r/whats-driving-your-need-for-agility"  # 11 min, module 1
SECOND = "m1/r/what-is-a-product"  # 7 min, module 1
EBM = "m3/r/the-evidence-based-management-guide"  # site-relative link
TODAY = date(2025, 11, 19)  # three days before the reference course's catch-up (2025-11-22)


def write_course(path: Path, front: str) -> Path:
    """A course file with ``front`` as its front matter."""
    path.write_text(f"---\n{front.strip()}\n---\nBody.\n", encoding="utf-8")
    return path


def store_on_disk(tmp_path: Path, learner: str = "alice") -> Store:
    """The learner store as a fresh process reads it from ``tmp_path / "data"``."""
    return Store.open(tmp_path / "data", learner)


# --- the app and the pilot ---------------------------------------------------------------

S = TypeVar("S", bound=Screen[Any])


def make_app(tmp_path: Path, **options: object) -> CoursemateApp:
    """The app as ``coursemate`` builds it, for alice, with its data under ``tmp_path``."""
    opts = {"learner": "alice", "data_dir": tmp_path / "data", **options}
    return create_app(AppOptions(**opts))  # type: ignore[arg-type]


def top_screen(app: App[Any]) -> Screen[Any]:
    """The app's top screen, read afresh. A call, so mypy does not carry an ``isinstance`` on
    ``app.screen`` from before a key press over to after it, when another screen is on top."""
    return app.screen


async def until_screen(pilot: Pilot[int], screen_type: type[S]) -> S:
    """Wait for the loader worker until a ``screen_type`` screen is on top, and return it."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, screen_type):
            return app.screen
    raise AssertionError(f"no {screen_type.__name__} opened; screen is {app.screen!r}")


async def study(pilot: Pilot[int]) -> StudyScreen:
    """Wait for the loader worker, then return the study screen."""
    return await until_screen(pilot, StudyScreen)


async def pane_lines(pilot: Pilot[int], screen: StudyScreen, words: str) -> list[Strip]:
    """The reading pane's drawn lines once they show ``words`` (the pane fills after a
    refresh); the last lines drawn when they never do."""
    pane = screen.query_one("#detail-markdown", Static)
    lines: list[Strip] = []
    for _ in range(20):
        await pilot.pause()
        lines = pane.render_lines(pane.region.reset_offset)
        if words in " ".join(" ".join(line.text.split()) for line in lines):
            break
    return lines


def tree_of(screen: StudyScreen) -> SyllabusTree:
    return screen.query_one(SyllabusTree)


def header_text(screen: StudyScreen) -> str:
    return str(screen.query_one("#header-progress", Static).render())


async def go(pilot: Pilot[int], screen: StudyScreen, key: str) -> None:
    """Move the tree's cursor to ``key``, expanding what holds it."""
    assert tree_of(screen).reveal(key), key
    await pilot.pause()


# --- stand-ins ---------------------------------------------------------------------------


class Host(App[None]):
    """A bare app that shows one screen, as the study app's keys do, records what the
    screen is dismissed with, and saves the store at once when a screen asks (where
    CoursemateApp saves in a thread worker)."""

    def __init__(self, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[object] = []
        self.save_requests = 0

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)

    def on_save_requested(self, event: SaveRequested) -> None:
        self.save_requests += 1
        event.store.save()


class CatchupApp(Host):
    """The catch-up checklist on ``TODAY``."""

    def __init__(self, course: Course, store: Store) -> None:
        super().__init__(lambda: CatchupScreen(course, store, today=TODAY))
        self.course = course
        self.store = store


class FakeClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# --- the commands ------------------------------------------------------------------------


def run(
    *args: str, cwd: Path | None = None, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``coursemate *args`` in a subprocess, as a user runs it; ``data_dir`` replaces the
    learner-store folder conftest gives every test."""
    env = None if data_dir is None else {**os.environ, "COURSEMATE_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "coursemate", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=120,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


# --- a real terminal ---------------------------------------------------------------------

COURSEMATE = Path(sys.executable).parent / "coursemate"  # the installed command
WAIT = 30.0  # seconds before giving up on something appearing (a timeout, not a measurement)


class Terminal:
    """One tmux session running a plain shell (or ``command``), on a private tmux server when
    given a ``socket`` name."""

    def __init__(self, name: str, env: dict[str, str], socket: str | None = None) -> None:
        self.name = name
        self.env = env
        self.server = ["-L", socket, "-f", "/dev/null"] if socket else []

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", *self.server, *args], capture_output=True, text=True, check=True, timeout=10
        )
        return result.stdout

    def start(
        self,
        width: int = 120,
        height: int = 40,
        command: str = "env PS1='$ ' bash --norc --noprofile",
    ) -> None:
        env_args = [arg for k, v in self.env.items() for arg in ("-e", f"{k}={v}")]
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
            *env_args, command,
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
