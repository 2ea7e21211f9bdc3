"""What the app is started with: built by ``coursemate open``, the tests and the benchmarks.

No Textual here: ``coursemate open`` builds the options (and starts reading the course) before
Textual is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future

    from coursemate.course.model import Course
    from coursemate.progress.roster import RosterFuture


@dataclass(frozen=True)
class AppOptions:
    """Everything the app needs to start."""

    course: Path | None = None  # a course file or folder; None opens the bundled course
    learner: str | None = None
    data_dir: Path | None = None
    config_dir: Path | None = None
    cache_dir: Path | None = None
    site_url: str | None = None
    class_dir: Path | None = None  # ``--class DIR``: open on the Class screen of this folder
    # ``--now``: the presenter's clock starts at this moment (aware) and runs on from there,
    # so a trainer can rehearse a class day; None is the real time.
    now: datetime | None = None
    today: date | None = None  # --today: the header's countdown and the plan count from it
    # The read of the first course, started before Textual was imported (``course.cache.
    # prefetch`` with the same path, site URL and cache dir the app would use): the app takes
    # this result for its first course instead of reading it again.
    prefetched: Future[Course] | None = field(default=None, compare=False, repr=False)
    # The read of ``class_dir``, started on ``prefetched`` before Textual was imported.
    prefetched_class: RosterFuture | None = field(default=None, compare=False, repr=False)
