"""The note editor: a modal text area for a plain note on any item; returns the text or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

from coursemate.course.text import clean, one_line


class NoteScreen(ModalScreen[str | None]):
    """Edit the learner's note on one item. ``ctrl+s`` saves, ``escape`` cancels (asking
    first when the text was changed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str, keep: Callable[[str], object] | None = None) -> None:
        super().__init__()
        self.item_title = one_line(title)
        # A stored note may hold anything (a hand-edited store, an older version, an import):
        # the editor shows it cleaned, and saving writes what it shows.
        self.initial = clean(text)
        self._keep = keep  # stores the typed text if the app ends with the editor open
        self._draft: str | None = None  # the typed text, once it differs from the note

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        self._draft = text if text != self.initial else None

    def keep_draft(self) -> None:
        draft = self._draft  # one reference read: safe from the shutdown thread
        if self._keep is not None and draft is not None:
            self._keep(draft)

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            heading = Text("Note on ", style="bold")
            heading.append(self.item_title or "this item", style="")
            yield Label(heading, id="note-title", markup=False)
            yield TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="dialog-buttons"):
                yield Label("ctrl+s saves · escape cancels", classes="dialog-hint")
                yield Button("Cancel", id="note-cancel")
                yield Button("Save", id="note-save", variant="primary")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self._draft = None
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        """Close; with unsaved text, ask first whether to save it, drop it, or keep editing."""
        if self._draft is None:
            self.dismiss(None)
            return
        from coursemate.ui.screens.choice import Answer, ChoiceScreen

        question = ChoiceScreen(
            "Unsaved note",
            "This note has changes that are not saved.",
            [
                Answer("save", "Save", "s", "primary"),
                Answer("discard", "Discard", "d", "error"),
                Answer("cancel", "Keep editing", "k"),
            ],
        )
        self.app.push_screen(question, self._close_answered)

    def _close_answered(self, answer: str | None) -> None:
        if answer == "save":
            self.action_save()
        elif answer == "discard":
            self._draft = None
            self.dismiss(None)
        else:
            self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "note-save":
            self.action_save()
        else:
            self.action_cancel()
