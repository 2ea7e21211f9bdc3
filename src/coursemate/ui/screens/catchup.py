"""The catch-up screen: the checklist of chosen experiments by module with the first lines of
their reflections (enter reads all), the learner's notes, prompts and catch-up date.

The checklist itself is built in ``coursemate.progress.checklist`` (no Textual), which the
catch-up report renders too; the start-up reminder lives in ``coursemate.progress.catchup``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from coursemate.course.text import clean, one_line
from coursemate.plural import counted
from coursemate.progress.catchup import catchup
from coursemate.progress.checklist import (
    GONE,
    NOTES,
    ORPHANED,
    PROMPT_LABELS,
    PROMPTS,
    Checklist,
    ChecklistEntry,
    ChecklistGroup,
    ChecklistNote,
    build_checklist,
)
from coursemate.progress.document import STATUSES
from coursemate.ui.screens.reflection import ReflectionScreen
from coursemate.ui.store_edits import apply_change, request_save
from coursemate.ui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from pathlib import Path

    from coursemate.course.model import Course
    from coursemate.progress.catchup import Catchup
    from coursemate.progress.document import Status
    from coursemate.progress.store import Store

DATE_HINT = "enter sets it · empty: the course's date"
NOTE_PREFIX = "note:"  # option ids of notes, so they never pass for an experiment's key
PREVIEW_LINES = 2  # lines of a reflection or note shown before enter unfolds it


def text_lines(parts: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(label, line) pairs: each part's first line under its label, its further lines with
    an empty label; the learner's text is already free of escapes (see checklist.py)."""
    lines: list[tuple[str, str]] = []
    for label, text in parts:
        for number, line in enumerate(text.splitlines()):
            lines.append((label if number == 0 else "", line))
    return lines


def when(day: date, today: date) -> str:
    """'today', 'tomorrow', 'in 5 days', 'yesterday', '3 days ago'."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def parse_day(value: str) -> date | None:
    """A YYYY-MM-DD date, or None for an empty value; ValueError says what is wrong."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2025-11-22") from None


# --- the screen ----------------------------------------------------------------------------


class ChecklistView(OptionList):
    """The chosen experiments; module headings are disabled options between them."""

    # Styled in experiments.tcss; read back as Rich styles for the table rows.
    COMPONENT_CLASSES: ClassVar[set[str]] = (
        OptionList.COMPONENT_CLASSES
        | {f"checklist--{status}" for status in STATUSES}
        | {"checklist--reflected", "checklist--missing", "checklist--own", "checklist--heading"}
        | {"checklist--gone", "checklist--reflection", "checklist--label", "checklist--more"}
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        # OptionList's own enter, named: on an experiment or a note it unfolds the whole text.
        Binding("enter", "select", "Read all"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.expanded: set[str] = set()  # option ids shown whole

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"checklist--{name}", partial=True)

    def _grid(self) -> Table:
        # A grid so long texts wrap under themselves, not under the badges.
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1)
        grid.add_column(width=7)
        grid.add_column(width=12)
        grid.add_column(ratio=1)
        return grid

    def row(self, entry: ChecklistEntry) -> Table:
        grid = self._grid()
        if entry.reflected:
            mark = Text("✓ reflected", style=self._style("reflected"))
        else:
            mark = Text("· to reflect", style=self._style("missing"))
        text = Text()
        if entry.own:
            text.append("own: ", style=self._style("own"))
        text.append(entry.text)  # course or learner text: literal, never markup
        if entry.gone:
            text.append(f" ({GONE})", style=self._style("gone"))
        grid.add_row("", Text(entry.status, style=self._style(entry.status)), mark, text)
        whole = entry.key in self.expanded
        body = self.body(text_lines(entry.reflection), whole=whole)
        if whole:
            if entry.history:
                body.append(f"\nStatus: {entry.history}", style=self._style("label"))
            if entry.unwritten:
                still = "Still to write" if entry.reflection else "Not reflected yet"
                body.append(
                    f"\n{still}: {', '.join(entry.unwritten)} · e reflects",
                    style=self._style("more"),
                )
        if body.plain:
            grid.add_row("", "", "", body)
        return grid

    def body(self, lines: list[tuple[str, str]], *, whole: bool) -> Text:
        """The lines under an entry: all of them when ``whole``, else the first few, each cut
        to one line, and how many more there are."""
        shown = lines if whole else lines[:PREVIEW_LINES]
        body = Text(no_wrap=not whole, overflow="fold" if whole else "ellipsis")
        for number, (label, line) in enumerate(shown):
            if number:
                body.append("\n")
            if label:
                body.append(f"{label}: ", style=self._style("label"))
            body.append(line, style=self._style("reflection"))
        hidden = len(lines) - len(shown)
        if hidden > 0:
            body.append(
                f"\n… {counted(hidden, 'more line')} · enter reads all",
                style=self._style("more"),
            )
        return body

    def note_row(self, note: ChecklistNote) -> Table:
        # No status or reflection badges: where the note is, and its text under it.
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1)
        grid.add_column(ratio=1)
        grid.add_row("", Text(note.where, style=self._style("label")))
        lines = [("", line) for line in note.text.splitlines()]
        grid.add_row("", self.body(lines, whole=NOTE_PREFIX + note.key in self.expanded))
        return grid

    def heading(self, group: ChecklistGroup) -> Text:
        module = group.module
        title = f"Module {module.number} · {one_line(module.title)}" if module else ORPHANED
        return Text(title, style=self._style("heading"))

    def show(self, checklist: Checklist) -> None:
        """Replace the options, keeping the highlight on the same experiment or note."""
        previous = self.highlighted_option.id if self.highlighted_option is not None else None
        options: list[Option] = []
        for group in checklist.groups:
            options.append(Option(self.heading(group), disabled=True))
            options += [Option(self.row(e), id=e.key) for e in group.entries]
        if checklist.notes:
            options.append(Option(Text(NOTES, style=self._style("heading")), disabled=True))
            options += [Option(self.note_row(n), id=NOTE_PREFIX + n.key) for n in checklist.notes]
        self.set_options(options)
        first = next((o.id for o in options if not o.disabled), None)
        target = previous if previous is not None else first
        if target is not None:
            try:
                self.highlighted = self.get_option_index(target)
            except LookupError:
                self.highlighted = None


class CatchupScreen(Screen[None]):
    """What the learner brings to the catch-up; every change is saved as it is made."""

    CSS_PATH = "experiments.tcss"
    AUTO_FOCUS = "#catchup-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("e", "reflect", "Reflect"),
        Binding("s", "choose_status", "Status"),
        Binding("d", "edit_date", "Set date"),
        Binding("x", "export", "Save report"),
    ]

    def __init__(self, course: Course, store: Store, *, today: date | None = None) -> None:
        super().__init__()
        self.course = course
        self.store = store
        self.course_id = course.identity
        self.today = today  # fixed in tests and snapshots; None means the real today
        self.checklist = build_checklist(course, store)
        self._told_read_only = False

    # --- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = Text("Catch-up · ", style="bold")
        title.append(one_line(self.course.title))
        yield Static(title, id="catchup-heading")
        with Horizontal(id="catchup-top"):
            with Vertical(id="catchup-summary"):
                yield Static(id="catchup-date")
                yield Static(id="catchup-progress")
            with Vertical(id="catchup-date-box"):
                learner_day = self.store.catchup_date(self.course_id)
                with Horizontal(id="catchup-date-row"):
                    yield Label("Your date", id="catchup-date-label")
                    yield Input(
                        learner_day.isoformat() if learner_day else "",
                        placeholder="YYYY-MM-DD",
                        id="catchup-date-input",
                        max_length=10,
                        restrict=r"[0-9-]*",
                        disabled=self.store.read_only,
                    )
                yield Static(DATE_HINT, id="catchup-date-message")
        with Horizontal(id="catchup-body"):
            checklist = ChecklistView(id="catchup-list")
            checklist.border_title = "Chosen experiments"
            yield checklist
            with Vertical(id="catchup-prompts") as prompts:
                prompts.border_title = "Since the course"
                stored = self.store.catchup_prompts(self.course_id)
                for name in PROMPTS:
                    yield Label(PROMPT_LABELS[name], classes="catchup-prompt-label")
                    yield TextArea(
                        clean(stored.get(name, "")),  # stored text may hold anything
                        id=f"catchup-{name}",
                        classes="catchup-prompt",
                        soft_wrap=True,
                        show_line_numbers=False,
                        tab_behavior="focus",
                        read_only=self.store.read_only,
                    )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_checklist()
        for area in self.query(".catchup-prompt").results(TextArea):
            area.move_cursor(area.document.end)

    def refresh_checklist(self) -> None:
        self.checklist = build_checklist(self.course, self.store)
        view = self.query_one(ChecklistView)
        if self.checklist.total or self.checklist.notes:
            view.show(self.checklist)
        else:
            view.set_options(
                [
                    Option(
                        Text(
                            "No experiments chosen yet: choose some in the study screen "
                            "(space on an experiment)."
                        ),
                        disabled=True,
                    )
                ]
            )
        info = catchup(self.course, self.store)
        self.query_one("#catchup-progress", Static).update(info.line)
        self.query_one("#catchup-date", Static).update(self.date_line(info))
        self.refresh_bindings()

    def store_reloaded(self) -> None:
        """Another process wrote the store (see ui/store_watch.py); the prompts and the date
        being typed are left as they are."""
        self.refresh_checklist()

    def date_line(self, info: Catchup) -> Content:
        if info.when is None:
            has_sessions = any(event.sessions for event in self.course.events)
            why = (
                "the schedule gives none (its last session is out of the calendar's range)"
                if has_sessions
                else "the course has no sessions"
            )
            return Content.assemble(("No catch-up date yet", "bold"), f": {why}; set yours →")
        source = "set by you" if info.source == "learner" else "14 days after the last session"
        today = self.today or date.today()
        return Content.assemble(
            ("catch-up on ", "bold"),
            (info.when.isoformat(), "bold $text-accent"),
            f" · {when(info.when, today)} · {source}",
        )

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reflect", "choose_status"):
            return self.highlighted_key() is not None
        return True

    def highlighted_key(self) -> str | None:
        """The highlighted experiment's key; None on a note, a heading or nothing."""
        option = self.query_one(ChecklistView).highlighted_option
        if option is None or option.disabled or option.id is None:
            return None
        return None if option.id.startswith(NOTE_PREFIX) else option.id

    @on(OptionList.OptionHighlighted, "#catchup-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#catchup-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """enter: the whole reflection or note, or back to its first lines."""
        event.stop()
        view = self.query_one(ChecklistView)
        option_id = event.option.id
        if option_id is None:
            return
        view.expanded.symmetric_difference_update({option_id})
        view.show(self.checklist)

    def action_reflect(self) -> None:
        key = self.highlighted_key()
        entry = next((e for e in self.checklist.entries if e.key == key), None)
        if entry is None:
            return
        screen = ReflectionScreen(self.store, self.course_id, entry.key, entry.text)
        self.app.push_screen(screen, lambda _result: self.refresh_checklist())

    def action_choose_status(self) -> None:
        """``s``: the status picker, on the status the store holds now."""
        from coursemate.ui.screens.status_picker import StatusPicker

        key = self.highlighted_key()
        entry = next((e for e in self.checklist.entries if e.key == key), None)
        if entry is None:
            return
        # From the store, not the list: another process's changes may have been merged since.
        state = self.store.experiment(self.course_id, entry.key)
        current = state.status if state is not None else entry.status

        def picked(status: Status | None) -> None:
            if status is None or status == current:
                return
            if self._apply(lambda: self.store.set_status(self.course_id, entry.key, status)):
                self.refresh_checklist()

        self.app.push_screen(StatusPicker(entry.text, current), picked)

    def action_edit_date(self) -> None:
        self.query_one("#catchup-date-input", Input).focus()

    def action_export(self) -> None:
        """``x``: ask where to save the report (a name from the course code, the learner and
        the date, in the current directory), write it there and say where it went."""
        from pathlib import Path

        from coursemate.ui.export_file import report_name, write_to
        from coursemate.ui.screens.save_report import SaveReportScreen

        today = self.today or date.today()
        default = Path.cwd() / report_name(self.course, self.store, today)

        def write(target: Path) -> Path:
            return write_to("catchup", self.course, self.store, target)

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(str(path), title="Catch-up report saved", timeout=8, markup=False)

        self.app.push_screen(SaveReportScreen(default, write), saved)

    def action_back(self) -> None:
        if self.store.dirty and not self.store.read_only:
            request_save(self, self.store)
        self.dismiss(None)

    # --- edits ----------------------------------------------------------------------------

    def _apply(self, change: Callable[[], object]) -> bool:
        """``apply_change``, with a refusal (a read-only store) told once, not on every key."""
        if apply_change(self, self.store, change, quiet=self._told_read_only):
            return True
        self._told_read_only = True
        return False

    @on(Input.Submitted, "#catchup-date-input")
    def _date_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        message = self.query_one("#catchup-date-message", Static)
        try:
            day = parse_day(event.value)
        except ValueError as exc:
            message.update(Text(str(exc)))
            message.add_class("-error")
            return
        if self._apply(lambda: self.store.set_catchup_date(self.course_id, day)):
            message.remove_class("-error")
            message.update(DATE_HINT)
            self.refresh_checklist()
            self.query_one(ChecklistView).focus()

    @on(TextArea.Changed, ".catchup-prompt")
    def _prompt_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        name = (event.text_area.id or "").removeprefix("catchup-")
        if name not in PROMPTS:
            return
        text = clean(event.text_area.text)
        if text == clean(self.store.catchup_prompts(self.course_id).get(name, "")):
            return  # loading the (cleaned) stored text posts Changed too: nothing to write
        self._apply(lambda: self.store.set_catchup_prompt(self.course_id, name, text))
