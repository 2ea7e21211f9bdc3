"""The top line: course title and code, the learner, and overall pre-reading progress."""

from __future__ import annotations

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
    """ "Pre-reading 35/551 min · 6%": minutes done of all resources and pre-reading."""
    return f"Pre-reading {overall.minutes_done}/{overall.minutes_total} min · {overall.percent}%"


class ProgressHeader(Horizontal):
    """Course on the left (shortened to fit), learner and progress on the right."""

    learner: reactive[str] = reactive("")
    summary: reactive[str] = reactive("")

    def __init__(self, course: Course, learner: str, overall: ModuleProgress) -> None:
        super().__init__(id="progress-header")
        self.course = course
        self.set_reactive(ProgressHeader.learner, learner)
        self.set_reactive(ProgressHeader.summary, progress_text(overall))

    def compose(self) -> ComposeResult:
        title = Text()
        if self.course.code:
            title.append(self.course.code, style="bold")
            title.append(" · ")
        title.append(self.course.title or "Untitled course")
        yield Static(title, id="header-course", markup=False)
        yield Static(self._right(), id="header-progress", markup=False)

    def _right(self) -> Text:
        text = Text()
        text.append(self.learner, style="bold")
        text.append("  ")
        text.append(self.summary)
        return text

    def set_progress(self, overall: ModuleProgress) -> None:
        self.summary = progress_text(overall)

    def _refresh_right(self) -> None:
        if self.is_mounted:
            right = self.query_one("#header-progress", Static)
            text = self._right()
            # Its width is "auto": only a change of length needs the screen laid out again,
            # and a toggle usually changes digits, not how many.
            resized = text.cell_len != right.content_size.width
            right.update(text, layout=resized)

    def watch_learner(self) -> None:
        self._refresh_right()

    def watch_summary(self) -> None:
        self._refresh_right()
