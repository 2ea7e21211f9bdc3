"""Help: the keys of the screen it was opened from, then the ones that work everywhere.

Built from the screen's own ``BINDINGS`` and those of coursemate widgets on it, so a new
screen gets its help for free; ``DESCRIPTIONS`` only says more than a binding's footer label
where a few words are not enough.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

Rows = tuple[tuple[str, str], ...]

# Longer words for some actions, by action name; any other binding shows its footer label.
DESCRIPTIONS: dict[str, str] = {
    # study screen and its tree
    "toggle_done": "mark the resource done (again: not done)",
    "toggle_chosen": "choose the experiment (again: unchoose)",
    "unchoose": "unchoose the experiment",
    "toggle_expand": "expand or collapse the module",
    "expand_or_down": "expand, or go into the module",
    "collapse_or_parent": "collapse, or go to the parent",
    "next_unfinished": "next to do after the cursor: unread, chosen experiments, reflections",
    "previous_unfinished": "previous to do, before the cursor",
    "plan": "reading plan: what to read each day until the class",
    "open_link": "open the link in your browser (http/https only)",
    "copy_link": "copy the link",
    "reflect": "write the chosen experiment's reflection",
    "edit_note": "write a note",
    "choose_status": "set a chosen experiment's status: planned, running, done, dropped",
    "add_experiment": "add your own experiment to the assignment",
    "start_filter": "filter by titles, content and notes",
    "clear_filter": "clear the filter",
    "reading_list": "reading list",
    "switch_learner": "switch or create learner",
    "warnings": "the course file's warnings",
    "agenda": "agenda of the course's sessions",
    "presenter": "presenter view",
    "catchup": "catch-up checklist",
    # presenter
    "previous": "previous module (says so at the first)",
    "next": "next module (says so at the last)",
    "first": "first module",
    "last": "last module, scheduled or not",
    "start_timer": "start this module's timer (pauses any other)",
    "pause_timer": "pause the timer",
    "reset_timer": "reset the timer to the module's planned time",
    # catch-up
    "edit_date": "set your catch-up date",
    "export": "save the catch-up report (Markdown; asks where)",
    "select": "read a reflection or note whole, or fold it again",
    # agenda
    "local_time": "every time in your timezone",
    "course_time": "or in each session's own",
    # reading plan
    "mark_done": "mark the item done; the plan is worked out again",
    "open_item": "show the item in the tree",
    "ask_minutes": "how many minutes you have: marks what fits",
    # reading list
    "unfinished": "show only unfinished items, or everything",
    "sort": "sort by the next column (click a header to sort by it)",
}

# Keys a screen has that are no binding of its own (Textual's widgets handle them).
EXTRA: dict[str, Rows] = {
    "StudyScreen": (
        ("↑ ↓", "move in the tree"),
        ("tab", "move between the tree and the reading pane"),
    ),
    "CatchupScreen": (("tab", "move between the checklist, the date and the prompts"),),
    "AgendaScreen": (("↑ ↓ page up / down", "scroll"),),
}

GLOBAL: Rows = (
    ("? / f1", "this help"),
    ("ctrl+p", "command palette: go to module, reading list, learner, export, theme"),
    ("q", "quit (progress is saved)"),
    ("ctrl+q", "quit from anywhere, even while typing"),
)

KEY_NAMES = {
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "slash": "/",
    "question_mark": "?",
    "pageup": "page up",
    "pagedown": "page down",
}

TITLES = {"StudyScreen": "Study screen", "CatchupScreen": "Catch-up"}


def key_name(key: str) -> str:
    return KEY_NAMES.get(key, key)


def screen_title(screen_class: type[DOMNode]) -> str:
    """``Presenter`` for ``PresenterScreen``, ``Reading list`` for ``ReadingListScreen``."""
    name = screen_class.__name__
    if name in TITLES:
        return TITLES[name]
    words = re.findall(r"[A-Z][a-z0-9]*", name.removesuffix("Screen")) or [name]
    return " ".join([words[0], *(w.lower() for w in words[1:])])


def _own_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """The bindings our own classes (not Textual's) give ``node_class``, bases first."""
    found: list[Binding] = []
    for cls in reversed(node_class.__mro__):
        if _textual(cls):
            continue  # Textual's own keys (focus, scrolling) are not this screen's
        own: list[BindingType] = cls.__dict__.get("BINDINGS", [])
        found.extend(Binding.make_bindings(own))
    return found


def binding_rows(node_classes: Iterable[type[DOMNode]]) -> Rows:
    """One row per set of keys: ``t`` "start this module's timer / pause the timer".

    Keys bound to the same action are listed together; actions on the same keys share a row.
    """
    by_action: dict[str, list[str]] = {}
    words: dict[str, str] = {}
    for node_class in node_classes:
        for binding in _own_bindings(node_class):
            action = binding.action.removeprefix("screen.")
            # Not ``key_display``: a binding of several keys ("right,space") gives each one
            # the same display, which would list space as →.
            shown = key_name(binding.key)
            keys = by_action.setdefault(action, [])
            if shown not in keys:
                keys.append(shown)
            words.setdefault(action, DESCRIPTIONS.get(action) or _lower(binding.description))
    by_keys: dict[str, list[str]] = {}
    for action, keys in by_action.items():
        what = by_keys.setdefault(" / ".join(keys), [])
        if words[action] not in what:
            what.append(words[action])
    return tuple((keys, " / ".join(what)) for keys, what in by_keys.items())


def _textual(cls: type) -> bool:
    return cls.__module__.split(".")[0] in ("textual", "builtins")


def _lower(label: str) -> str:
    """A footer label as help's words: "Scroll up" → "scroll up"."""
    return label[:1].lower() + label[1:]


def _node_classes(screen: Screen[Any]) -> Iterator[type[DOMNode]]:
    """The screen's class, then each of our widget classes on it, in the order shown."""
    seen: set[type[DOMNode]] = set()
    for node in (screen, *screen.query("*")):
        cls = type(node)
        if cls not in seen and not _textual(cls):
            seen.add(cls)
            yield cls


def sections_for(screen: Screen[Any] | None) -> tuple[tuple[str, Rows], ...]:
    """The screen's own keys first (when it has any), then the global ones."""
    sections: list[tuple[str, Rows]] = []
    if screen is not None:
        rows = binding_rows(_node_classes(screen)) + EXTRA.get(type(screen).__name__, ())
        if rows:
            sections.append((screen_title(type(screen)), rows))
    sections.append(("Everywhere", GLOBAL))
    return tuple(sections)


def keys_table(sections: tuple[tuple[str, Rows], ...]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for section, rows in sections:
        table.add_row(Text(section, style="bold underline"), "")
        for key, what in rows:
            table.add_row(Text(key, style="bold"), Text(what))
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    def __init__(self, screen: Screen[Any] | None = None) -> None:
        """Help for ``screen`` (default: the screen under this one when it opens)."""
        super().__init__()
        self._for = screen

    def compose(self) -> ComposeResult:
        under = self._for
        if under is None:
            below = [s for s in self.app.screen_stack if s is not self]
            under = below[-1] if below else None
        with VerticalScroll(id="help-dialog", classes="dialog") as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "escape closes"
            yield Static(keys_table(sections_for(under)), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
