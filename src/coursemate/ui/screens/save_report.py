"""The dialog ``x`` opens on the catch-up screen: where to save the report.

It proposes a file in the current directory named from the course code, the learner and the
date; enter writes there (atomically) and closes with the path, so the screen can say where
it went. A path that cannot be written keeps the dialog open with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from coursemate.course.text import one_line

HINT = "enter saves · escape cancels"


class SaveReportScreen(ModalScreen[Path | None]):
    """Ask for a file name; ``write`` does the writing and raises ``OSError`` when it cannot."""

    CSS_PATH = "experiments.tcss"
    AUTO_FOCUS = "#save-path"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: Path, write: Callable[[Path], Path]) -> None:
        super().__init__()
        self.default = default
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog") as dialog:
            dialog.border_title = "Save the catch-up report"
            yield Static("Save as (a file name, or a path):", id="save-label")
            yield Input(str(self.default), id="save-path")
            yield Static(HINT, id="save-message")

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        message = self.query_one("#save-message", Static)
        value = event.value.strip()
        if not value:
            message.update(Text("Type a file name to save the report to."))
            message.add_class("-error")
            return
        try:
            written = self.write(Path(value))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            message.update(Text(f"Cannot write {one_line(value)}: {one_line(reason)}"))
            message.add_class("-error")
            return
        self.dismiss(written)

    def action_cancel(self) -> None:
        self.dismiss(None)
