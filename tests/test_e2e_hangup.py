"""End to end: the terminal goes away, or coursemate is told to stop (issue #18, #13.7).

Whatever is on screen (the first paint of a cold start, the help screen, the reflection form),
closing the terminal or SIGTERM must end the process within seconds, with the last change on
disk. The app runs as the tmux pane's own command, as in a terminal window that runs it
directly: then it is the session leader, which the kernel sends SIGHUP *and* SIGCONT when the
terminal closes (the SIGCONT is what set Textual 8.2.8 writing to the dead terminal). Exit
statuses come from a shell in the pane that runs coursemate and prints ``$?`` or, for a closed
terminal, from a pseudo-terminal this test owns and closes.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursemate.course.reader import load_course
from coursemate.progress.store import Store
from helpers import COURSE_ID, COURSEMATE, FIRST, Terminal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
REPO = Path(__file__).resolve().parents[1]
GONE_WITHIN = 5.0  # seconds: how long the process may take to go (a timeout, not a measure)
LEARNER = "e2e"
REFERENCE_FIRST_PAINT = "Agile Product Management I"
# Keys on the reference course: module 1's first resource, marked done.
MARK_FIRST = ("Down", "Right", "Down", "Space")
MARKED_FIRST = "Resources 11/551 min · 1%"
# Module 2's first experiment, chosen, and its reflection form opened.
TO_FIRST_EXPERIMENT = ("Down", "Down", "Right", *["Down"] * 5, "Right", "Down")
REFLECTION = "Built a business model canvas"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_gone(pid: int) -> None:
    deadline = time.monotonic() + GONE_WITHIN
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)  # leave nothing behind, then fail
            pytest.fail(f"coursemate (pid {pid}) was still running {GONE_WITHIN} s later")
        time.sleep(0.02)


@dataclass
class App:
    """coursemate in a tmux pane on a private tmux server: as the pane's own command (the
    session leader, as in a terminal window that runs it directly), or run from a shell that
    prints its exit status."""

    terminal: Terminal
    pid: int
    data: Path

    def wait_for(self, text: str) -> str:
        return self.terminal.wait_for(text)

    def keys(self, *keys: str) -> None:
        self.terminal.keys(*keys)

    def type(self, text: str) -> None:
        self.terminal.tmux("send-keys", "-t", self.terminal.name, "-l", text)

    def close_terminal(self) -> None:
        self.terminal.tmux("kill-session", "-t", self.terminal.name)

    def exit_status(self) -> int:
        """The status the shell saw (launched with ``shell=True``)."""
        assert_gone(self.pid)
        deadline = time.monotonic() + GONE_WITHIN  # the shell prints it a moment later
        while (found := re.search(r"EXIT=(\d+)", self.terminal.screen())) is None:
            assert time.monotonic() < deadline, self.terminal.screen()
            time.sleep(0.05)
        return int(found.group(1))

    def store(self) -> Store:
        return Store.open(self.data, LEARNER)


Launch = Callable[..., App]


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    if not COURSEMATE.exists():
        pytest.skip(f"coursemate is not installed in this environment ({COURSEMATE})")
    socket = f"coursemate-hangup-{uuid.uuid4().hex[:8]}"
    started: list[App] = []

    def start(course: Path | None = None, *, shell: bool = False) -> App:
        dirs = {name: tmp_path / name for name in ("data", "config", "cache")}
        env = {f"COURSEMATE_{name.upper()}_DIR": str(path) for name, path in dirs.items()}
        env |= {"TERM": "xterm-256color", "LANG": "C.UTF-8", "PATH": os.environ["PATH"]}
        argv = [str(COURSEMATE), *([str(course)] if course else []), "--learner", LEARNER]
        # COLUMNS and LINES (set under pytest) would override the pane's real size.
        command = "env -u COLUMNS -u LINES " + shlex.join(argv)
        terminal = Terminal(f"app{len(started)}", env, socket=socket)
        if shell:
            terminal.start()
            terminal.run(command + "; echo EXIT=$?")
            pid = _child_of(int(terminal.flag("pane_pid")))
        else:
            terminal.start(command="exec " + command)
            pid = int(terminal.flag("pane_pid"))
        app = App(terminal, pid, dirs["data"])
        started.append(app)
        return app

    try:
        yield start
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        for app in started:
            if _alive(app.pid):
                os.kill(app.pid, signal.SIGKILL)


def _child_of(shell: int) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        out = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout
        if out.split():
            return int(out.split()[0])
        time.sleep(0.02)
    pytest.fail("the shell never started coursemate")


@pytest.fixture(scope="module")
def large_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The benchmark's generated 500-module course and the start of its first module's line
    (its number and first word: a shortened title shows where it parts from others')."""
    path = tmp_path_factory.mktemp("large") / "large.md"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(path)],
        check=True,
        capture_output=True,
    )
    first = load_course(path).modules[0]
    return path, f"▶ {first.number} {first.title.split()[0]}"


def mark_first(app: App) -> None:
    """At first paint of the reference course, mark module 1's first resource done."""
    app.wait_for(REFERENCE_FIRST_PAINT)
    app.keys(*MARK_FIRST)
    app.wait_for(MARKED_FIRST)


def open_help(app: App) -> None:
    app.keys("?")
    app.wait_for("escape closes")


def choose_and_reflect(app: App) -> None:
    """Choose module 2's first experiment, open its reflection form and type an answer."""
    app.wait_for(REFERENCE_FIRST_PAINT)
    app.keys(*TO_FIRST_EXPERIMENT, "Space")
    app.wait_for("1 chosen")
    app.keys("e")
    app.wait_for("What I did")
    app.type(REFLECTION)
    app.wait_for(REFLECTION)


# --- the terminal closes ------------------------------------------------------------------


def test_closing_the_terminal_at_first_paint_of_a_cold_large_course(
    launch: Launch, large_course: tuple[Path, str]
) -> None:
    path, first_module = large_course
    app = launch(path)
    app.wait_for(first_module)
    app.close_terminal()
    assert_gone(app.pid)


def test_closing_the_terminal_right_after_a_mark_on_the_large_course(
    launch: Launch, large_course: tuple[Path, str]
) -> None:
    path, first_module = large_course
    course = load_course(path)
    app = launch(path)
    app.wait_for(first_module)
    app.keys("Down", "Right", "Down", "Space")  # the first pre-reading item
    minutes = course.prereading[0].minutes
    app.wait_for(f"Pre-reading {minutes}/")
    app.close_terminal()
    assert_gone(app.pid)
    assert app.store().done_keys(course.identity) == {course.prereading[0].key}


def test_closing_the_terminal_at_first_paint_of_the_reference_course(launch: Launch) -> None:
    app = launch()
    app.wait_for(REFERENCE_FIRST_PAINT)
    app.close_terminal()
    assert_gone(app.pid)


def marked_with_help_open(app: App) -> None:
    mark_first(app)
    open_help(app)


def first_is_marked(app: App) -> None:
    assert app.store().done_keys(COURSE_ID) == {FIRST}


def reflection_is_saved(app: App) -> None:
    store = app.store()
    (key,) = store.chosen_keys(COURSE_ID)
    state = store.experiment(COURSE_ID, key)
    assert state is not None
    assert state.reflection.get("did") == REFLECTION


# What is on screen when the terminal goes or the signal comes, and what must be on disk then.
SCENES = {
    "right-after-a-mark": (mark_first, first_is_marked),
    "help-screen-open": (marked_with_help_open, first_is_marked),
    "reflection-form": (choose_and_reflect, reflection_is_saved),
}


@pytest.mark.parametrize("scene", SCENES)
def test_closing_the_terminal_saves_the_last_change(launch: Launch, scene: str) -> None:
    act, check = SCENES[scene]
    app = launch()
    act(app)
    app.close_terminal()
    assert_gone(app.pid)
    check(app)


# --- SIGTERM, SIGINT --------------------------------------------------------------------------


def test_sigterm_at_first_paint_of_a_cold_large_course(
    launch: Launch, large_course: tuple[Path, str]
) -> None:
    path, first_module = large_course
    app = launch(path, shell=True)
    app.wait_for(first_module)
    os.kill(app.pid, signal.SIGTERM)
    assert app.exit_status() == 128 + signal.SIGTERM
    app.terminal.assert_restored()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("scene", SCENES)
def test_a_signal_saves_the_last_change_and_restores_the_terminal(
    launch: Launch, scene: str, sig: signal.Signals
) -> None:
    act, check = SCENES[scene]
    app = launch(shell=True)
    act(app)
    os.kill(app.pid, sig)
    assert app.exit_status() == 128 + sig
    app.terminal.assert_restored()
    check(app)


def test_sigcont_without_a_stop_changes_nothing(launch: Launch) -> None:
    """A stray SIGCONT (the kernel sends one with SIGHUP) must not restart the app's terminal
    mode: Textual's own handler started a second input and a second output thread."""
    app = launch(shell=True)
    mark_first(app)
    wait_until_saved(app)  # the save's worker thread is started (and idle) before counting
    threads = _threads(app.pid)
    os.kill(app.pid, signal.SIGCONT)
    # A signal's Python handler runs before the main thread handles the next key.
    open_help(app)
    assert _threads(app.pid) == threads
    app.keys("Escape")
    deadline = time.monotonic() + 10
    while "escape closes" in app.terminal.screen():  # until the help screen has closed
        assert time.monotonic() < deadline, app.terminal.screen()
        time.sleep(0.05)
    app.keys("q")
    assert app.exit_status() == 0
    assert app.store().done_keys(COURSE_ID) == {FIRST}


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def wait_until_saved(app: App) -> None:
    deadline = time.monotonic() + 10
    while not app.store().done_keys(COURSE_ID):
        assert time.monotonic() < deadline, "the mark was never saved"
        time.sleep(0.05)


# --- exit codes -----------------------------------------------------------------------------


def test_quitting_the_error_screen_exits_1_and_a_normal_quit_0(
    launch: Launch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("---\ncode: X\ntitle: a: b\n---\n", encoding="utf-8")
    app = launch(broken, shell=True)
    app.wait_for("This course could not be opened")
    app.keys("q")
    assert app.exit_status() == 1
    app = launch(shell=True)
    app.wait_for(REFERENCE_FIRST_PAINT)
    app.keys("q")
    assert app.exit_status() == 0


# --- a terminal this test owns ---------------------------------------------------------------

ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def _read_until(master: int, needle: bytes, pid: int) -> None:
    """Read the app's output until ``needle`` shows (escape sequences removed)."""
    seen = b""
    deadline = time.monotonic() + 30
    while needle not in ESCAPES.sub(b"", seen):
        if time.monotonic() > deadline or not _alive(pid):
            pytest.fail(f"{needle!r} never appeared; the output ended with {seen[-400:]!r}")
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            seen += os.read(master, 65536)


def _spawn_in_pty(tmp_path: Path, *, own_terminal: bool) -> tuple[subprocess.Popen[bytes], int]:
    """coursemate on a new pseudo-terminal, in a session of its own: as its session leader with
    it as the controlling terminal (``own_terminal``, via util-linux ``setsid --ctty``), or
    merely writing to it."""
    if own_terminal and shutil.which("setsid") is None:
        pytest.skip("setsid (util-linux) is not installed")
    master, slave = pty.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    for name in ("data", "config", "cache"):
        env[f"COURSEMATE_{name.upper()}_DIR"] = str(tmp_path / name)
    argv = [str(COURSEMATE), "--learner", LEARNER]
    if own_terminal:
        argv = ["setsid", "--ctty", *argv]  # not a group leader: setsid execs, same pid
    child = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=not own_terminal
    )
    os.close(slave)
    return child, master


def _status_within(child: subprocess.Popen[bytes]) -> int:
    try:
        return child.wait(timeout=GONE_WITHIN)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        pytest.fail(f"coursemate was still running {GONE_WITHIN} s after the hang-up")


@pytest.mark.parametrize("own_terminal", [True, False], ids=["session-leader", "no-sighup"])
def test_a_closed_terminal_exits_129_after_saving(tmp_path: Path, own_terminal: bool) -> None:
    """The session leader gets SIGHUP and SIGCONT; a process in another session gets no signal
    at all and only sees its writes fail and its terminal stop being one."""
    if not COURSEMATE.exists():
        pytest.skip(f"coursemate is not installed in this environment ({COURSEMATE})")
    child, master = _spawn_in_pty(tmp_path, own_terminal=own_terminal)
    try:
        _read_until(master, b"Resources 0/551 min", child.pid)
        os.write(master, b"\x1b[B\x1b[C\x1b[B ")  # down, right, down, space: mark FIRST
        _read_until(master, MARKED_FIRST.encode(), child.pid)
    finally:
        os.close(master)  # the terminal window closes
    assert _status_within(child) == 129
    assert Store.open(tmp_path / "data", LEARNER).done_keys(COURSE_ID) == {FIRST}
