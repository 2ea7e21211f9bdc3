"""A presenter's countdown: big digits from a module's planned duration, then the overrun.

``ModuleTimer`` (``progress/timers.py``) is the arithmetic, reading an injectable clock so
tests control time; ``Countdown`` shows one timer and re-reads it while it runs. Nothing here
sleeps: the display is always computed from the clock.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Digits, Static

from coursemate.progress.timers import ModuleTimer

REFRESH_SECONDS = 0.25  # how often a running display re-reads the clock


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
