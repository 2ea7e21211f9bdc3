"""The Class screen: the trainer's view of a class, from the class's shared folder.

The same roster as ``coursemate class`` (``coursemate.progress.roster``): one row per learner,
the class's totals and who has not started, and (``e``) the experiments the class chose most
per module with the files skipped and why. The folder is read in a thread worker that posts
rows back as they are made, so the first rows show while the rest are read. Learner text is
put into Rich ``Text`` cells, never parsed as markup. Nothing is ever written into the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from coursemate.course.text import one_line
from coursemate.ui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from collections.abc import Callable

    from coursemate.course.model import Course
    from coursemate.progress.maths import ModuleProgress
    from coursemate.progress.roster import ClassRoster, LearnerRow, RosterFuture

FIXED_WIDTHS = {"pre": 8, "res": 9, "exp": 11, "last": 11}  # the learner's name takes the rest
MOST_CHOSEN_SHOWN = 3


def _figure(p: ModuleProgress) -> Text:
    if not p.items_total:
        return Text("—", style="dim", justify="right")
    style = "green" if p.percent == 100 else ""
    return Text(f"{p.percent}% {p.minutes_left}m", style=style, justify="right")


def row_cells(row: LearnerRow) -> list[Text]:
    """One learner's cells: name, pre-reading, resources, module strip, experiments, last
    activity (UTC)."""
    return [
        Text(row.learner, overflow="ellipsis", no_wrap=True),
        _figure(row.prereading),
        _figure(row.resources),
        Text(row.strip, no_wrap=True),
        Text(f"{row.chosen}/{row.running}/{row.done}/{row.reflected}", justify="right"),
        Text(row.last_activity.strftime("%m-%d %H:%M"), justify="right")
        if row.last_activity
        else Text("never", style="dim", justify="right"),
    ]


class ClassScreen(Screen[None]):
    """The roster of ``course`` from ``folder``; with no folder, it asks for one first."""

    CSS_PATH = "class_.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "toggle_details", "Experiments & files"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        course: Course,
        folder: Path | None,
        prefetched: RosterFuture | None = None,
    ) -> None:
        super().__init__()
        self.course = course
        self.folder = folder
        self.prefetched = prefetched  # the read of ``folder`` ``coursemate --class`` started
        self.roster: ClassRoster | None = None
        self.rows: list[LearnerRow] = []  # in the table, in its order

    def compose(self) -> ComposeResult:
        title = Text("Class · ", style="bold")
        title.append(one_line(self.course.title) or one_line(self.course.identity))
        yield Static(title, id="class-title")
        yield Input(placeholder="the class's shared folder", id="class-folder")
        yield Static(Text(""), id="class-summary")
        yield DataTable[Text](id="class-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="class-details"):
            yield Static(Text(""), id="class-details-text")
        yield KeysFooter()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#class-table", DataTable)

    def _column_widths(self) -> dict[str, int]:
        """Fixed widths for the figures; the learner's name takes what the screen has left."""
        widths = {**FIXED_WIDTHS, "modules": max(len(self.course.modules), 7)}
        padding = 2 * 6 + 2  # cell padding and the scrollbar
        widths["learner"] = max(self.app.size.width - sum(widths.values()) - padding, 12)
        return widths

    def _add_columns(self) -> None:
        widths = self._column_widths()
        for key, label in (
            ("learner", "Learner"),
            ("pre", "Pre-read"),
            ("res", "Resources"),
            ("modules", "Modules"),
            ("exp", "Exp c/r/d/r"),
            ("last", "Last (UTC)"),
        ):
            self.table.add_column(label, key=key, width=widths[key])

    def on_resize(self) -> None:
        """The name column follows the screen's width (it was set once, on opening: after a
        shrink the figures were off to the right)."""
        table = self.table
        column = table.columns.get(ColumnKey("learner"))
        if column is None or column.width == self._column_widths()["learner"]:
            return
        row = table.cursor_row
        table.clear(columns=True)
        self._add_columns()
        table.add_rows(row_cells(shown) for shown in self.rows)
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1))

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one("#class-details").display = False
        if self.folder is None:
            self.query_one("#class-summary", Static).update(
                Text("Type the path of the class's shared folder and press enter.")
            )
            self.query_one("#class-folder", Input).focus()
        else:
            self.query_one("#class-folder").display = False
            self.read(self.folder)

    @on(Input.Submitted, "#class-folder")
    def _folder_typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.read(Path(event.value.strip()).expanduser())

    def read(self, folder: Path) -> None:
        self.folder = folder
        self.roster = None
        self.rows = []
        self.table.clear()
        shown = one_line(str(folder))
        self.query_one("#class-summary", Static).update(Text(f"Reading {shown}…", style="dim"))
        self.table.focus()
        self._show_ready_rows()
        self._build(folder)

    def _show_ready_rows(self) -> None:
        """The rows ``--class``'s read has made already, up to a screenful, in this frame."""
        streamed = self.prefetched
        if streamed is None:
            return
        ready: list[LearnerRow] = []
        while len(ready) < streamed.first and not streamed.rows.empty():
            row = streamed.rows.get()
            if row is None:
                streamed.rows.put(None)  # the end, for the worker to find
                break
            ready.append(row)
        whole = len(ready) == streamed.first
        self._add_rows(ready, streamed.resume.set if whole else None)

    @work(thread=True, exclusive=True, group="class")
    def _build(self, folder: Path) -> None:
        from queue import Empty

        from textual.worker import get_current_worker

        from coursemate.progress.roster import ReadStopped, RosterError, read_class

        # Textual cancels the worker when the screen closes or the app quits, but a thread
        # cannot be interrupted: the read asks, and ends. Quitting waited for the whole
        # folder to be read (half a minute for a "/" typed by mistake).
        worker = get_current_worker()
        streamed, self.prefetched = self.prefetched, None
        batch: list[LearnerRow] = []
        # Rows posted at once before the rest: a screenful, less what ``read`` showed.
        screenful = streamed.first if streamed is not None else max(self.app.size.height, 1)
        first_missing = screenful - len(self.rows)

        def on_row(row: LearnerRow) -> None:
            nonlocal first_missing
            if worker.is_cancelled:
                raise ReadStopped  # the screen, or the app, is gone: nowhere to post rows
            batch.append(row)
            if len(batch) == first_missing:
                first_missing = 0
                resume = streamed.resume.set if streamed is not None else None
                self.app.call_from_thread(self._add_rows, list(batch), resume)
                batch.clear()

        try:
            if streamed is not None:
                while True:
                    if worker.is_cancelled:
                        raise ReadStopped  # not waiting for its end: it may not have begun
                    try:
                        made = streamed.rows.get(timeout=0.1)  # to ask about cancelling
                    except Empty:
                        continue
                    if made is None:
                        break
                    on_row(made)  # as they are made: the first rows before the rest
                roster = streamed.result()
            else:
                roster = read_class(self.course, folder, on_row, lambda: worker.is_cancelled)
        except ReadStopped:
            if streamed is not None:
                streamed.stop()
            return
        except RosterError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._add_rows, batch)
        self.app.call_from_thread(self._finished, roster)

    def _add_rows(self, rows: list[LearnerRow], shown: Callable[[], object] | None = None) -> None:
        """Add ``rows``; call ``shown`` once they are on the screen."""
        if not self.is_attached:
            if shown is not None:
                shown()  # closed while the folder was read: let the read run to its end
            return
        self.table.add_rows(row_cells(row) for row in rows)
        self.rows += rows
        if shown is not None:
            self.call_after_refresh(shown)

    def _failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#class-summary", Static).update(Text(one_line(message), style="red"))
        field = self.query_one("#class-folder", Input)
        field.display = True
        # ``read`` gave the table the focus: the next path typed went to the table's keys
        # ("e" in "/home" opened the details), not into the field.
        field.focus()

    def _finished(self, roster: ClassRoster) -> None:
        if not self.is_attached:
            return
        self.roster = roster
        text = Text("\n".join(roster.summary_lines()))
        if roster.skipped:
            text.append(f"\n{len(roster.skipped)} files skipped (e)", style="dim")
        self.query_one("#class-summary", Static).update(text)
        self.query_one("#class-details-text", Static).update(self.details(roster))

    def details(self, roster: ClassRoster) -> Text:
        """The experiments the class chose most, per module, then the files skipped."""
        text = Text("Most chosen experiments\n", style="bold")
        modules = {m.key: m for m in self.course.modules}
        most = roster.most_chosen()
        for key, counts in most:
            module = modules[key]
            text.append(f"{module.number}. {one_line(module.title)}\n", style="bold")
            for c in counts[:MOST_CHOSEN_SHOWN]:
                text.append(f"  {c.learners:>3} × {one_line(c.text)}\n")
        if not most:
            text.append("None chosen yet.\n", style="dim")
        if roster.skipped:
            text.append(f"\nSkipped files ({len(roster.skipped)})\n", style="bold")
            for s in roster.skipped:
                text.append(f"  {s.path}: {s.reason}\n")
        return text

    def action_toggle_details(self) -> None:
        details = self.query_one("#class-details")
        details.display = not details.display
        self.table.display = not details.display
        (details if details.display else self.table).focus()

    def action_back(self) -> None:
        from coursemate.ui.host import coursemate_app

        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
            return
        # Opened with ``--class``: the study screen was never pushed under this one.
        app = coursemate_app(self)
        if app is not None and app.course is not None and app.store is not None:
            from coursemate.ui.screens.study import StudyScreen

            self.app.switch_screen(StudyScreen(app.course, app.store))
        else:
            self.app.exit()
