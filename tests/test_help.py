"""``?`` lists the keys of the screen it is opened from first, then the global ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Static

from coursemate.ui.screens.help import HelpScreen, sections_for
from helpers import Host, make_app, study, top_screen


def help_lines(screen: Screen[Any]) -> list[str]:
    """The help as painted, one line per row, spaces squeezed."""
    keys = screen.query_one("#help-keys", Static)
    strips = keys.render_lines(Region(0, 0, keys.outer_size.width, keys.outer_size.height))
    return [" ".join(strip.text.split()) for strip in strips if strip.text.strip()]


def section(lines: list[str], title: str) -> list[str]:
    """The rows under ``title``, up to the next section."""
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if lines[i] == "Everywhere"), len(lines))
    return lines[start:end]


@pytest.mark.parametrize(
    ("keys", "title", "rows"),
    [
        (
            ("p",),
            "Presenter",
            [
                "← previous module (says so at the first)",
                "→ / space next module (says so at the last)",
                "home first module",
                "end last module, scheduled or not",
                "t start this module's timer (pauses any other) / pause the timer",
                "0 reset the timer to the module's planned time",
            ],
        ),
        (
            ("C",),
            "Catch-up",
            [
                "e write the chosen experiment's reflection",
                "s set a chosen experiment's status: planned, running, done, dropped",
                "d set your catch-up date",
                "x save the catch-up report (Markdown; asks where)",
                "enter read a reflection or note whole, or fold it again",
            ],
        ),
        (
            ("g",),
            "Agenda",
            ["p present", "z every time in your timezone / or in each session's own"],
        ),
        (("r",), "Reading list", ["u show only unfinished items, or everything"]),
        ((), "Study screen", ["g agenda of the course's sessions", "p presenter view"]),
    ],
)
async def test_help_lists_the_current_screen_s_keys_first(
    tmp_path: Path, keys: tuple[str, ...], title: str, rows: list[str]
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        under = top_screen(app)
        await pilot.press("question_mark")
        await pilot.pause()
        shown = top_screen(app)
        assert isinstance(shown, HelpScreen)
        lines = help_lines(shown)
        assert lines[0] == title
        assert lines.index("Everywhere") > 1
        for row in rows:
            assert row in section(lines, title), (row, lines)
        assert "? / f1 this help" in lines[lines.index("Everywhere") :]
        await pilot.press("escape")
        assert top_screen(app) is under


class Darkroom(Screen[None]):
    """A screen help has never heard of."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "develop", "Develop the film"),
        Binding("x,delete", "discard", "Discard", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("dark")


async def test_a_new_screen_gets_its_help_from_its_bindings() -> None:
    app = Host(Darkroom)
    async with app.run_test(size=(80, 24)):
        sections = sections_for(app.screen)
        assert sections[0] == ("Darkroom", (("z", "develop the film"), ("x / delete", "discard")))
        assert sections[1][0] == "Everywhere"
