"""The status picker: ``s`` on a chosen experiment opens it on the study and catch-up screens.

A cycle (planned → running → done → dropped → planned) let one stray press turn "done" into
"planned" without a word; here every status is named, the current one highlighted, and
nothing changes until one is picked with enter (escape changes nothing).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coursemate.course.text import one_line
from coursemate.progress.document import STATUSES, Status

# What each status means, beside its name in the list.
STATUS_HINTS: dict[str, str] = {
    "planned": "chosen, not started",
    "running": "trying it now",
    "done": "tried it",
    "dropped": "decided not to",
}


class StatusPicker(ModalScreen[Status | None]):
    """Pick one of the four statuses; dismissed with it, or None when cancelled."""

    CSS_PATH = "experiments.tcss"
    AUTO_FOCUS = "#status-options"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, current: str) -> None:
        super().__init__()
        self.item_title = one_line(title)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="status-dialog") as dialog:
            dialog.border_title = "Status"
            yield Static(Text(self.item_title), id="status-for")  # learner text: literal
            options = []
            for status in STATUSES:
                label = Text(f"{status:<8}", style="bold")
                label.append(f" {STATUS_HINTS[status]}", style="dim")
                if status == self.current:
                    label.append("  (now)", style="italic")
                options.append(Option(label, id=status))
            yield OptionList(*options, id="status-options")
            yield Static("enter sets it · escape keeps it as it is", id="status-hint")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.current in STATUSES:
            picker.highlighted = STATUSES.index(self.current)

    @on(OptionList.OptionSelected, "#status-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        self.dismiss(next((s for s in STATUSES if s == chosen), None))

    def action_cancel(self) -> None:
        self.dismiss(None)
