"""Help: every key, grouped by where it works."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Study screen",
        (
            ("↑ ↓ ← →", "move in the tree; → expands, ← collapses or goes to the parent"),
            ("space / enter", "mark the resource done (again: not done), or choose the experiment"),
            ("n / N", "next / previous to do: unread, then chosen experiments, reflections"),
            ("o", "open the link in your browser (http/https only)"),
            ("c", "copy the link"),
            ("e", "write a note; on a chosen experiment, its reflection"),
            ("a", "add your own experiment to the assignment"),
            ("s", "experiment status: planned → running → done → dropped"),
            ("/", "filter by titles, content and notes"),
            ("escape", "clear the filter"),
            ("r", "reading list"),
            ("P", "reading plan: what to read each day until the class"),
            ("C", "catch-up checklist"),
            ("g", "agenda of the course's sessions"),
            ("p", "presenter view"),
            ("w", "the course file's warnings"),
            ("l", "switch or create learner"),
            ("tab", "move between the tree and the reading pane"),
        ),
    ),
    (
        "Reading list",
        (
            ("space / enter", "mark the row's item done or not done"),
            ("u", "show only unfinished items, or everything"),
            ("s", "sort by the next column (click a header to sort by it)"),
            ("o / c", "open / copy the row's link"),
            ("escape / r", "back to the study screen"),
        ),
    ),
    (
        "Reading plan",
        (
            ("space", "mark the item done; the plan is worked out again"),
            ("enter", "show the item in the tree"),
            ("m", "how many minutes you have: marks what fits"),
            ("escape / P", "back to the study screen"),
        ),
    ),
    (
        "Everywhere",
        (
            ("? / f1", "this help"),
            ("ctrl+p", "command palette: go to module, reading list, learner, export, theme"),
            ("q", "quit (progress is saved)"),
            ("ctrl+q", "quit from anywhere, even while typing"),
        ),
    ),
)


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for section, rows in KEYS:
        table.add_row(Text(section, style="bold underline"), "")
        for key, what in rows:
            table.add_row(Text(key, style="bold"), Text(what))
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog") as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "escape closes"
            yield Static(keys_table(), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
