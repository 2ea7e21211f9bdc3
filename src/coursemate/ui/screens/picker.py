"""The dashboard, shown when ``coursemate`` is given a folder of courses.

One line per course: its title, code (and folder, where two titles are the same), the current
learner's progress, minutes left and the next session's date (or when it ran). The first frame
needs only each course's ``title:`` and ``code:`` lines (``peek_fields``); a thread worker
then reads each course (through the parse cache) and the learner's store, read-only, and posts
the figures back in batches, and the list sorts itself: courses in progress first, then by
next session, courses with nothing to track last. Typing filters the list.

The list is a line-API widget that draws only the lines on screen, so a folder of 500 courses
opens as fast as one of 30 (an ``OptionList`` measures every option before its first frame).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static
from textual.worker import get_current_worker

from coursemate.course.discover import find_courses, peek_fields
from coursemate.course.text import one_line
from coursemate.plural import counted
from coursemate.ui.host import coursemate_app
from coursemate.ui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from coursemate.progress.overview import CourseStanding


def is_course_folder(path: Path) -> bool:
    """A folder that holds courses rather than being one (it has no index.md of its own)."""
    return path.is_dir() and not (path / "index.md").is_file()


def place_name(path: Path) -> str:
    """The file or folder name as shown: a name can hold escape sequences or BiDi controls."""
    return one_line(path.name) + ("/" if path.is_dir() else "")


# Fixed column widths; the title takes what is left.
CODE_WIDTH = 8
DONE_WIDTH = 5  # "100%"
LEFT_WIDTH = 10  # "12,345 min"; with the done column, room for "nothing to track"
WHEN_WIDTH = 16  # "ran 7–8 Nov 2025"
WHEN_NARROW = 12  # "ran 7–8 Nov": below FOLDER_FROM the title needs the room more than the year
FOLDER_WIDTH = 24
FOLDER_FROM = 110  # a folder column from this width on; narrower, only where titles repeat
MIN_TITLE = 16
FILL_BATCH_SECONDS = 0.1  # how often the worker posts what it has read
# The worker starts this long after mount: reading courses in a thread takes the GIL from
# the first frame on its way to the terminal.
FILL_DELAY = 0.15


@dataclass
class CourseRow:
    """One course on the dashboard: what the first frame peeked, then what the worker read."""

    path: Path
    place: str  # the file or folder name, cleaned
    title: str
    code: str
    standing: CourseStanding | None = None
    problem: str | None = None  # the course (or the learner's store) could not be read

    @property
    def loaded(self) -> bool:
        return self.standing is not None or self.problem is not None

    def matches(self, words: list[str]) -> bool:
        haystack = f"{self.title} {self.code} {self.place}".casefold()
        return all(word in haystack for word in words)

    def sort_key(self) -> tuple[object, ...]:
        """In progress first, then by next session (none last), nothing to track and
        unreadable courses at the very end; ties by title and place."""
        s = self.standing
        if self.problem is not None and s is None:
            tier = 3
        elif s is not None and not s.trackable:
            tier = 2
        elif s is not None and s.in_progress:
            tier = 0
        else:
            tier = 1
        upcoming = s.next_session if s is not None else None
        return (tier, upcoming is None, upcoming or date.max, self.title.casefold(), self.place)


@dataclass(frozen=True)
class Columns:
    title: int
    code: int
    folder: int  # 0: no folder column
    when: int


def columns_for(width: int, rows: list[CourseRow]) -> Columns:
    code = min(CODE_WIDTH, max((len(r.code) for r in rows), default=0))
    code = max(code, 4) if code else 0
    folder, when = 0, WHEN_NARROW
    if width >= FOLDER_FROM and rows:
        folder, when = min(FOLDER_WIDTH, max(len(r.place) for r in rows)), WHEN_WIDTH
    fixed = DONE_WIDTH + LEFT_WIDTH + when + 2  # and the gaps between them and the title
    fixed += (code + 1 if code else 0) + (folder + 1 if folder else 0) + 1
    return Columns(max(width - fixed, MIN_TITLE), code, folder, when)


def _cell(text: str | Text, width: int, *, right: bool = False, style: str = "") -> Text:
    cell = text if isinstance(text, Text) else Text(text, style=style)
    cell.no_wrap = True
    cell.truncate(width, overflow="ellipsis", pad=not right)
    if right:
        cell.align("right", width)
    return cell


def row_text(
    row: CourseRow, cols: Columns, today: date, *, repeated: bool, store_problem: bool
) -> Text:
    """The course's line: course text is always plain ``Text``, never markup."""
    from coursemate.progress.overview import when_text

    title = Text(row.title or row.place, style="bold" if row.title else "")
    if repeated and not cols.folder:
        # Two courses with this title: the folder tells them apart, so it keeps some room.
        room = min(len(row.place) + 3, cols.title // 2)
        title = _cell(title, cols.title - room)
        title.append(_cell(f" · {row.place}", room, style="dim"))
    parts = [_cell(title, cols.title)]
    if cols.code:
        parts.append(_cell(row.code, cols.code, style="dim"))
    if cols.folder:
        parts.append(_cell(row.place, cols.folder, style="dim"))
    s = row.standing
    status_width = DONE_WIDTH + 1 + LEFT_WIDTH
    if s is None:
        if row.problem is not None:
            parts.append(_cell("cannot be read", status_width, style="red"))
        else:
            parts.append(_cell("…", status_width, style="dim"))
    elif not s.trackable:
        parts.append(_cell("nothing to track", status_width, style="dim italic"))
    elif store_problem:
        parts.append(_cell("?", status_width, style="dim"))
    else:
        done_style = "bold green" if s.percent == 100 else ("bold" if s.in_progress else "dim")
        parts.append(_cell(f"{s.percent}%", DONE_WIDTH, right=True, style=done_style))
        left = f"{s.minutes_left:,} min" if s.minutes_left else "–"
        parts.append(_cell(left, LEFT_WIDTH, right=True))
    parts.append(_cell(when_text(s, today) if s is not None else "", cols.when, style="cyan"))
    return Text(" ").join(parts)


def header_text(cols: Columns) -> Text:
    parts = [_cell("Course", cols.title)]
    if cols.code:
        parts.append(_cell("Code", cols.code))
    if cols.folder:
        parts.append(_cell("Folder", cols.folder))
    parts += [
        _cell("Done", DONE_WIDTH, right=True),
        _cell("Left", LEFT_WIDTH, right=True),
        _cell("Sessions", cols.when),
    ]
    return Text(" ").join(parts)


class CourseList(ScrollView, can_focus=True):
    """The courses, one line each, drawn only where they are on screen."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"course-list--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move(-1000000)", "First", show=False),
        Binding("end", "move(1000000)", "Last", show=False),
        Binding("enter", "open", "Open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Opened(Message):
        def __init__(self, row: CourseRow) -> None:
            self.row = row
            super().__init__()

    def __init__(self, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.rows: list[CourseRow] = []
        self.store_problem = False
        self._repeated: set[str] = set()
        self._columns: Columns | None = None
        self._columns_width = 0
        self._lines: dict[int, Strip] = {}  # index in rows -> its drawn line (cursor aside)
        self.moved = False  # the learner moved the cursor: it then stays on its course

    def show(self, rows: list[CourseRow], keep: Path | None = None) -> None:
        """Show ``rows`` (in this order), the cursor staying on ``keep`` when it is there."""
        self.rows = rows
        titles = Counter(r.title.casefold() for r in rows if r.title)
        self._repeated = {title for title, count in titles.items() if count > 1}
        self._columns = None
        self._lines.clear()
        # No width of its own: the list takes its container's (wider, it would scroll sideways).
        self.virtual_size = Size(0, len(rows))
        index = None
        if self.moved:
            index = next((i for i, r in enumerate(rows) if r.path == keep), None)
        self.cursor = index if index is not None else 0
        self.refresh()

    @property
    def current(self) -> CourseRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def columns(self) -> Columns:
        # Keyed by width: the screen may ask before the list's first layout (width 0), and a
        # Resize does not always follow before the first paint.
        width = self.scrollable_content_region.width
        if self._columns is None or self._columns_width != width:
            if self._columns is not None:
                self._lines.clear()
            self._columns = columns_for(width, self.rows)
            self._columns_width = width
        return self._columns

    def on_resize(self, event: events.Resize) -> None:
        self._columns = None
        self._lines.clear()
        self.virtual_size = Size(0, len(self.rows))

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, self.rich_style)
        cols = self.columns()  # first: a new width clears the drawn lines
        strip = self._lines.get(index)
        if strip is None:
            row = self.rows[index]
            text = row_text(
                row,
                cols,
                self.today,
                repeated=row.title.casefold() in self._repeated,
                store_problem=self.store_problem,
            )
            text.end = ""
            strip = Strip(list(text.render(self.app.console))).adjust_cell_length(width)
            self._lines[index] = strip
        base = self.rich_style
        if index == self.cursor:
            # Under the row's own styles: the cursor's background, the cells' colours.
            cursor: Style = self.get_component_rich_style("course-list--cursor")
            base += cursor if self.has_focus else cursor + Style(dim=True)
        return strip.apply_style(base)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self.moved = True
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(self.scrollable_content_region.height - 1, 1))

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row))

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.rows):
            self.moved = True
            self.cursor = index
            self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


FilledRow = tuple[Path, str, str, "CourseStanding | None", str | None]


class Filled(Message):
    """The worker read these courses: (path, title, code, standing, problem) each."""

    def __init__(self, rows: list[FilledRow]) -> None:
        self.rows = rows
        super().__init__()


class StoreUnreadable(Message):
    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__()


class PickerScreen(Screen[Path]):
    """The dashboard of a folder of courses; returns the path of the one opened."""

    CSS_PATH = "picker.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_or_quit", "Clear filter / quit", key_display="esc"),
    ]

    def __init__(
        self, folder: Path, courses: list[Path] | None = None, *, today: date | None = None
    ) -> None:
        super().__init__()
        self.folder = folder
        self.courses = find_courses(folder) if courses is None else courses
        self.today = today or date.today()
        self.rows = [self._peeked(p) for p in self.courses]
        self.rows.sort(key=lambda r: ((r.title or r.place).casefold(), r.place))
        self.filter = ""
        self.learner = ""
        self.store_problem: str | None = None

    @staticmethod
    def _peeked(path: Path) -> CourseRow:
        fields = peek_fields(path)
        return CourseRow(path, place_name(path), fields.get("title", ""), fields.get("code", ""))

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_title = Text(f"Courses in {one_line(str(self.folder))}")
            if self.courses:
                yield Static("", id="dashboard-header", markup=False)
                yield CourseList(self.today, id="dashboard-list")
                yield Static("", id="dashboard-status", markup=False)
            else:
                yield Static(
                    Text(
                        "No courses here: a course is a folder with index.md, "
                        "or a .md file with front matter."
                    )
                )
        yield KeysFooter()

    def on_mount(self) -> None:
        if not self.courses:
            return
        self._show()
        self.query_one(CourseList).focus()
        # The figures come after the first frame: the titles are what the learner sees first.
        self.set_timer(FILL_DELAY, self._start_filling)

    def on_resize(self) -> None:
        if self.courses:
            self._paint_header()

    def _paint_header(self) -> None:
        courses = self.query_one(CourseList)
        self.query_one("#dashboard-header", Static).update(header_text(courses.columns()))

    def _show(self) -> None:
        courses = self.query_one(CourseList)
        keep = courses.current.path if courses.current is not None else None
        words = self.filter.casefold().split()
        shown = [r for r in self.rows if r.matches(words)] if words else list(self.rows)
        courses.store_problem = self.store_problem is not None
        courses.show(shown, keep)
        self._paint_header()
        self._paint_status(len(shown))

    def _paint_status(self, shown: int) -> None:
        total = len(self.rows)
        who = f"Learner: {self.learner} · " if self.learner else ""
        if self.store_problem:
            line = Text(f"{who}progress not shown: {self.store_problem}", style="yellow")
        elif self.filter:
            line = Text.assemble(
                ("Filter: ", "bold"),
                (self.filter, "reverse"),
                f" · {shown} of {counted(total, 'course')} · backspace edits, esc clears",
            )
        else:
            line = Text(f"{who}{counted(total, 'course')} · type to filter · enter opens")
        self.query_one("#dashboard-status", Static).update(line)

    # --- filling in the figures ----------------------------------------------------------

    def _start_filling(self) -> None:
        from coursemate import paths
        from coursemate.progress.learners import default_learner

        app = coursemate_app(self)
        if app is not None:
            data_dir, cache_dir = app.data_dir, paths.cache_dir(app.options.cache_dir)
            learner, site_url = app.options.learner, app.site_url
        else:
            data_dir, cache_dir, learner, site_url = paths.data_dir(None), None, None, None
        self.learner = one_line(learner or default_learner(data_dir))
        self._fill([r.path for r in self.rows], data_dir, self.learner, cache_dir, site_url)

    @work(thread=True, exclusive=True, group="dashboard")
    def _fill(
        self,
        courses: list[Path],
        data_dir: Path,
        learner: str,
        cache_dir: Path | None,
        site_url: str | None,
    ) -> None:
        from coursemate.course.cache import load_course_cached
        from coursemate.course.errors import CourseError
        from coursemate.progress.overview import peek_learner, standing

        worker = get_current_worker()
        state, problem = peek_learner(data_dir, learner)
        if problem is not None:
            self.post_message(StoreUnreadable(problem))
        batch: list[FilledRow] = []
        posted = monotonic()
        for path in courses:
            if worker.is_cancelled:
                return
            try:
                course = load_course_cached(path, site_url=site_url, cache_dir=cache_dir)
            except CourseError as exc:
                batch.append((path, "", "", None, one_line(exc.problem.message)))
            else:
                done = state.done_keys(course.identity) if state is not None else frozenset()
                batch.append(
                    (path, course.title, course.code, standing(course, done, self.today), None)
                )
            if monotonic() - posted >= FILL_BATCH_SECONDS:
                self.post_message(Filled(batch))
                batch, posted = [], monotonic()
        self.post_message(Filled(batch))

    def on_store_unreadable(self, message: StoreUnreadable) -> None:
        self.store_problem = message.problem
        self._show()

    def on_filled(self, message: Filled) -> None:
        by_path = {r.path: r for r in self.rows}
        for path, title, code, standing, problem in message.rows:
            row = by_path[path]
            row.title = title or row.title
            row.code = code or row.code
            row.standing, row.problem = standing, problem
        self.rows.sort(key=CourseRow.sort_key)
        self._show()

    # --- keys ------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if not self.filter and event.key in ("q", "question_mark"):
            return  # quit and help, as everywhere, until a filter is being typed
        if event.key == "backspace" and self.filter:
            self.filter = self.filter[:-1]
        elif event.is_printable and event.character and event.key != "enter":
            self.filter += event.character
        else:
            return
        event.stop()
        event.prevent_default()
        self._show()

    def action_clear_or_quit(self) -> None:
        if self.filter:
            self.filter = ""
            self._show()
        else:
            self.app.exit()

    def on_course_list_opened(self, message: CourseList.Opened) -> None:
        self.dismiss(message.row.path)
