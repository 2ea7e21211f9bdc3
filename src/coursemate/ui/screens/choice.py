"""A question with a few answers as buttons (save / discard / cancel, and the like).

Keyboard first: the first answer has the focus, ``tab`` / arrow keys move between answers,
``enter`` picks the focused one, each answer's underlined letter picks it at once, and
``escape`` gives None (the same as a "cancel" answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label
from textual.widgets.button import ButtonVariant

from coursemate.course.text import one_line


@dataclass(frozen=True)
class Answer:
    """One button: what ``ChoiceScreen`` returns, its label, and the key that picks it (a
    letter of the label)."""

    value: str
    label: str
    key: str
    variant: ButtonVariant = "default"


class ChoiceScreen(ModalScreen[str | None]):
    """Asks ``question``; returns the picked answer's value, or None on escape."""

    DEFAULT_CSS = """
    ChoiceScreen #choice-dialog {
        width: 64;
        max-width: 95%;
    }
    ChoiceScreen #choice-question {
        width: 100%;
        padding: 1 0 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left,up", "app.focus_previous", "Previous", show=False),
        Binding("right,down", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, title: str, question: str, answers: list[Answer]) -> None:
        super().__init__()
        self.title_text = one_line(title)
        # The question may quote course or learner text: shown as plain text, never markup.
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-dialog", classes="dialog") as box:
            box.border_title = self.title_text
            box.border_subtitle = "letter or enter picks · escape cancels"
            yield Label(Text(self.question), id="choice-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                for answer in self.answers:
                    yield Button(
                        self._button_label(answer),
                        id=f"choice-{answer.value}",
                        variant=answer.variant,
                    )

    @staticmethod
    def _button_label(answer: Answer) -> Text:
        label = Text(answer.label)
        at = answer.label.casefold().find(answer.key.casefold())
        if at >= 0:
            label.stylize("underline", at, at + len(answer.key))
        return label

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_key(self, event: events.Key) -> None:
        for answer in self.answers:
            if event.character is not None and event.character.casefold() == answer.key:
                event.stop()
                self.dismiss(answer.value)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        self.dismiss(button_id.removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)
