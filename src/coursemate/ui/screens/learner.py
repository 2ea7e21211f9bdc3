"""Switch learner: pick a profile from the data dir, or type a new name to create one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from coursemate.course.text import one_line

if TYPE_CHECKING:
    from coursemate.progress.learners import LearnerSummary

MAX_NAME = 80


def learner_prompt(summary: LearnerSummary, current: str) -> Text:
    # The name as its store file says: written by hand or by an older version, it can hold
    # anything.
    text = Text(one_line(summary.name), style="bold" if summary.name == current else "")
    if summary.name == current:
        text.append("  (current)", style="dim")
    if summary.last_activity is not None:
        text.append(f"  last active {summary.last_activity:%Y-%m-%d %H:%M}", style="dim")
    return text


class LearnerScreen(ModalScreen[str | None]):
    """Returns the chosen or new learner name, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, learners: Sequence[LearnerSummary], current: str) -> None:
        super().__init__()
        self.learners = list(learners)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="learner-dialog", classes="dialog") as box:
            box.border_title = "Switch learner"
            box.border_subtitle = "enter picks · escape cancels"
            if self.learners:
                yield OptionList(
                    *(Option(learner_prompt(s, self.current), id=s.name) for s in self.learners),
                    id="learner-list",
                )
            else:
                yield Label("No learners yet.")
            yield Input(placeholder="New learner name, then enter", id="learner-new")

    def on_mount(self) -> None:
        if self.learners:
            options = self.query_one(OptionList)
            names = [s.name for s in self.learners]
            options.highlighted = names.index(self.current) if self.current in names else 0
            options.focus()
        else:
            self.query_one(Input).focus()

    @on(OptionList.OptionSelected, "#learner-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#learner-new")
    def _typed(self, event: Input.Submitted) -> None:
        name = one_line(event.value)[:MAX_NAME]
        if not name:
            self.notify("Type a name for the new learner.", severity="warning")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
