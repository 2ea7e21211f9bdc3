"""The pieces of ui/shutdown.py on their own: real signals, a real dead terminal, real threads.

The whole app under a closed terminal or SIGTERM is in test_e2e_hangup.py. Here: Textual's
output thread over a hung-up terminal, the SIGCONT guard, and the shutdown thread's order
(save, then ask the app to exit, then the backstop; a second signal at once, but only after the
save) in a child process, since the backstop ends the process it runs in.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from types import FrameType

import pytest

from coursemate.ui.shutdown import TerminalStream, guard_resume

TIMEOUT = 20.0  # seconds before a blocked thread or child counts as hung (not a measurement)


def test_a_closed_terminal_never_blocks_textuals_output_thread() -> None:
    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    master, slave = pty.openpty()
    os.close(master)  # the terminal window closes: writes to the slave now fail with EIO
    lost: list[str] = []
    tty = os.fdopen(slave, "w")
    writer = WriterThread(TerminalStream(tty, lambda: lost.append("lost")))  # type: ignore[arg-type]
    writer.start()

    def write_then_stop() -> None:
        # More writes than the queue holds, then the stop that restores the terminal: with
        # the raw stream the thread dies at the first write and this blocks for ever.
        for n in range(MAX_QUEUED_WRITES * 3):
            writer.write(f"frame {n}\n")
        writer.stop()

    stopper = threading.Thread(target=write_then_stop, daemon=True)
    stopper.start()
    stopper.join(TIMEOUT)
    assert not stopper.is_alive(), "writing to a closed terminal blocked"
    assert lost == ["lost"]  # reported once, then the output is dropped
    # What the app does next (Shutdown._detach_output): the unwritten rest goes to /dev/null.
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, slave)
    os.close(null)
    tty.close()


@pytest.fixture
def job_control_handlers() -> Iterator[list[str]]:
    """Stand-ins for Textual's SIGTSTP/SIGCONT handlers that record instead of stopping."""
    calls: list[str] = []

    def on_stop(signum: int, frame: FrameType | None) -> None:
        calls.append("stop")

    def on_continue(signum: int, frame: FrameType | None) -> None:
        calls.append("continue")

    before = signal.signal(signal.SIGTSTP, on_stop), signal.signal(signal.SIGCONT, on_continue)
    try:
        yield calls
    finally:
        signal.signal(signal.SIGTSTP, before[0])
        signal.signal(signal.SIGCONT, before[1])


def test_sigcont_resumes_only_after_a_sigtstp(job_control_handlers: list[str]) -> None:
    guard_resume()
    os.kill(os.getpid(), signal.SIGCONT)  # as the kernel sends with SIGHUP on a hang-up
    assert job_control_handlers == []
    os.kill(os.getpid(), signal.SIGTSTP)  # ctrl+z (the stand-in does not really stop)
    os.kill(os.getpid(), signal.SIGCONT)  # fg
    os.kill(os.getpid(), signal.SIGCONT)  # a stray one again
    assert job_control_handlers == ["stop", "continue"]


CHILD = """
import os, signal, sys, time
from coursemate.ui.shutdown import Shutdown

def save():
    print("saving", flush=True)
    time.sleep(float(os.environ["SAVE_SECONDS"]))
    print("saved", flush=True)
    return os.environ.get("SAVE_PROBLEM") or None

def request_exit(status, problem):
    print(f"exit requested {status} {problem}", flush=True)

with Shutdown(save, request_exit, grace=float(os.environ["GRACE"])).armed():
    print("armed", flush=True)
    time.sleep(60)  # an app that never gets round to exiting: only the backstop ends this
print("the run ended by itself", flush=True)
"""


def run_child(
    *signals: int, grace: float, save_seconds: float = 0.0, problem: str = ""
) -> tuple[int, list[str], str]:
    """Start the child, send ``signals`` one by one (the next once the child shows it acted),
    and return its exit status, what it printed and what it told stderr."""
    env = {**os.environ, "GRACE": str(grace), "SAVE_SECONDS": str(save_seconds)}
    env["SAVE_PROBLEM"] = problem
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    lines = [child.stdout.readline().strip()]
    assert lines == ["armed"]
    for sig in signals:
        child.send_signal(sig)
        lines.append(child.stdout.readline().strip())  # "saving" after the first
    try:
        child.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("the child was still running: the backstop never ended it")
    assert child.stderr is not None
    # Through the same buffered reader as the lines above (a child this chatty cannot fill
    # a pipe and block).
    return child.returncode, lines + child.stdout.read().splitlines(), child.stderr.read()


def test_a_signal_saves_then_asks_to_exit_then_the_backstop_ends_it() -> None:
    status, lines, err = run_child(signal.SIGTERM, grace=0.5)
    assert status == 128 + signal.SIGTERM
    assert lines == ["armed", "saving", "saved", "exit requested 143 None"]
    assert err == ""  # not a terminal: no escape sequences to restore one


def test_sighup_and_sigint_give_their_own_status() -> None:
    assert run_child(signal.SIGHUP, grace=0.2)[0] == 129
    assert run_child(signal.SIGINT, grace=0.2)[0] == 130


def test_a_failed_save_is_passed_on_and_told() -> None:
    status, lines, err = run_child(signal.SIGTERM, grace=0.2, problem="disk full")
    assert status == 143
    assert "exit requested 143 disk full" in lines
    assert err == "coursemate: progress NOT saved: disk full\n"  # the backstop says it too


def test_a_second_signal_exits_at_once_but_after_the_save_in_flight() -> None:
    # The grace is far longer than the test may wait: only the second signal can end it, and
    # it arrives while the save is still running.
    status, lines, _ = run_child(signal.SIGTERM, signal.SIGTERM, grace=600, save_seconds=1.0)
    assert status == 143
    assert lines == ["armed", "saving", "saved", "exit requested 143 None"]
