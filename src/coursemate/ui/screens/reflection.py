"""The reflection form for a chosen experiment, and the dialog that adds the learner's own one.

The form writes each field to the store as the learner types and asks the app for a save at
once (see ui/store_edits.py), so closing the terminal mid-sentence loses nothing: what was
typed is already on disk, or is written on the way out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from coursemate.course.text import clean, one_line
from coursemate.progress.checklist import REFLECTION_FIELDS, REFLECTION_LABELS
from coursemate.ui.store_edits import apply_change, request_save

if TYPE_CHECKING:
    from coursemate.progress.store import ExperimentState, Store

# Theme variables, so the badges follow the learner's theme.
STATUS_STYLES: dict[str, str] = {
    "planned": "$text-primary",
    "running": "$text-warning",
    "done": "$text-success",
    "dropped": "$text-muted italic",
}


def status_content(status: str) -> Content:
    return Content.styled(status, STATUS_STYLES.get(status, ""))


def status_line(state: ExperimentState | None) -> Content:
    """'Status: running since 2025-11-10' (or 'not chosen' when the store has no state)."""
    if state is None:
        return Content.assemble(("Status: ", "bold"), ("not chosen", "italic"))
    since = state.status_dates.get(state.status)
    return Content.assemble(
        ("Status: ", "bold"),
        status_content(state.status),
        f" since {since[:10]}" if since else "",
    )


class ReflectionScreen(ModalScreen[None]):
    """What I did / what happened / what I learned / what I will try next, for one experiment.

    ``escape`` and ``ctrl+s`` close it; there is nothing to confirm because every change is
    already in the store. ``tab`` and ``shift+tab`` move between the fields.
    """

    CSS_PATH = "experiments.tcss"
    AUTO_FOCUS = "#reflection-did"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+s", "close", "Save and close", priority=True),
    ]

    def __init__(self, store: Store, course_id: str, key: str, title: str) -> None:
        super().__init__()
        self.store = store
        self.course_id = course_id
        self.key = key
        self.item_title = one_line(title)
        self._told_read_only = False

    # --- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        state = self.store.experiment(self.course_id, self.key)
        reflection = state.reflection if state is not None else {}
        editable = state is not None and not self.store.read_only
        with Vertical(id="reflection-dialog", classes="dialog") as dialog:
            dialog.border_title = "Reflection"
            yield Static(Text(self.item_title or "(untitled experiment)"), id="reflection-title")
            yield Static(self._summary(state), id="reflection-status")
            with VerticalScroll(id="reflection-fields"):
                for name in REFLECTION_FIELDS:
                    yield Label(REFLECTION_LABELS[name], classes="reflection-label")
                    yield TextArea(
                        clean(reflection.get(name, "")),  # stored text may hold anything
                        id=f"reflection-{name}",
                        classes="reflection-field",
                        soft_wrap=True,
                        show_line_numbers=False,
                        tab_behavior="focus",
                        read_only=not editable,
                    )
            yield Static(self._hint(state), id="reflection-hint")

    def on_mount(self) -> None:
        # Continue writing where the text ends, not before its first word.
        for area in self.query(".reflection-field").results(TextArea):
            area.move_cursor(area.document.end)

    def _summary(self, state: ExperimentState | None) -> Content:
        line = status_line(state)
        if state is None:
            return line
        if state.reflection_complete:
            return Content.assemble(line, "  ·  ", ("reflection complete", "$text-success"))
        answered = sum(1 for f in REFLECTION_FIELDS if state.reflection.get(f, "").strip())
        return Content.assemble(line, f"  ·  {answered} of {len(REFLECTION_FIELDS)} answered")

    def _hint(self, state: ExperimentState | None) -> Text:
        if state is None:
            return Text("Choose this experiment first (space) to reflect on it · escape closes")
        if self.store.read_only:
            return Text("Read-only: this learner's progress cannot be changed · escape closes")
        return Text("Saved as you type · tab next field · escape or ctrl+s closes")

    # --- saving as the learner types ------------------------------------------------------

    @on(TextArea.Changed, ".reflection-field")
    def _field_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        area = event.text_area
        name = (area.id or "").removeprefix("reflection-")
        if name not in REFLECTION_FIELDS:
            return
        state = self.store.experiment(self.course_id, self.key)
        if state is None:
            return
        text = clean(area.text)
        if text == clean(state.reflection.get(name, "")):
            return  # loading the prefilled (cleaned) text also posts Changed: nothing to write
        # A refusal (the store turned read-only) is told once, not on every key typed.
        if not apply_change(
            self,
            self.store,
            lambda: self.store.set_reflection(self.course_id, self.key, name, text),
            quiet=self._told_read_only,
        ):
            self._told_read_only = True
            return
        self.query_one("#reflection-status", Static).update(
            self._summary(self.store.experiment(self.course_id, self.key))
        )

    # --- closing --------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.store.dirty and not self.store.read_only:
            request_save(self, self.store)
        self.dismiss(None)


class AddExperimentScreen(ModalScreen[str | None]):
    """Ask for the learner's own experiment; ``enter`` returns the text, ``escape`` None."""

    CSS_PATH = "experiments.tcss"
    AUTO_FOCUS = "#own-experiment"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, assignment_title: str) -> None:
        super().__init__()
        self.assignment_title = one_line(assignment_title)

    def compose(self) -> ComposeResult:
        with Vertical(id="own-experiment-dialog", classes="dialog") as dialog:
            dialog.border_title = "Your own experiment"
            heading = Text("For ", style="bold")
            heading.append(self.assignment_title or "this assignment")
            yield Static(heading, id="own-experiment-for")
            yield Input(
                placeholder="Something you will try at work…",
                id="own-experiment",
                max_length=500,
            )
            yield Static(Text("enter adds it · escape cancels"), id="own-experiment-hint")

    @on(Input.Submitted, "#own-experiment")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = one_line(event.value)
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
