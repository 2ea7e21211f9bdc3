"""The course picker as it was before the dashboard (commit c79994b), for the benchmark only.

``benchmarks/picker.py`` times the dashboard's first screen against this one in the same run;
``picker_launch.py --old`` puts it in the app's place.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coursemate.course.discover import find_courses, peek_title
from coursemate.course.text import one_line
from coursemate.ui.widgets.keys_footer import KeysFooter


def is_course_folder(path: Path) -> bool:
    """A folder that holds courses rather than being one (it has no index.md of its own)."""
    return path.is_dir() and not (path / "index.md").is_file()


# The folder column is as wide as the longest name, up to this: the title matters more.
FOLDER_WIDTH = 24


def place_name(path: Path) -> str:
    """The file or folder name as shown: a name can hold escape sequences or BiDi controls."""
    return one_line(path.name) + ("/" if path.is_dir() else "")


def course_label(path: Path, folder_width: int = FOLDER_WIDTH) -> Table:
    """The course's title, then where it lives; just the name when the title is not at hand.

    One line per course, in two columns that line up down the list: a long title or folder
    name is shortened with an ellipsis rather than wrapped under its neighbour.
    """
    name = place_name(path)
    title = peek_title(path)
    row = Table.grid(padding=(0, 2), expand=True)
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_column(width=folder_width, no_wrap=True, overflow="ellipsis", style="dim")
    if title is None:
        row.add_row(Text(name), Text(""))
    else:
        row.add_row(Text(title, style="bold"), Text(name))
    return row


class PickerScreen(Screen[Path]):
    """Pick one course; returns its path."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, folder: Path, courses: list[Path] | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.courses = find_courses(folder) if courses is None else courses

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_title = Text(f"Courses in {one_line(str(self.folder))}")
            if self.courses:
                width = min(FOLDER_WIDTH, max(len(place_name(p)) for p in self.courses))
                yield OptionList(
                    *(
                        Option(course_label(p, width), id=str(i))
                        for i, p in enumerate(self.courses)
                    ),
                    id="picker-list",
                )
            else:
                yield Static(
                    Text(
                        "No courses here: a course is a folder with index.md, "
                        "or a .md file with front matter."
                    )
                )
        yield KeysFooter()

    @on(OptionList.OptionSelected, "#picker-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.courses[int(event.option.id or 0)])
