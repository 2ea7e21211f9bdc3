"""The reading plan: what is left, the deadline, and what to read each day (``P``).

The same ``Plan`` as ``coursemate plan``. Ticking an item (space) marks it done and the plan is
worked out again at once; enter opens the item in the study screen's tree; ``m`` asks how many
minutes the learner has and marks what fits.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import CellDoesNotExist

from coursemate.course.text import one_line
from coursemate.progress.plan import (
    Plan,
    all_done_line,
    build_plan,
    day_label,
    deadline_line,
    fits_text,
)
from coursemate.ui.store_edits import apply_change
from coursemate.ui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.store import Store

COLUMNS = (("day", "Day"), ("minutes", "Min"), ("title", "To read"))
DAY_WIDTH, MINUTES_WIDTH = 20, 5
FITS = "▸"  # marks what fits in the minutes the learner has


class PlanTable(DataTable[Text]):
    """The schedule; enter opens the item (clicks only move the cursor)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open_item", "Open", show=False),
    ]


class PlanScreen(Screen[str | None]):
    """Dismissed with the key of the item to open in the tree, or None."""

    CSS_PATH = "plan.tcss"
    AUTO_FOCUS = "#plan-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark_done", "Done"),
        Binding("enter", "open_item", "Open"),
        Binding("m", "ask_minutes", "Minutes"),
        Binding("escape,P", "close", "Back"),
    ]

    def __init__(self, course: Course, store: Store, today: date) -> None:
        super().__init__()
        self.course = course
        self.store = store
        self.today = today
        self.budget: int | None = None
        self.plan = self._build()

    def _build(self) -> Plan:
        done = self.store.done_keys(self.course.identity)
        return build_plan(self.course, done, self.today, budget=self.budget)

    def compose(self) -> ComposeResult:
        title = Text("Reading plan · ", style="bold")
        title.append(one_line(self.course.title) or one_line(self.course.identity))
        yield Static(title, id="plan-title", markup=False)
        yield Static("", id="plan-summary", markup=False)
        yield Input(placeholder="Minutes you have now (enter; escape cancels)", id="plan-minutes")
        yield PlanTable(id="plan-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    @property
    def table(self) -> PlanTable:
        return self.query_one(PlanTable)

    def on_mount(self) -> None:
        rest = max(self.app.size.width - DAY_WIDTH - MINUTES_WIDTH - 2 * len(COLUMNS) - 2, 20)
        widths = {"day": DAY_WIDTH, "minutes": MINUTES_WIDTH, "title": rest}
        for key, label in COLUMNS:
            self.table.add_column(label, key=key, width=widths[key])
        self.query_one("#plan-minutes", Input).display = False
        self.fill()

    # --- contents -------------------------------------------------------------------------

    def summary(self) -> Text:
        plan = self.plan
        text = Text()
        if not plan.items:
            text.append(all_done_line(plan))
            return text
        text.append(deadline_line(plan).replace("give --by YYYY-MM-DD", "no day-by-day plan"))
        if plan.budget is not None:
            text.append(f"\n{FITS} fits in {fits_text(plan)}", style="bold")
        return text

    def rows(self) -> list[tuple[str, Text, Text, Text]]:
        """(key, day, minutes, title) per row: the schedule, else everything left."""
        plan = self.plan
        fits = {item.key for item in plan.fits}
        out: list[tuple[str, Text, Text, Text]] = []
        if plan.days:
            groups = [
                (f"{day_label(day.day, plan.today)} · {day.minutes} min", day.items)
                for day in plan.days
            ]
        else:
            groups = [("Left", plan.items)]
        for label, items in groups:
            for i, item in enumerate(items):
                mark = f"{FITS} " if item.key in fits else "  "
                out.append(
                    (
                        item.key,
                        Text(label if i == 0 else "", style="bold", no_wrap=True),
                        Text(str(item.minutes), justify="right"),
                        Text(mark + one_line(item.title), overflow="ellipsis", no_wrap=True),
                    )
                )
        return out

    def fill(self) -> None:
        """The plan again from the store, the cursor kept on its row or the next one."""
        table = self.table
        current = self.cursor_key()
        before = [str(key.value) for key in table.rows]
        self.plan = self._build()
        self.query_one("#plan-summary", Static).update(self.summary())
        table.clear()
        for key, *cells in self.rows():
            table.add_row(*cells, key=key)
        if current is not None and current not in table.rows and current in before:
            later = before[before.index(current) + 1 :]
            current = next((k for k in later if k in table.rows), None)
        if current is not None and current in table.rows:
            table.move_cursor(row=table.get_row_index(current))
        self.refresh_bindings()

    def store_reloaded(self) -> None:
        """Another process wrote the store (see ui/store_watch.py)."""
        self.fill()

    def cursor_key(self) -> str | None:
        # Asked (for the footer) while the screen is being taken down too.
        table = next(iter(self.query(PlanTable)), None)
        if table is None or table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark_done", "open_item"):
            return self.cursor_key() is not None
        return True

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self.refresh_bindings()

    def action_mark_done(self) -> None:
        key = self.cursor_key()
        if key is None:
            return
        cid = self.course.identity
        # A tick the learner waits to see: the autosave timer writes it (see apply_change).
        if apply_change(self, self.store, lambda: self.store.set_done(cid, key, True), save=False):
            self.fill()

    def action_open_item(self) -> None:
        key = self.cursor_key()
        if key is not None:
            self.dismiss(key)

    def action_ask_minutes(self) -> None:
        box = self.query_one("#plan-minutes", Input)
        box.display = True
        box.value = str(self.budget) if self.budget else ""
        box.focus()

    @on(Input.Submitted, "#plan-minutes")
    def _minutes_given(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text and not (text.isdigit() and int(text) > 0):
            self.notify("Minutes: a whole number above 0", severity="warning", markup=False)
            return
        self.budget = int(text) if text else None
        self._close_minutes()
        self.fill()

    def _close_minutes(self) -> None:
        box = self.query_one("#plan-minutes", Input)
        box.display = False
        self.table.focus()

    def action_close(self) -> None:
        box = self.query_one("#plan-minutes", Input)
        if box.display:
            self._close_minutes()
            return
        self.dismiss(None)
