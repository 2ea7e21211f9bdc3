"""The presenter's module timers, kept for the day in their own small file.

A timer is a pausable stopwatch against a module's planned duration. It reads a wall clock
(seconds since the epoch, injectable so tests and ``--now`` rehearsals control time) because
its state has to survive a restart of the app: a running timer is saved as the moment it was
started, so time keeps counting while the app is closed.

The file (``presenter-timers.json`` in the config directory) is not the learner store on
purpose: nothing a timer does can ever put learner data at risk. It holds one day only; a file
from another day is ignored, and a broken one is ignored with a message and replaced on the
next change. No Textual here.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypeGuard

from coursemate.course.text import one_line
from coursemate.progress.atomic import NotRegularFileError, read_regular, write_atomic

Clock = Callable[[], float]  # seconds since the epoch
Phase = Literal["ready", "running", "paused"]
TIMERS_FILE = "presenter-timers.json"
VERSION = 1
WARNING_SECONDS = 10 * 60  # the last ten minutes show in the warning colour
MAX_TIMERS_BYTES = 2**20  # a day's timers take a few kilobytes
DAY_SECONDS = 24 * 60 * 60  # a file holds one day: no timer ran longer, none started further off


def format_seconds(seconds: int) -> str:
    """``05:12``, or ``1:05:12`` from an hour up."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


def rehearsal_clock(now: datetime, monotonic: Clock = time.monotonic) -> Clock:
    """A wall clock that reads ``now`` at the call and then moves at the real pace
    (``--now``: a trainer rehearses as if it were that moment)."""
    origin = monotonic()
    base = now.timestamp()
    return lambda: base + (monotonic() - origin)


class ModuleTimer:
    """A pausable stopwatch measured against a planned duration (None: counts up only)."""

    def __init__(self, planned_minutes: int | None, clock: Clock = time.time) -> None:
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

    def state(self) -> dict[str, float | None]:
        return {"run_seconds": self._banked, "running_since": self._since}

    def restore(self, run_seconds: float, running_since: float | None) -> None:
        self._banked = run_seconds
        self._since = running_since


class TimerFileError(ValueError):
    """The timers file cannot be used; the message names the file and the bad field."""


class TimerBoard:
    """Every module timer of one course for today: one runs at a time, each change is saved.

    ``load`` never raises: what it could not use comes back as messages to show, and the
    board starts empty. ``save`` returns a message instead of raising when the disk refuses.
    """

    def __init__(self, path: Path | None, course_id: str, clock: Clock = time.time) -> None:
        self.path = path  # None: kept in memory only
        self.course_id = course_id
        self._clock = clock
        # Loaded timers have no planned duration until the presenter asks for them by module.
        self._timers: dict[str, ModuleTimer] = {}
        self._others: dict[str, Any] = {}  # other courses' timers of the same day, kept as is

    @classmethod
    def load(
        cls, config_dir: Path | None, course_id: str, clock: Clock = time.time
    ) -> tuple[TimerBoard, list[str]]:
        path = config_dir / TIMERS_FILE if config_dir is not None else None
        board = cls(path, course_id, clock)
        if path is None:
            return board, []
        try:
            raw = read_regular(path, MAX_TIMERS_BYTES + 1)
        except FileNotFoundError:
            return board, []
        except NotRegularFileError:
            return board, [f"presenter timers {path}: not a regular file; starting fresh"]
        except OSError as exc:
            return board, [f"presenter timers {path}: {exc.strerror or exc}; starting fresh"]
        if len(raw) > MAX_TIMERS_BYTES:
            return board, [
                f"presenter timers {path}: larger than 1 MB; ignored, timers start fresh"
            ]
        try:
            board._read(raw)
        except TimerFileError as exc:
            board._timers, board._others = {}, {}
            return board, [f"presenter timers {path}: {exc}; ignored, timers start fresh"]
        return board, []

    def today(self) -> str:
        """The day the clock reads, on the local calendar: what a saved file must match."""
        return date.fromtimestamp(self._clock()).isoformat()

    def _read(self, raw: bytes) -> None:
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise TimerFileError("not UTF-8 text") from exc
        except RecursionError as exc:
            raise TimerFileError("nested too deeply to be a timers file") from exc
        except json.JSONDecodeError as exc:
            raise TimerFileError(
                f"not valid JSON at line {exc.lineno}:{exc.colno} ({exc.msg})"
            ) from exc
        if not isinstance(data, dict):
            raise TimerFileError("should hold a JSON object")
        if data.get("version") != VERSION:
            raise TimerFileError(f"version: expected {VERSION}")
        if data.get("day") != self.today():
            return  # another day's timers: a new class day starts fresh
        courses = data.get("courses")
        if not isinstance(courses, dict):
            raise TimerFileError("courses: should be an object")
        states = _course_states(courses.get(self.course_id, {}), self.course_id, self._clock())
        for key, (run, since) in states:
            self._timers[key] = ModuleTimer(None, self._clock)
            self._timers[key].restore(run, since)
        self._others = {k: v for k, v in courses.items() if k != self.course_id}

    def timer(self, module_key: str, planned_minutes: int | None) -> ModuleTimer:
        """The module's timer: as saved today, else a fresh one."""
        found = self._timers.get(module_key)
        if found is None:
            found = self._timers[module_key] = ModuleTimer(planned_minutes, self._clock)
        else:
            found.planned = planned_minutes * 60 if planned_minutes else None
        return found

    def start(self, module_key: str, planned_minutes: int | None) -> None:
        """Start the module's timer, pausing any other: there is one class clock."""
        for timer in self._timers.values():
            timer.pause()
        self.timer(module_key, planned_minutes).start()

    def running(self) -> list[str]:
        """The module keys whose timer runs (one at most, unless the file said otherwise)."""
        return [key for key, timer in self._timers.items() if timer.running]

    def save(self) -> str | None:
        """Write today's timers; a message when that failed (the timers still work)."""
        if self.path is None:
            return None
        mine = {key: t.state() for key, t in self._timers.items() if t.phase != "ready"}
        courses = {**self._others, self.course_id: mine}
        data = {"version": VERSION, "day": self.today(), "courses": courses}
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, text.encode("utf-8"))
        except OSError as exc:
            return f"presenter timers {self.path}: not saved ({exc.strerror or exc})"
        return None


def _course_states(
    value: object, course_id: str, now: float
) -> list[tuple[str, tuple[float, float | None]]]:
    """One course's saved timers, checked field by field (the path names the first bad one).

    Values a day's timers cannot hold are refused, not shown: more than a day of run time, or a
    start more than a day from ``now``, would make the countdown hundreds of digits long, freeze
    it, or overflow it (``inf`` seconds) when the two are added."""
    where = f"courses.{one_line(course_id)}"
    if not isinstance(value, dict):
        raise TimerFileError(f"{where}: should be an object")
    states: list[tuple[str, tuple[float, float | None]]] = []
    for key, entry in value.items():
        at = f"{where}.{one_line(str(key))}"
        if not isinstance(entry, dict):
            raise TimerFileError(f"{at}: should be an object")
        run = entry.get("run_seconds")
        since = entry.get("running_since")
        if not _finite(run) or not 0 <= run <= DAY_SECONDS:
            raise TimerFileError(
                f"{at}.run_seconds: should be a number of seconds from 0 to {DAY_SECONDS}"
            )
        if since is not None and not (_finite(since) and abs(now - since) <= DAY_SECONDS):
            raise TimerFileError(
                f"{at}.running_since: should be null or a time in seconds within a day of now"
            )
        states.append((str(key), (float(run), float(since) if since is not None else None)))
    return states


def _finite(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
