"""What the syllabus tree shows, and how each item is labelled.

The items are the course's own objects (``Course``, ``Module``, ``Resource``...) plus the
"Before the course" group; labels are always ``rich.text.Text`` so course text is never read
as markup. The reading pane and the reading list use the same icons, ticks and minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from rich.text import Text

from coursemate.course.kinds import activity
from coursemate.course.model import Assignment, Course, Experiment, Module, Resource
from coursemate.course.text import one_line
from coursemate.progress.store import OwnExperiment

if TYPE_CHECKING:
    from coursemate.progress.maths import ModuleProgress


@dataclass(frozen=True)
class PrereadingGroup:
    """The "Before the course" node: the course's pre-reading items."""

    resources: tuple[Resource, ...]
    key: str = "pre"
    title: str = "Before the course"


TreeItem: TypeAlias = (
    Course | PrereadingGroup | Module | Resource | Assignment | Experiment | OwnExperiment
)

# (glyph, ASCII fallback) per activity: the kinds and their activities are course/kinds.py's.
_ICONS: dict[str, tuple[str, str]] = {
    "watch": ("▣", ">"),
    "read": ("¶", "~"),
    "guide": ("≡", "="),
    "do": ("✦", "*"),
    "other": ("•", "-"),
}
TICK, BOX, BOX_CHECKED = "✓", "☐", "☑"


def resource_icon(resource_type: str, *, ascii_only: bool = False) -> str:
    """A one-cell icon for a resource type; ASCII when the terminal cannot show Unicode."""
    glyph, fallback = _ICONS[activity(resource_type)]
    return fallback if ascii_only else glyph


def minutes_text(minutes: int | None) -> str:
    return "? min" if minutes is None else f"{minutes} min"


class Label(NamedTuple):
    """A node label in two parts: the name, which may be shortened with an ellipsis when the
    tree is narrow, and the tail (minutes, counts, ticks), which always stays visible.

    ``short`` is the tail for a narrow tree (the title gets the room: minutes go first), and
    the first ``lead`` characters of the name are its number, icon or box, not its title (two
    titles are told apart by what follows).
    """

    name: Text
    tail: Text
    short: Text | None = None
    lead: int = 0

    def joined(self) -> Text:
        return Text.assemble(self.name, self.tail)


def _counts_tail(details: list[str], progress: ModuleProgress | None) -> Text:
    """ " · 120 min · 1/2", with a tick when every item is done."""
    tail = Text(" · " + " · ".join(details) if details else "", style="dim")
    if progress is not None and progress.items_total and progress.percent == 100:
        tail.append(f" {TICK}", style="bold green")
    return tail


def _counts(progress: ModuleProgress | None) -> list[str]:
    if progress is None or not progress.items_total:
        return []
    return [f"{progress.items_done}/{progress.items_total}"]


def module_label(module: Module, progress: ModuleProgress | None) -> Label:
    name = Text()
    number = f"{module.number} "
    name.append(number, style="bold")
    name.append(module.title or f"Module {module.number}")
    minutes = [minutes_text(module.minutes)] if module.minutes is not None else []
    counts = _counts(progress)
    return Label(
        name,
        _counts_tail(minutes + counts, progress),
        short=_counts_tail(counts, progress),
        lead=len(number),
    )


def group_label(group: PrereadingGroup, progress: ModuleProgress | None) -> Label:
    counts = _counts(progress)
    minutes = [f"{progress.minutes_total} min"] if progress is not None and counts else []
    return Label(
        Text(group.title, style="italic"),
        _counts_tail(minutes + counts, progress),
        short=_counts_tail(counts, progress),
    )


def resource_label(resource: Resource, done: bool, *, ascii_only: bool = False) -> Label:
    name = Text()
    name.append(resource_icon(resource.type, ascii_only=ascii_only) + " ", style="cyan")
    name.append(resource.title or "(untitled)", style="dim" if done else "")
    tail = Text(f" · {minutes_text(resource.minutes)}", style="dim")
    short = Text(f" {'?' if resource.minutes is None else resource.minutes}m", style="dim")
    if done:
        for end in (tail, short):
            end.append(" " + ("x" if ascii_only else TICK), style="bold green")
    return Label(name, tail, short=short, lead=2)


def assignment_label(assignment: Assignment, chosen: int) -> Label:
    name = Text()
    name.append("Assignment: ", style="bold")
    name.append(assignment.title)
    tail = Text(f" · {chosen} chosen" if chosen else "", style="dim")
    return Label(name, tail, short=Text(f" · {chosen}" if chosen else "", style="dim"), lead=12)


def experiment_label(text: str, chosen: bool, status: str | None, *, own: bool = False) -> Label:
    name = Text()
    name.append(f"{BOX_CHECKED if chosen else BOX} ", style="bold green" if chosen else "")
    if own:
        name.append("(mine) ", style="italic magenta")
    lead = len(name)
    # An own experiment's text is the store's, which can hold anything; the course's is clean.
    name.append(one_line(text) if own else text)
    return Label(name, Text(f" · {status}" if chosen and status else "", style="dim"), lead=lead)


def walk_items(course: Course) -> Iterable[tuple[str, TreeItem]]:
    """Every item with its key, for searching (own experiments come from the store)."""
    for res in course.prereading:
        yield res.key, res
    for module in course.modules:
        yield module.key, module
        for res in module.resources:
            yield res.key, res
        if module.assignment is not None:
            yield module.assignment.key, module.assignment
            for exp in module.assignment.experiments:
                yield exp.key, exp
