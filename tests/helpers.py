"""What several test modules share: paths, the app and its pilot waits, the commands in a
subprocess, stand-in apps and clocks, and a tmux terminal.

Plain functions and classes only: fixtures live in ``conftest.py``. Test modules import this
module (``tests/`` is on ``sys.path`` through pytest's ``pythonpath``), never each other.
"""

from __future__ import annotations

import json
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


# --- a class's shared folder (issue 17: the class view) ----------------------------------

CLASS_NOTE = "Ana's own words about module one"
CLASS_REFLECTION = "Ran it with the team on Tuesday"


def make_class(folder: Path, course: Course) -> Path:
    """A class folder made the way learners make one: each learner's store file and ``export
    --format json`` file, written by the real store and export code on their own machines
    (data folders beside ``folder``) and copied in, in sub-folders, with some files that are
    not progress.

    - Ana María: a store from her laptop (FIRST and module 2's first resource done, the first
      experiment chosen and running, a note) and an export from her work machine (FIRST and
      SECOND done, the same experiment done and reflected on): one learner, three resources,
      one experiment.
    - Bo: a store with FIRST done and two experiments of module 1 chosen.
    - Chen: a store holding the course with nothing done (marked, then unmarked).
    - Another course's store, a text file and a broken JSON file: skipped.
    """
    from coursemate.export import render

    cid = course.identity
    _module, first_exp = next(course.all_experiments())
    second_exp = course.modules[0].assignment.experiments[1]  # type: ignore[union-attr]
    machines = folder.parent / f"{folder.name}-machines"

    def store(machine: str, learner: str) -> Store:
        return Store.open(machines / machine, learner)

    laptop = store("ana-laptop", "Ana María")
    laptop.set_done(cid, FIRST, True)
    laptop.set_done(cid, course.modules[1].resources[0].key, True)
    laptop.set_status(cid, first_exp.key, "running")
    laptop.set_note(cid, course.modules[0].key, CLASS_NOTE)
    laptop.save()
    work = store("ana-work", "Ana María")
    work.set_done(cid, FIRST, True)
    work.set_done(cid, SECOND, True)
    work.set_status(cid, first_exp.key, "done")
    for name in ("did", "happened", "learned", "next"):
        work.set_reflection(cid, first_exp.key, name, CLASS_REFLECTION)
    work.save()
    bo = store("bo", "Bo")
    bo.set_done(cid, FIRST, True)
    bo.set_chosen(cid, first_exp.key, True)
    bo.set_chosen(cid, second_exp.key, True)
    bo.save()
    chen = store("chen", "Chen")
    chen.set_done(cid, FIRST, True)
    chen.set_done(cid, FIRST, False)
    chen.save()
    other = store("other", "Dee")
    other.set_done("99999", "m1/r/elsewhere", True)
    other.save()

    (folder / "monday").mkdir(parents=True)
    (folder / "exports").mkdir()
    (folder / "monday" / "ana.json").write_bytes(laptop.path.read_bytes())
    (folder / "exports" / "ana-work.json").write_text(render("json", course, work))
    (folder / "monday" / "bo.json").write_bytes(bo.path.read_bytes())
    (folder / "chen.json").write_bytes(chen.path.read_bytes())
    (folder / "dee-other-course.json").write_bytes(other.path.read_bytes())
    (folder / "README.txt").write_text("Drop your export here.\n")
    (folder / "exports" / "broken.json").write_text('{"learner": "x",')
    return folder


def tree_state(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``folder`` with its size, mtime and mode: equal before
    and after means nothing was written, created or removed there."""
    state = {}
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        state[str(path.relative_to(folder))] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return state


def class_learner_file(folder: Path, course: Course, name: str, note: str = "") -> Path:
    """A store file in ``folder`` (made if missing) of a learner called ``name``, whatever the
    name holds (markup, escape sequences: the file says so, not the store's rules), with FIRST
    done and ``note`` on it: made by the real store on a machine of its own, then renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(list(folder.iterdir()))
    store = Store.open(folder.parent / f"{folder.name}-machines" / str(n), f"learner {n}")
    store.set_done(course.identity, FIRST, True)
    if note:
        store.set_note(course.identity, FIRST, note)
    store.save()
    doc = json.loads(store.path.read_bytes())
    doc["learner"] = name
    target = folder / f"{n}.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    return target
