"""A presenter's countdown: big digits from a module's planned duration, then the overrun.

``ModuleTimer`` is the arithmetic (a pausable stopwatch against a planned duration, reading an
injectable clock so tests control time); ``Countdown`` shows one timer and re-reads it while
it runs. Nothing here sleeps: the display is always computed from the clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Digits, Static

Clock = Callable[[], float]
Phase = Literal["ready", "running", "paused"]
WARNING_SECONDS = 10 * 60  # the last ten minutes show in the warning colour
REFRESH_SECONDS = 0.25  # how often a running display re-reads the clock


def format_seconds(seconds: int) -> str:
    """``05:12``, or ``1:05:12`` from an hour up."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


class ModuleTimer:
    """A pausable stopwatch measured against a planned duration (None: counts up only)."""

    def __init__(self, planned_minutes: int | None, clock: Clock = time.monotonic) -> None:
        self.planned = planned_minutes * 60 if planned_minutes else None
        self._clock = clock
        self._banked = 0.0  # seconds run before the current start
        self._since: float | None = None  # clock reading at the current start

    @property
    def running(self) -> bool:
        return self._since is not None

    @property
    def phase(self) -> Phase:
        if self.running:
            return "running"
        return "paused" if self._banked else "ready"

    def elapsed(self) -> float:
        running = self._clock() - self._since if self._since is not None else 0.0
        return self._banked + max(running, 0.0)

    def start(self) -> None:
        if self._since is None:
            self._since = self._clock()

    def pause(self) -> None:
        if self._since is not None:
            self._banked = self.elapsed()
            self._since = None

    def reset(self) -> None:
        self._banked = 0.0
        self._since = None

    @property
    def overrun(self) -> bool:
        return self.planned is not None and self.elapsed() > self.planned

    @property
    def warning(self) -> bool:
        """Inside the last ten minutes, not yet over."""
        if self.planned is None:
            return False
        left = self.planned - self.elapsed()
        return 0 < left <= WARNING_SECONDS

    def display(self) -> str:
        """What the digits show: time left (rounded up), ``+MM:SS`` past zero, or time run."""
        elapsed = self.elapsed()
        if self.planned is None:
            return format_seconds(math.floor(elapsed))
        if elapsed <= self.planned:
            return format_seconds(math.ceil(self.planned - elapsed))
        return "+" + format_seconds(math.floor(elapsed - self.planned))


class Countdown(Widget):
    """Shows one ``ModuleTimer`` in large digits with its state underneath."""

    DEFAULT_CSS = """
    Countdown { height: auto; }
    Countdown Digits { width: 100%; text-align: center; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._module_timer: ModuleTimer | None = None
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Digits("--:--", id="countdown-digits")
        yield Static(id="countdown-status")

    def on_mount(self) -> None:
        self._ticker = self.set_interval(REFRESH_SECONDS, self.tick, pause=True)
        self.tick()

    def show(self, timer: ModuleTimer) -> None:
        """Display ``timer`` from now on (the presenter keeps one per module)."""
        self._module_timer = timer
        self.tick()

    def tick(self) -> None:
        """Re-read the clock; called by the interval while running, and after every change."""
        timer = self._module_timer
        if timer is None or not self.is_mounted:
            return
        self.query_one(Digits).update(timer.display())
        self.set_class(timer.warning, "-warning")
        self.set_class(timer.overrun, "-overrun")
        self.set_class(timer.running, "-running")
        self.query_one("#countdown-status", Static).update(self._status(timer))
        if self._ticker is not None:
            if timer.running:
                self._ticker.resume()
            else:
                self._ticker.pause()

    @staticmethod
    def _status(timer: ModuleTimer) -> Text:
        planned = f"{timer.planned // 60} min planned" if timer.planned else "no planned duration"
        state = {"ready": "ready: t starts", "running": "running", "paused": "paused"}[timer.phase]
        if timer.overrun:
            state = f"{state} · over time"
        elif timer.warning:
            state = f"{state} · under 10 min left"
        return Text(f"{state}\n{planned}")
