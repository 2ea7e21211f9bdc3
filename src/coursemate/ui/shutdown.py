"""Leaving when the terminal goes away or coursemate is told to stop (SIGHUP, SIGTERM, SIGINT).

What must hold (issue #18): whatever screen or worker is running, unsaved changes are written
exactly once and the process exits within a second or two with status 128 + the signal (129
when the terminal went away, also when only a failed write or a dead terminal says so); a
second signal exits at once, once a save in flight has finished.

Why more than ``loop.add_signal_handler`` and ``App.exit``: with Textual 8.2.8, closing the
terminal could leave coursemate running for ever, deaf to SIGTERM. When a terminal hangs up the
kernel sends its session leader SIGCONT right after SIGHUP, and Textual's ``LinuxDriver`` takes
*any* SIGCONT for the end of a ctrl+z: it starts application mode again, with a second output
thread. On the dead terminal that thread's first write fails with EIO and ends it, but its
queue is bounded (30 writes) and no longer drained, so the 30th write (typically one of those
that restore the terminal at shutdown) blocks the main thread in ``Queue.put`` for ever; and
asyncio's signal callbacks wait for that thread's event loop, so SIGTERM went unheard too. Any
failed write ends Textual's output thread the same way, SIGCONT or not.

So, working around Textual 8.2.8 without touching its internals:

- ``TerminalStream`` stands in for the stream Textual writes the screen to, so that a failed
  write never ends the output thread: the output is dropped and the shutdown starts;
- ``resume_guarded`` lets SIGCONT resume application mode only after Textual's own SIGTSTP;
- ``Shutdown`` handles the signals with Python-level handlers, which run on the main thread
  even while it waits on a lock, and which only wake a thread of its own. That thread saves
  (the store's save lock makes this one write with the autosave worker's and with the app's
  own on unmount), asks the app to exit normally so that a live terminal is restored, and, as
  a backstop, ends the process with the same status if that has not happened ``GRACE``
  seconds later.

No Textual import here: the app hands in what to call.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, TextIO, TypeVar

GRACE = 2.0  # seconds the normal exit gets after the save before the backstop ends the process
TERMINAL_POLL = 1.0  # seconds between checks that the terminal is still there
FATAL_SIGNALS = ("SIGHUP", "SIGTERM", "SIGINT")
# What Textual's LinuxDriver turns on and the backstop turns off again when it has to end the
# process itself: mouse reporting, bracketed paste, focus events, the kitty keyboard protocol,
# then line wrap, the cursor and the main screen back.
RESET_TERMINAL = (
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?1004l\x1b[<u"
    "\x1b[?7h\x1b[?25h\x1b[?1049l"
)
# Wake-up reasons besides signal numbers (no signal is numbered 0 or 255).
_FINISHED = 0  # the app has stopped running
_LOST = 255  # the terminal is gone without a SIGHUP: a failed write, or no longer a tty

Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None
T = TypeVar("T")


def _signals(names: tuple[str, ...]) -> list[signal.Signals]:
    return [sig for name in names if (sig := getattr(signal, name, None)) is not None]


class TerminalStream:
    """The stream Textual's output thread writes the screen to, safe on a dead terminal.

    Textual's ``WriterThread`` (8.2.8) ends at the first exception from a write and leaves its
    bounded queue undrained, which blocks whoever writes next for ever: here a failed write
    drops the output and reports the terminal lost instead of raising.
    """

    def __init__(self, stream: TextIO, on_lost: Callable[[], None]) -> None:
        self._stream = stream
        self._on_lost = on_lost
        self._lost = False

    @property
    def stream(self) -> TextIO:
        return self._stream

    @property
    def encoding(self) -> str:
        return self._stream.encoding

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def write(self, text: str) -> int:
        if not self._lost:
            try:
                self._stream.write(text)
            except OSError:
                self._lose()
        return len(text)

    def flush(self) -> None:
        if not self._lost:
            try:
                self._stream.flush()
            except OSError:
                self._lose()

    def _lose(self) -> None:
        # Nothing can be shown any more: stop trying, and have the app leave.
        self._lost = True
        self._on_lost()


def resume_guarded(driver_class: type[T]) -> type[T]:
    """``driver_class``, but resuming application mode on SIGCONT only after its own SIGTSTP.

    Textual 8.2.8's LinuxDriver resumes on every SIGCONT, including the one the kernel sends
    with SIGHUP when the terminal closes, and then writes to the dead terminal (see above).
    """
    if not hasattr(signal, "SIGCONT"):  # pragma: no cover - Windows: no job control signals
        return driver_class

    # mypy cannot subclass a class held in a variable; the driver class is only known here.
    class Guarded(driver_class):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)  # installs the driver's SIGTSTP/SIGCONT handlers
            guard_resume()

    Guarded.__name__ = Guarded.__qualname__ = f"ResumeGuarded{driver_class.__name__}"
    return Guarded


def guard_resume() -> None:
    """Wrap the current SIGTSTP and SIGCONT handlers so that SIGCONT is passed on only when a
    SIGTSTP went before it. Main thread only (like ``signal.signal``)."""
    on_stop = signal.getsignal(signal.SIGTSTP)
    on_continue = signal.getsignal(signal.SIGCONT)
    if not callable(on_stop) or not callable(on_continue):
        return
    stopped = [False]  # only ever touched by signal handlers, which run on the main thread

    def stop(signum: int, frame: FrameType | None) -> None:
        # Set first: the handler stops the process, and the SIGCONT that resumes it is
        # handled before the handler returns.
        stopped[0] = True
        on_stop(signum, frame)

    def resume(signum: int, frame: FrameType | None) -> None:
        if stopped[0]:
            stopped[0] = False
            on_continue(signum, frame)

    signal.signal(signal.SIGTSTP, stop)
    signal.signal(signal.SIGCONT, resume)


class Shutdown:
    """Turns SIGHUP, SIGTERM, SIGINT or a lost terminal into one save and one exit.

    ``save`` is called on the shutdown thread and returns why it failed, or None;
    ``request_exit(status, problem)`` must be safe to call from any thread.
    """

    def __init__(
        self,
        save: Callable[[], str | None],
        request_exit: Callable[[int, str | None], None],
        *,
        grace: float = GRACE,
    ) -> None:
        self._save = save
        self._request_exit = request_exit
        self._grace = grace
        self._lock = threading.Lock()  # orders request_exit against the end of the run
        self._running = False
        self._wake_r = self._wake_w = -1
        self._terminal_fds: tuple[int, ...] = ()
        self._terminal_mode: list[Any] | None = None  # stdin's, before Textual changed it
        self._previous: dict[signal.Signals, Handler] = {}
        self._stream: TextIO | None = None

    @contextlib.contextmanager
    def armed(self) -> Iterator[None]:
        """Handle the signals and a lost terminal while the body (the app's run) runs."""
        if os.name == "nt":  # pragma: no cover - no SIGHUP, no termios, no select on pipes
            yield
            return
        self._arm()
        try:
            yield
        finally:
            self._disarm()

    def terminal_lost(self) -> None:
        """The terminal is gone (any thread): leave as on SIGHUP."""
        self._wake(_LOST)

    # --- the main thread ------------------------------------------------------------------

    def _arm(self) -> None:
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._terminal_fds = tuple(fd for fd in (0, 1, 2) if os.isatty(fd))
        if 0 in self._terminal_fds:
            import termios

            self._terminal_mode = termios.tcgetattr(0)
        self._running = True
        threading.Thread(target=self._watch, name="coursemate-shutdown", daemon=True).start()
        if threading.current_thread() is threading.main_thread():
            for sig in _signals(FATAL_SIGNALS):
                self._previous[sig] = signal.signal(sig, self._on_signal)
        stream = sys.__stderr__
        if stream is not None and not isinstance(stream, TerminalStream):
            # Textual's drivers write the screen to sys.__stderr__, read when the driver starts.
            # typeshed declares it Final (and a TextIOWrapper): replacing it is the point here.
            self._stream = stream
            sys.__stderr__ = TerminalStream(stream, self.terminal_lost)  # type: ignore[misc, assignment]

    def _disarm(self) -> None:
        if self._stream is not None:
            sys.__stderr__ = self._stream  # type: ignore[misc, assignment]  # see _arm
            self._stream = None
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()
        with self._lock:
            self._running = False
        self._wake(_FINISHED)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Only a byte down a pipe: this runs wherever the main thread happened to be, perhaps
        # holding a lock that saving or Textual needs, and perhaps inside this very handler.
        self._wake(signum)

    def _wake(self, reason: int) -> None:
        # A full pipe already holds more wake-ups than the shutdown thread will ever read; a
        # broken one means the run is over and the thread has stopped listening.
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self._wake_w, bytes((reason,)))

    # --- the shutdown thread --------------------------------------------------------------

    def _watch(self) -> None:
        reason = self._first_wake()
        if reason == _FINISHED:
            # The write end stays open, so that a late wake-up cannot reach a reused fd.
            os.close(self._wake_r)
            return
        signum = signal.SIGHUP if reason == _LOST else reason
        status = 128 + int(signum)
        if reason == _LOST or (signum == signal.SIGHUP and self._terminal_gone()):
            self._detach_output()
        try:
            problem = self._save()
        except Exception as exc:  # a bug in saving must not keep the process alive
            problem = f"{type(exc).__name__}: {exc}"
        with self._lock:
            if self._running:
                self._request_exit(status, problem)
        # The backstop: the normal exit restores the terminal and is done in well under a
        # second; a second signal means "now".
        deadline = time.monotonic() + self._grace
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self._wake_r], [], [], left)
            if ready and os.read(self._wake_r, 1)[0] not in (_FINISHED, _LOST):
                break
        self._restore_terminal(problem)
        os._exit(status)

    def _first_wake(self) -> int:
        while True:
            ready, _, _ = select.select([self._wake_r], [], [], TERMINAL_POLL)
            if ready:
                return os.read(self._wake_r, 1)[0]
            # A closed terminal reads as end of file for ever and Textual's input thread
            # ignores that; when no SIGHUP comes (SIGHUP ignored, nohup), only this notices.
            if self._terminal_gone():
                return _LOST

    def _terminal_gone(self) -> bool:
        return any(not os.isatty(fd) for fd in self._terminal_fds)

    def _restore_terminal(self, problem: str | None) -> None:
        """What the normal exit would have done to a terminal that is still there."""
        import termios

        if self._terminal_gone():
            return
        reset = RESET_TERMINAL if 2 in self._terminal_fds else ""
        message = f"coursemate: progress NOT saved: {problem}\n" if problem else ""
        # The terminal can still go while this runs; then there is nobody left to tell.
        with contextlib.suppress(OSError, termios.error):
            if self._terminal_mode is not None:
                termios.tcsetattr(0, termios.TCSANOW, self._terminal_mode)
            if reset or message:
                os.write(2, (reset + message).encode())

    def _detach_output(self) -> None:
        """Point the terminal's output fds at /dev/null: what is still written on the way out
        (the last frames, an exit message, Python's final flush) then cannot fail with EIO
        and turn the exit status into an error."""
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            for fd in self._terminal_fds:
                if fd in (1, 2):
                    os.dup2(null, fd)
        finally:
            os.close(null)
