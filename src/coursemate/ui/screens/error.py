"""What went wrong with a course file: the error that stopped it, or the warnings it has."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from coursemate.course.model import Problem
from coursemate.course.text import clean, one_line
from coursemate.plural import counted
from coursemate.ui.widgets.keys_footer import KeysFooter

CONTEXT_LINES = 2


def source_excerpt(problem: Problem) -> Text | None:
    """The lines around the problem, numbered, with a caret under the column."""
    if problem.file is None or problem.line is None or not problem.file.is_file():
        return None
    try:
        with problem.file.open(encoding="utf-8", errors="replace") as handle:
            lines = handle.read(2_000_000).splitlines()
    except OSError:
        return None
    index = problem.line - 1
    if not 0 <= index < len(lines):
        return None
    first, last = max(0, index - CONTEXT_LINES), min(len(lines), index + CONTEXT_LINES + 1)
    width = len(str(last))
    text = Text()
    for n in range(first, last):
        line = clean(lines[n]).expandtabs(4)[:200]
        style = "bold" if n == index else "dim"
        text.append(f"{n + 1:>{width}} │ ", style="dim")
        text.append(line + "\n", style=style)
        if n == index:
            caret = " " * (width + 3 + max((problem.column or 1) - 1, 0)) + "^"
            text.append(caret + "\n", style="bold red")
    return text


def problem_table(problem: Problem) -> Table:
    # The path is the file's own name and the message can quote it or the store: cleaned.
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("File", Text(one_line(str(problem.file)) if problem.file else "(unknown)"))
    if problem.line is not None:
        table.add_row("Line", Text(f"{problem.line}:{problem.column or 1}"))
    if problem.field:
        table.add_row("Field", Text(one_line(problem.field)))
    table.add_row("Problem", Text(clean(problem.message)))
    return table


class ErrorScreen(Screen[None]):
    """Shown instead of the study screen when a course cannot be loaded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.quit", "Quit"),
    ]

    def __init__(self, problem: Problem) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box") as box:
            box.border_title = "This course could not be opened"
            yield Static(problem_table(self.problem), id="error-details")
            excerpt = source_excerpt(self.problem)
            if excerpt is not None:
                yield Static(excerpt, id="error-excerpt")
            yield Static(
                Text(
                    "Fix the file and open it again; `coursemate check FILE` lists every "
                    "problem. Nothing was changed.",
                    style="italic",
                ),
                id="error-hint",
            )
        yield KeysFooter()


def problems_table(problems: Sequence[Problem], source: Path | None) -> Table:
    table = Table(expand=True, show_edge=False, header_style="bold")
    table.add_column("Where", no_wrap=False, ratio=2)
    table.add_column("Field", ratio=2)
    table.add_column("Warning", ratio=4)
    for p in problems:
        file = "" if p.file is None or p.file == source else f"{one_line(p.file.name)} "
        where = file + (f"{p.line}:{p.column or 1}" if p.line is not None else "")
        field = one_line(p.field or "") or "—"
        table.add_row(Text(where or "—"), Text(field), Text(clean(p.message)))
    return table


class ProblemsScreen(ModalScreen[None]):
    """The course file's warnings (things that loaded, but not as the author meant)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,w", "close", "Close")]

    def __init__(self, problems: Sequence[Problem], source: Path | None) -> None:
        super().__init__()
        self.problems = tuple(problems)
        self.source = source

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="problems-dialog", classes="dialog") as scroll:
            scroll.border_title = Text(
                f"{counted(len(self.problems), 'warning')} in {self._source_name()}"
            )
            scroll.border_subtitle = "escape closes"
            if self.problems:
                yield Static(problems_table(self.problems, self.source))
            else:
                yield Static("No warnings: the course file is clean.")

    def _source_name(self) -> str:
        return one_line(self.source.name) if self.source else "the course"

    def action_close(self) -> None:
        self.dismiss(None)
