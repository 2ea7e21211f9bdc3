"""The top line: course title and code; what is left, the class countdown and what is next;
the learner and their progress.

Pre-reading (``syllabusBefore``) and the modules' resources are named apart. At narrow widths
the lower-priority parts (next, then the countdown, then minutes left) are dropped whole, not
cut mid-word; the course title gives way first, with an ellipsis.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from coursemate.course.text import one_line
from coursemate.plural import counted

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.maths import CourseProgress, ModuleProgress

SEPARATOR = " · "
# The course title keeps at least this many cells (its code and a word) before the status
# line's parts take the rest.
TITLE_ROOM = 16


def _figures(part: ModuleProgress, unit: str) -> str:
    if unit == "items":
        return f"{part.items_done}/{part.items_total}"
    return f"{part.minutes_done}/{part.minutes_total}"


def progress_text(progress: CourseProgress) -> str:
    """ "Resources 35/551 min · 6%", "Pre-reading 10/40 min · 25%", or both with one percent.

    Items are counted instead when nothing says how long it takes.
    """
    overall = progress.overall
    if overall.items_total == 0:
        return "Nothing to read"
    unit = "items" if overall.minutes_total == 0 else "min"
    pre, res = progress.prereading, progress.resources
    if pre.items_total and res.items_total:
        figures = f"Pre-reading {_figures(pre, unit)} · Resources {_figures(res, unit)} {unit}"
    elif pre.items_total:
        figures = f"Pre-reading {_figures(pre, unit)} {unit}"
    else:
        figures = f"Resources {_figures(res, unit)} {unit}"
    return f"{figures} · {overall.percent}%"


def _all_done(part: ModuleProgress) -> ModuleProgress:
    return replace(part, minutes_done=part.minutes_total, items_done=part.items_total)


def widest_progress_text(progress: CourseProgress) -> str:
    """The longest ``progress_text`` these totals can give: everything done."""
    return progress_text(
        replace(
            progress,
            prereading=_all_done(progress.prereading),
            modules={key: _all_done(m) for key, m in progress.modules.items()},
            overall=_all_done(progress.overall),
        )
    )


def left_text(overall: ModuleProgress) -> str | None:
    """ "516 min left" (or items, when nothing has minutes); None with nothing to read."""
    if overall.items_total == 0:
        return None
    if overall.items_done == overall.items_total:
        return "all read"
    if overall.minutes_total == 0:
        return f"{counted(overall.items_total - overall.items_done, 'item')} left"
    return f"{overall.minutes_left} min left"


def shorten_words(text: str, width: int) -> str | None:
    """``text`` in ``width`` cells, cut after a whole word with "…"; None if not one word fits."""
    if cell_len(text) <= width:
        return text
    words = text.split(" ")
    for count in range(len(words) - 1, 0, -1):
        candidate = " ".join(words[:count]).rstrip(",.;:–-") + "…"
        if cell_len(candidate) <= width:
            return candidate
    return None


def status_parts(left: str | None, countdown: str | None, next_title: str, width: int) -> list[str]:
    """The parts that fit in ``width`` cells, in priority order; the next item's title is
    shortened at a word boundary, the others are kept whole or dropped."""
    parts: list[str] = []
    used = 0
    for part in (left, countdown):
        if part is None:
            continue
        cost = cell_len(part) + (len(SEPARATOR) if parts else 0)
        if used + cost <= width:
            parts.append(part)
            used += cost
    if next_title:
        room = width - used - (len(SEPARATOR) if parts else 0) - len("Next: ")
        title = shorten_words(next_title, room) if room > 0 else None
        if title is not None:
            parts.append(f"Next: {title}")
    return parts


class ProgressHeader(Horizontal):
    """Course on the left (shortened to fit), then the status line, learner and progress."""

    DEFAULT_CSS = """
    #header-status {
        width: auto;
        padding-left: 2;
        color: $text-muted;
        text-wrap: nowrap;
    }
    """

    learner: reactive[str] = reactive("")
    summary: reactive[str] = reactive("")

    def __init__(
        self,
        course: Course,
        learner: str,
        progress: CourseProgress,
        *,
        countdown: str | None = None,
        next_title: str = "",
    ) -> None:
        super().__init__(id="progress-header")
        self.course = course
        self.countdown = countdown
        self.next_title = one_line(next_title)
        self.set_reactive(ProgressHeader.learner, learner)
        self.set_reactive(ProgressHeader.summary, progress_text(progress))
        self._widest_summary = widest_progress_text(progress)
        self._left = left_text(progress.overall)
        self._min_width = 0
        self._status_width = -1

    def on_mount(self) -> None:
        self._apply_right()

    def compose(self) -> ComposeResult:
        title = Text()
        if self.course.code:
            title.append(self.course.code, style="bold")
            title.append(" · ")
        title.append(self.course.title or "Untitled course")
        yield Static(title, id="header-course", markup=False)
        yield Static("", id="header-status", markup=False)
        yield Static(self._right(), id="header-progress", markup=False)

    def _right(self, summary: str | None = None) -> Text:
        text = Text()
        text.append(self.learner, style="bold")
        text.append("  ")
        text.append(self.summary if summary is None else summary)
        return text

    def set_progress(self, progress: CourseProgress, next_title: str = "") -> None:
        self._widest_summary = widest_progress_text(progress)
        self._left = left_text(progress.overall)
        self.next_title = one_line(next_title)
        self.summary = progress_text(progress)
        if self.is_mounted:  # the summary may be the same while what is next changed
            self._apply_status()

    def _refresh_right(self) -> None:
        if self.is_mounted:
            self._apply_right()

    def _apply_right(self) -> None:
        right = self.query_one("#header-progress", Static)
        # As wide as it can ever get for this learner and these totals (CSS right-aligns the
        # text): a toggle that adds a digit neither shifts the header nor makes the whole
        # screen be laid out again in the middle of a key press.
        widest = self._right(self._widest_summary).cell_len
        if widest != self._min_width:
            self._min_width = widest
            right.styles.min_width = widest + right.styles.padding.left
        right.update(self._right(), layout=False)
        self._apply_status()

    def _apply_status(self) -> None:
        status = self.query_one("#header-status", Static)
        width = self.content_region.width or self.app.size.width - 2
        room = width - self._min_width - 2 - TITLE_ROOM - status.styles.padding.left
        parts = status_parts(self._left, self.countdown, self.next_title, room)
        text = SEPARATOR.join(parts)
        # Laid out again only when its width changes: a tick mostly changes digits.
        width = cell_len(text)
        resize = width != self._status_width or status.display != bool(text)
        self._status_width = width
        status.display = bool(text)
        status.update(text, layout=resize)

    def on_resize(self, event: events.Resize) -> None:
        self._refresh_right()

    def watch_learner(self) -> None:
        self._refresh_right()

    def watch_summary(self) -> None:
        self._refresh_right()
