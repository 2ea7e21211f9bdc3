"""The top line: course title and code, the learner, and overall pre-reading progress."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.maths import ModuleProgress


def progress_text(overall: ModuleProgress) -> str:
    """ "Pre-reading 35/551 min · 6%": minutes done of all resources and pre-reading.

    Items are counted instead when no resource says how long it takes.
    """
    if overall.items_total == 0:
        return "Nothing to read"
    if overall.minutes_total == 0:
        done, total, unit = overall.items_done, overall.items_total, "items"
    else:
        done, total, unit = overall.minutes_done, overall.minutes_total, "min"
    return f"Pre-reading {done}/{total} {unit} · {overall.percent}%"


def widest_progress_text(overall: ModuleProgress) -> str:
    """The longest ``progress_text`` these totals can give: everything done."""
    return progress_text(
        replace(overall, minutes_done=overall.minutes_total, items_done=overall.items_total)
    )


class ProgressHeader(Horizontal):
    """Course on the left (shortened to fit), learner and progress on the right."""

    learner: reactive[str] = reactive("")
    summary: reactive[str] = reactive("")

    def __init__(self, course: Course, learner: str, overall: ModuleProgress) -> None:
        super().__init__(id="progress-header")
        self.course = course
        self.set_reactive(ProgressHeader.learner, learner)
        self.set_reactive(ProgressHeader.summary, progress_text(overall))
        self._widest_summary = widest_progress_text(overall)
        self._min_width = 0

    def on_mount(self) -> None:
        self._apply_right()

    def compose(self) -> ComposeResult:
        title = Text()
        if self.course.code:
            title.append(self.course.code, style="bold")
            title.append(" · ")
        title.append(self.course.title or "Untitled course")
        yield Static(title, id="header-course", markup=False)
        yield Static(self._right(), id="header-progress", markup=False)

    def _right(self, summary: str | None = None) -> Text:
        text = Text()
        text.append(self.learner, style="bold")
        text.append("  ")
        text.append(self.summary if summary is None else summary)
        return text

    def set_progress(self, overall: ModuleProgress) -> None:
        self._widest_summary = widest_progress_text(overall)
        self.summary = progress_text(overall)

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

    def watch_learner(self) -> None:
        self._refresh_right()

    def watch_summary(self) -> None:
        self._refresh_right()
