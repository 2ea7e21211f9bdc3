"""When Python's garbage collector runs: not during start-up, and not in the middle of a press.

Start-up allocates a great many long-lived objects (Textual's modules, the course, the first
screen's widgets) and little garbage, so ``coursemate`` pauses collection for it
(``pause_for_start``) and ``IdleCollector.start`` resumes it once the first screen is up.

A full (oldest-generation) collection walks every live object that is not frozen. With a
large course's tree expanded that takes 10–50 ms, and CPython starts one whenever enough
objects have survived, which is to say during some key press: in the benchmark every one of
the slowest presses overlapped one (see benchmarks/README.md). So while the app runs:

- what start-up left behind is collected, then everything still alive (the course, built
  once and kept for the app's life, above all) is frozen out of the collector's reach;
- the young generations are collected just after the frame that answered the input
  (``after_frame``), not in the middle of the next press: a press makes thousands of
  short-lived objects (strips, segments, styles), so CPython's threshold of 700 ran a young
  collection or ten inside every press, ~2-3 ms of a frame on the large course; the threshold
  is raised to ``YOUNG_HELD`` so CPython's own young collections only catch a very long burst;
- the oldest generation waits until there has been no input for ``IDLE_AFTER`` seconds, or,
  so memory stays bounded through long unbroken input, until ``OLDEST_EVERY`` middle passes
  have gone by (CPython's default is 10; then it too runs after a frame).

No Textual here (it lives beside the domain, not in ``ui``): ``coursemate open`` pauses
collection and the app feeds the collector input times, frames and ticks.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_AFTER = 1.0  # seconds without input before the oldest generation is collected
OLDEST_EVERY = 200  # young-generation passes that force an oldest-generation collection
YOUNG_HELD = 50_000  # new objects before CPython collects young ones itself, mid-press


def pause_for_start() -> None:
    """Stop collecting until the app's first screen is up (``IdleCollector.start`` resumes)."""
    gc.disable()


def resume() -> None:
    """Collect again, for apps that never reach ``IdleCollector.start`` (picker, error)."""
    gc.enable()


class IdleCollector:
    """Holds back full collections while input arrives; runs them when input stops."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._saved: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Once the course is open and on screen: collect start-up's garbage (a few thousand
        objects, ~20 ms), freeze what lives on, turn collection back on, and from then on hold
        full collections back until the learner pauses."""
        if self._saved is None:
            gc.collect()
            gc.freeze()
            gc.enable()
            self._saved = gc.get_threshold()
            _, middle, _ = self._saved
            gc.set_threshold(YOUNG_HELD, middle, OLDEST_EVERY)

    def stop(self) -> None:
        """Give CPython its thresholds and the frozen objects back (the app is closing; tests
        run many apps in one process, and what this app froze is garbage from now on)."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            gc.unfreeze()
            self._saved = None

    def touch(self) -> None:
        """Input arrived: hold the full collection back a little longer."""
        self._last_input = self._clock()

    def after_frame(self) -> int | None:
        """The frame that answered input is out: run the collection CPython would have run in
        the middle of the press (the young generation once as many objects as its own
        threshold are new, the middle one every ``middle`` of those, the oldest after
        ``OLDEST_EVERY`` middle passes). The generation collected, or None."""
        if self._saved is None or not gc.isenabled():
            return None
        young, middle, _ = self._saved
        new, young_passes, middle_passes = gc.get_count()
        if new < young:
            return None
        generation = 2 if middle_passes >= OLDEST_EVERY else 1 if young_passes >= middle else 0
        gc.collect(generation)
        return generation

    def tick(self) -> bool:
        """Collect the oldest generation if the learner paused and anything reached it.

        True when it collected.
        """
        if self._saved is None or not gc.isenabled():
            return False
        if self._clock() - self._last_input < IDLE_AFTER:
            return False
        # The third count is the number of middle-generation passes since the last full
        # collection: 0 means nothing new can have reached the oldest generation.
        if gc.get_count()[2] == 0:
            return False
        gc.collect()
        return True
