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
    """Returns the chosen or new learner name, or None when cancelled.

    The name box has the focus, so typing a name works at once; ``up`` / ``down`` move through
    the list and ``enter`` on an empty box picks the highlighted learner. A new name that
    differs from a learner's only by case ("Alice" for "alice") asks which one is meant.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("down", "move(1)", "Next", show=False),
    ]

    def __init__(self, learners: Sequence[LearnerSummary], current: str) -> None:
        super().__init__()
        self.learners = list(learners)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="learner-dialog", classes="dialog") as box:
            box.border_title = "Switch learner"
            box.border_subtitle = "type a new name · ↑↓ enter picks · escape cancels"
            yield Input(placeholder="New learner name, then enter", id="learner-new")
            if self.learners:
                yield OptionList(
                    *(Option(learner_prompt(s, self.current), id=s.name) for s in self.learners),
                    id="learner-list",
                )
            else:
                yield Label("No learners yet.")

    def on_mount(self) -> None:
        if self.learners:
            options = self.query_one(OptionList)
            names = [s.name for s in self.learners]
            options.highlighted = names.index(self.current) if self.current in names else 0
        self.query_one(Input).focus()

    def action_move(self, step: int) -> None:
        if not self.learners:
            return
        options = self.query_one(OptionList)
        if step < 0:
            options.action_cursor_up()
        else:
            options.action_cursor_down()

    @on(OptionList.OptionSelected, "#learner-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#learner-new")
    def _typed(self, event: Input.Submitted) -> None:
        name = one_line(event.value)[:MAX_NAME]
        if not name:
            picked = self.query_one(OptionList).highlighted_option if self.learners else None
            if picked is not None:
                self.dismiss(picked.id)
                return
            self.notify("Type a name for the new learner.", severity="warning")
            return
        names = [s.name for s in self.learners]
        alike = [n for n in names if n.casefold() == name.casefold()]
        if name in names or not alike:
            self.dismiss(name)
            return
        self._ask_which(name, alike[0])

    def _ask_which(self, name: str, existing: str) -> None:
        from coursemate.ui.screens.choice import Answer, ChoiceScreen

        shown, other = one_line(name), one_line(existing)
        question = ChoiceScreen(
            "Learner exists",
            f"A learner named {other!r} exists. Names that differ only by case are "
            f"separate learners: creating {shown!r} starts an empty profile.",
            [
                Answer("existing", f"Use {other}", "u", "primary"),
                Answer("new", f"Create {shown}", "c"),
                Answer("back", "Back", "b"),
            ],
        )

        def answered(answer: str | None) -> None:
            if answer == "existing":
                self.dismiss(existing)
            elif answer == "new":
                self.dismiss(name)
            else:
                self.query_one(Input).focus()

        self.app.push_screen(question, answered)

    def action_cancel(self) -> None:
        self.dismiss(None)
