"""The reading list: every pre-reading item and resource in one sortable table, with totals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from coursemate.course.kinds import readable_kind
from coursemate.course.model import Course, Resource
from coursemate.plural import noun
from coursemate.ui.host import coursemate_app
from coursemate.ui.store_edits import apply_change
from coursemate.ui.widgets.keys_footer import KeysFooter
from coursemate.ui.widgets.syllabus_items import TICK, resource_icon

if TYPE_CHECKING:
    from coursemate.progress.store import Store

COLUMNS: tuple[tuple[str, str], ...] = (
    ("module", "Module"),
    ("title", "Title"),
    ("type", "Type"),
    ("minutes", "Min"),
    ("state", "State"),
)
FIXED_WIDTHS = {"type": 12, "minutes": 5, "state": 7}  # the title and module share the rest


@dataclass(frozen=True)
class Row:
    """One resource with where it sits in the course (for sorting by module)."""

    order: int  # position in course order
    module_number: int  # 0 for pre-reading
    module: str
    resource: Resource


def course_rows(course: Course) -> list[Row]:
    rows = [Row(i, 0, "Before", r) for i, r in enumerate(course.prereading)]
    for module in course.modules:
        for r in module.resources:
            rows.append(Row(len(rows), module.number, f"{module.number} {module.title}", r))
    return rows


def sort_key(column: str, done: frozenset[str]) -> Callable[[Row], tuple[object, ...]]:
    def key(row: Row) -> tuple[object, ...]:
        r = row.resource
        if column == "title":
            return (r.title.casefold(), row.order)
        if column == "type":
            return (readable_kind(r.type).casefold(), row.order)
        if column == "minutes":
            return (r.minutes if r.minutes is not None else -1, row.order)
        if column == "state":
            return (r.key in done, row.order)
        return (row.order,)

    return key


class ReadingTable(DataTable[Text]):
    """The table; enter toggles (clicks only move the cursor)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.toggle_done", "Done", show=False),
    ]


class ReadingListScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_done", "Done/undo"),
        Binding("u", "unfinished", "Unfinished only"),
        Binding("s", "sort", "Sort"),
        Binding("o", "open_link", "Open"),
        Binding("c", "copy_link", "Copy", show=False),
        Binding("escape,r", "close", "Back"),
    ]

    sort_column: var[str] = var("module")
    reverse: var[bool] = var(False)
    unfinished_only: var[bool] = var(False)

    def __init__(self, course: Course, store: Store) -> None:
        super().__init__()
        self.course = course
        self.store = store
        self.rows = course_rows(course)
        self.by_key = {row.resource.key: row for row in self.rows}

    @property
    def course_id(self) -> str:
        return self.course.identity

    def compose(self) -> ComposeResult:
        title = Text("Reading list · ", style="bold")
        title.append(self.course.title)
        yield Static(title, id="reading-title")
        yield ReadingTable(id="reading-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reading-totals")
        yield KeysFooter()

    @property
    def table(self) -> ReadingTable:
        return self.query_one(ReadingTable)

    def column_widths(self, width: int) -> dict[str, int]:
        """Fit the table to the terminal: fixed small columns, the rest split 1:2."""
        cell_padding = 2 * len(COLUMNS)
        rest = max(width - sum(FIXED_WIDTHS.values()) - cell_padding - 2, 30)
        module = max(rest // 3, 10)
        return {**FIXED_WIDTHS, "module": module, "title": rest - module}

    def on_mount(self) -> None:
        widths = self.column_widths(self.app.size.width)
        for key, label in COLUMNS:
            self.table.add_column(label, key=key, width=widths[key])
        self.fill()
        self.table.focus()

    # --- contents -------------------------------------------------------------------------

    def _cells(self, row: Row, done: bool) -> list[Text]:
        r = row.resource
        return [
            Text(row.module, overflow="ellipsis", no_wrap=True),
            Text(f"{resource_icon(r.type)} {r.title or '(untitled)'}", overflow="ellipsis"),
            Text(readable_kind(r.type) or "—", style="dim", overflow="ellipsis"),
            Text("?" if r.minutes is None else str(r.minutes), justify="right"),
            Text(f"{TICK} done", style="bold green") if done else Text("–", style="dim"),
        ]

    def visible_rows(self) -> list[Row]:
        done = self.store.done_keys(self.course_id)
        rows = [r for r in self.rows if not (self.unfinished_only and r.resource.key in done)]
        order = sort_key(self.sort_column, done)
        return sorted(rows, key=order, reverse=self.reverse)

    def fill(self) -> None:
        table = self.table
        current = self._cursor_key()
        shown_before = [str(key.value) for key in table.rows]
        table.clear()
        done = self.store.done_keys(self.course_id)
        for row in self.visible_rows():
            key = row.resource.key
            table.add_row(*self._cells(row, key in done), key=key)
        target = self._keep_place(current, shown_before)
        if target is not None:
            table.move_cursor(row=table.get_row_index(target))
        self._update_totals()
        self._label_columns()

    def _keep_place(self, current: str | None, shown_before: list[str]) -> str | None:
        """The row the cursor stays on: its own, or, when that one was hidden (``u`` on a done
        row), the next row that is still shown, else the one before it."""
        rows = self.table.rows
        if current is None or current in rows:
            return current
        place = shown_before.index(current) if current in shown_before else 0
        after = (k for k in shown_before[place + 1 :] if k in rows)
        before = (k for k in reversed(shown_before[:place]) if k in rows)
        return next(after, next(before, None))

    def store_reloaded(self) -> None:
        """Another process wrote the store (see ui/store_watch.py)."""
        self.fill()

    def _label_columns(self) -> None:
        arrow = " ▼" if self.reverse else " ▲"
        for key, label in COLUMNS:
            column = self.table.columns.get(ColumnKey(key))
            if column is not None:
                column.label = Text(label + (arrow if key == self.sort_column else ""))
        self.table.refresh()

    def _update_totals(self) -> None:
        done = self.store.done_keys(self.course_id)
        total = sum(r.resource.minutes or 0 for r in self.rows)
        done_minutes = sum(r.resource.minutes or 0 for r in self.rows if r.resource.key in done)
        done_items = sum(1 for r in self.rows if r.resource.key in done)
        percent = round(100 * done_minutes / total) if total else 0
        text = Text()
        items = noun(len(self.rows), "item")
        text.append(f"{done_items}/{len(self.rows)} {items} done", style="bold")
        text.append(f" · {done_minutes}/{total} min · {total - done_minutes} min left · {percent}%")
        shown = self.table.row_count
        if self.unfinished_only:
            text.append(f" · showing {shown} unfinished", style="italic")
        self.query_one("#reading-totals", Static).update(text)

    def _cursor_key(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None

    def _cursor_resource(self) -> Resource | None:
        key = self._cursor_key()
        return self.by_key[key].resource if key in self.by_key else None

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open_link", "copy_link"):
            res = self._cursor_resource() if self.is_mounted else None
            return res is not None and res.link is not None
        if action == "toggle_done":
            return bool(self.rows)
        return True

    def action_toggle_done(self) -> None:
        res = self._cursor_resource()
        if res is None:
            return
        done = not self.store.is_done(self.course_id, res.key)
        # A key press that repaints a cell: the autosave timer writes it (see apply_change).
        if not apply_change(
            self, self.store, lambda: self.store.set_done(self.course_id, res.key, done), save=False
        ):
            return
        row = self.by_key[res.key]
        self.table.update_cell(res.key, "state", self._cells(row, done)[-1])
        self._update_totals()

    def action_unfinished(self) -> None:
        self.unfinished_only = not self.unfinished_only

    def action_sort(self) -> None:
        keys = [k for k, _ in COLUMNS]
        self.sort_column = keys[(keys.index(self.sort_column) + 1) % len(keys)]
        self.reverse = False

    def watch_unfinished_only(self) -> None:
        if self.is_mounted:
            self.fill()

    def watch_sort_column(self) -> None:
        if self.is_mounted:
            self.fill()

    def watch_reverse(self) -> None:
        if self.is_mounted:
            self.fill()

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.reverse = not self.reverse
        else:
            self.sort_column = column
            self.reverse = False

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self.refresh_bindings()

    def action_open_link(self) -> None:
        res = self._cursor_resource()
        if (app := coursemate_app(self)) is not None:
            app.open_course_link(res.link if res else None)

    def action_copy_link(self) -> None:
        res = self._cursor_resource()
        if (app := coursemate_app(self)) is not None:
            app.copy_course_link(res.link if res else None)

    def action_close(self) -> None:
        self.dismiss(None)
