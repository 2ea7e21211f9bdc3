"""The catch-up screen: the checklist of chosen experiments by module, their reflections, the
learner's prompts and catch-up date.

The checklist itself is built in ``coursemate.progress.checklist`` (no Textual), which the
catch-up report renders too; the start-up reminder lives in ``coursemate.progress.catchup``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

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
from coursemate.progress.catchup import catchup
from coursemate.progress.checklist import (
    GONE,
    ORPHANED,
    PROMPT_LABELS,
    PROMPTS,
    Checklist,
    ChecklistEntry,
    ChecklistGroup,
    build_checklist,
)
from coursemate.progress.document import STATUSES, next_status
from coursemate.ui.host import coursemate_app
from coursemate.ui.screens.reflection import ReflectionScreen
from coursemate.ui.store_edits import apply_change, request_save
from coursemate.ui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.catchup import Catchup
    from coursemate.progress.store import Store

DATE_HINT = "enter sets it · empty: the course's date"


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
        | {"checklist--gone"}
    )

    def row(self, entry: ChecklistEntry) -> Table:
        # A grid so long experiment texts wrap under themselves, not under the badges.
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1)
        grid.add_column(width=7)
        grid.add_column(width=12)
        grid.add_column(ratio=1)
        status_style = self.get_component_rich_style(f"checklist--{entry.status}", partial=True)
        if entry.reflected:
            mark = Text(
                "✓ reflected",
                style=self.get_component_rich_style("checklist--reflected", partial=True),
            )
        else:
            mark = Text(
                "· to reflect",
                style=self.get_component_rich_style("checklist--missing", partial=True),
            )
        text = Text()
        if entry.own:
            text.append(
                "own: ", style=self.get_component_rich_style("checklist--own", partial=True)
            )
        text.append(entry.text)  # course or learner text: literal, never markup
        if entry.gone:
            text.append(
                f" ({GONE})", style=self.get_component_rich_style("checklist--gone", partial=True)
            )
        grid.add_row("", Text(entry.status, style=status_style), mark, text)
        return grid

    def heading(self, group: ChecklistGroup) -> Text:
        module = group.module
        title = f"Module {module.number} · {one_line(module.title)}" if module else ORPHANED
        return Text(title, style=self.get_component_rich_style("checklist--heading", partial=True))

    def show(self, checklist: Checklist) -> None:
        """Replace the options, keeping the highlight on the same experiment."""
        previous = self.highlighted_option.id if self.highlighted_option is not None else None
        options: list[Option] = []
        for group in checklist.groups:
            options.append(Option(self.heading(group), disabled=True))
            options += [Option(self.row(e), id=e.key) for e in group.entries]
        self.set_options(options)
        target = (
            previous if previous is not None else next((e.key for e in checklist.entries), None)
        )
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
        Binding("s", "cycle_status", "Status"),
        Binding("d", "edit_date", "Set date"),
        Binding("x", "export", "Export report"),
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
        if self.checklist.total:
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
        if action in ("reflect", "cycle_status"):
            return self.highlighted_key() is not None
        if action == "export":
            return coursemate_app(self) is not None
        return True

    def highlighted_key(self) -> str | None:
        option = self.query_one(ChecklistView).highlighted_option
        return option.id if option is not None and not option.disabled else None

    @on(OptionList.OptionHighlighted, "#catchup-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#catchup-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_reflect()

    def action_reflect(self) -> None:
        key = self.highlighted_key()
        entry = next((e for e in self.checklist.entries if e.key == key), None)
        if entry is None:
            return
        screen = ReflectionScreen(self.store, self.course_id, entry.key, entry.text)
        self.app.push_screen(screen, lambda _result: self.refresh_checklist())

    def action_cycle_status(self) -> None:
        key = self.highlighted_key()
        entry = next((e for e in self.checklist.entries if e.key == key), None)
        if entry is None:
            return
        # From the store, not the list: another process's changes may have been merged since.
        state = self.store.experiment(self.course_id, entry.key)
        status = next_status(state.status if state is not None else entry.status)
        if self._apply(lambda: self.store.set_status(self.course_id, entry.key, status)):
            self.refresh_checklist()

    def action_edit_date(self) -> None:
        self.query_one("#catchup-date-input", Input).focus()

    def action_export(self) -> None:
        if (app := coursemate_app(self)) is not None:
            app.export("catchup")

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
