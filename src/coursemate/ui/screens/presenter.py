"""The presenter: one module at a time, full screen, for a projector, with a countdown.

It walks the whole course: the modules the sessions plan in session order, then those in no
session ("not scheduled"); syllabus order when the course has no sessions. It receives only
the course: learner notes, reflections and progress cannot appear here (the "notes" it shows
are the course's own words, for the speaker).

Each module keeps its own timer, so glancing back at the previous module and returning loses
nothing; starting one timer pauses any other, as there is only one class clock. The timers
live in a small file of their own (``progress/timers.py``), so leaving the presenter or
restarting the app on the same day loses nothing either. A session clock says how the class
stands against the plan; ``--now`` sets the clock for a rehearsal.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Markdown, Static

from coursemate import paths
from coursemate.agenda import (
    FlowStep,
    build_agenda,
    clock,
    day_text,
    duration,
    pace_text,
    presenter_flow,
    session_clock,
    span,
)
from coursemate.course.keys import top_key
from coursemate.course.kinds import readable_kind
from coursemate.course.model import Course, Module, Resource
from coursemate.course.text import one_line
from coursemate.progress.timers import Clock, ModuleTimer, TimerBoard, rehearsal_clock
from coursemate.ui.host import coursemate_app
from coursemate.ui.widgets.countdown import Countdown
from coursemate.ui.widgets.keys_footer import KeysFooter

CLOCK_SECONDS = 1.0  # how often the session clock and the other timers' line are redrawn


class PresenterScreen(Screen[None]):
    """Module title, position in the class, session clock, notes, resources and a timer."""

    CSS_PATH = "trainer.tcss"
    # A laptop screen mirrored to a projector is often narrow or short: the timer column
    # shrinks, resources put their details under the title, the title band loses its padding.
    # Not annotated: Screen declares them (see CoursemateApp.HORIZONTAL_BREAKPOINTS).
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-short"),
        (32, "-tall"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("left", "previous", "Previous", key_display="←"),
        Binding("right,space", "next", "Next", key_display="→"),
        Binding("home", "first", "First"),
        Binding("end", "last", "Last"),
        Binding("t", "start_timer", "Start timer"),
        Binding("t", "pause_timer", "Pause timer"),
        Binding("0", "reset_timer", "Reset timer"),
        Binding("up", "scroll(-1)", "Scroll up", show=False),
        Binding("down", "scroll(1)", "Scroll down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
        Binding("pagedown", "scroll(10)", "Page down", show=False),
    ]

    index: reactive[int] = reactive(0, bindings=True, init=False)

    def __init__(
        self,
        course: Course,
        *,
        clock: Clock | None = None,
        start_key: str | None = None,
        config_dir: Path | None = None,
    ) -> None:
        """``clock`` reads seconds since the epoch (default: the app's ``--now``, else the
        real time); ``config_dir`` holds the timers file (default: the app's)."""
        super().__init__()
        self.course = course
        self._clock_given = clock
        self._clock: Clock = clock or time.time
        self._config_dir = config_dir
        # Any zone will do: the presenter shows course times, not the viewer's.
        self.flow: tuple[FlowStep, ...] = presenter_flow(build_agenda(course, "UTC"))
        self._scheduled = any(step.session is not None for step in self.flow)
        self._board: TimerBoard | None = None  # loaded on mount, from the app's config dir
        self._told: set[str] = set()  # save problems already shown
        self.set_reactive(PresenterScreen.index, self._start_index(start_key))

    def _start_index(self, key: str | None) -> int:
        """The flow position of the module holding ``key`` (a module, or any item in one).

        By the key alone: the learner's own experiments are not in the course to look up.
        """
        if key is None:
            return 0
        module_key = top_key(key)
        return next((i for i, step in enumerate(self.flow) if step.module.key == module_key), 0)

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="presenter"):
            yield Static(Text(one_line(self.course.title)), id="presenter-course")
            yield Static(id="presenter-where")
            yield Static(id="presenter-title")
            yield Static(id="presenter-clock")
            yield Static(id="presenter-status")
            with Horizontal(id="presenter-body"):
                with VerticalScroll(id="presenter-content", can_focus=False):
                    yield Static(Text("Notes", style="bold"), classes="presenter-heading")
                    yield Markdown(id="presenter-markdown", open_links=False)
                    yield Static(id="presenter-assignment")
                    yield Markdown(id="presenter-assignment-notes", open_links=False)
                    yield Static(id="presenter-resources")
                with Vertical(id="presenter-side"):
                    yield Countdown(id="presenter-countdown")
                    yield Static(id="presenter-others")
                    yield Static(id="presenter-next")
        yield KeysFooter()

    def on_mount(self) -> None:
        app = coursemate_app(self)
        if self._clock_given is None and app is not None and app.options.now is not None:
            self._clock = rehearsal_clock(app.options.now)
        config_dir = self._config_dir
        if config_dir is None:
            config_dir = app.config_dir if app is not None else paths.config_dir(None)
        self._board, problems = TimerBoard.load(config_dir, self.course.identity, self._clock)
        for problem in problems:
            self.notify(problem, severity="warning", timeout=10)
        self._show()
        self.set_interval(CLOCK_SECONDS, self.tick)

    @property
    def step(self) -> FlowStep | None:
        return self.flow[self.index] if self.flow else None

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def timer(self) -> ModuleTimer | None:
        """The current module's timer (created on first visit)."""
        step = self.step
        if step is None or self._board is None:
            return None
        return self._board.timer(step.module.key, step.module.minutes)

    def watch_index(self) -> None:
        self._say("")
        self._show()

    def _show(self) -> None:
        step = self.step
        where = self.query_one("#presenter-where", Static)
        title = self.query_one("#presenter-title", Static)
        markdown = self.query_one("#presenter-markdown", Markdown)
        resources = self.query_one("#presenter-resources", Static)
        assignment = self.query_one("#presenter-assignment", Static)
        assignment_notes = self.query_one("#presenter-assignment-notes", Markdown)
        following = self.query_one("#presenter-next", Static)
        if step is None:
            where.update(Text("No modules"))
            title.update(Text("This course has no modules to present."))
            markdown.update("")
            assignment_notes.display = False
            for widget in (resources, assignment, following):
                widget.update("")
            self.query_one(Countdown).display = False
            self.tick()
            return
        module = step.module
        where.update(self._where(step))
        title.update(Text(f"{module.number}. {one_line(module.title)}"))
        # Course Markdown is rendered as Markdown, never as Rich markup; links do not open here.
        markdown.update(module.content or "*No notes for this module.*")
        resources.update(self._resources(module.resources))
        assignment.update(self._assignment(module))
        assignment_notes.display = bool(module.assignment and module.assignment.content)
        assignment_notes.update(module.assignment.content if module.assignment else "")
        following.update(self._following())
        self.query_one("#presenter-content", VerticalScroll).scroll_home(animate=False)
        timer = self.timer()
        if timer is not None:
            self.query_one(Countdown).show(timer)
        self.tick()

    def tick(self) -> None:
        """Redraw what moves with the clock besides the countdown: the session clock and
        the timer running on another module."""
        self.query_one("#presenter-clock", Static).update(self._clock_line())
        self.query_one("#presenter-others", Static).update(self._others())

    def _where(self, step: FlowStep) -> Text:
        label = step.label
        if step.session is None and self._scheduled:
            label = f"Not scheduled · {label}"
        text = Text(label, style="bold")
        planned = step.planned
        if planned is not None and planned.start is not None:
            text.append(f"   planned {span(planned.start, planned.end)}", style="dim")
        text.append(f"   {duration(step.module.minutes)}", style="dim")
        return text

    def _clock_line(self) -> Text:
        """``Now 10:14 Europe/London · session ends 17:00 · behind by 14 min``."""
        step = self.step
        timer = self.timer()
        now = self.now()
        found = (
            session_clock(step, now, timer.elapsed() if timer is not None else 0.0)
            if step is not None
            else None
        )
        if found is None:
            local = now.astimezone()
            return Text(f"Now {clock(local)} local · no session time for this module", "dim")
        text = Text(f"Now {clock(found.now)} {found.zone}")
        if found.ends is not None:
            text.append(f" · session ends {clock(found.ends)}")
        if found.late_minutes is not None:
            style = "bold red" if found.late_minutes > 0 else "bold green"
            text.append(" · ")
            text.append(pace_text(found.late_minutes), style=style)
        elif found.day is not None:
            text.append(f" · this module is planned for {day_text(found.day)}", style="dim")
        return text

    def _others(self) -> Text:
        """The timer running on another module: "Module 2: 12:31 running"."""
        step, board = self.step, self._board
        if board is None:
            return Text("")
        by_key = {s.module.key: s.module for s in self.flow}
        lines = []
        for key in board.running():
            module = by_key.get(key)
            if module is None or (step is not None and key == step.module.key):
                continue
            shown = board.timer(key, module.minutes).display()
            lines.append(f"Module {module.number}: {shown} running")
        return Text("\n".join(lines), style="bold")

    def _resources(self, resources: tuple[Resource, ...]) -> RenderableType:
        if not resources:
            return Text("")
        heading = Text("Resources", style="bold")
        if self.has_class("-narrow"):
            # Narrow: each title gets the whole width, its details below it, so no title is
            # squeezed into a sliver beside a column of details.
            rows = Text()
            for res in resources:
                if rows:
                    rows.append("\n")
                rows.append("• ")
                rows.append(one_line(res.title) or "(untitled)")
                # Details on a line of their own: type and minutes never wrap apart.
                rows.append(f"\n  {self._details(res)}", style="dim")
            return Group(heading, rows)
        # Two columns, so type and minutes line up and never wrap apart on a projector;
        # long titles wrap within their own column.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=3, justify="right")  # the bullet, indented
        grid.add_column(ratio=1)  # wrapped titles keep to their own column
        grid.add_column(no_wrap=True, style="dim")
        for res in resources:
            grid.add_row("•", Text(one_line(res.title) or "(untitled)"), Text(self._details(res)))
        return Group(heading, grid)

    @staticmethod
    def _details(res: Resource) -> str:
        return ", ".join(p for p in (readable_kind(res.type), duration(res.minutes)) if p)

    @staticmethod
    def _assignment(module: Module) -> Text:
        if module.assignment is None:
            return Text("")
        text = Text()
        text.append("Assignment: ", style="bold")
        text.append(one_line(module.assignment.title))
        return text

    def _following(self) -> Text:
        if self.index + 1 >= len(self.flow):
            return Text("Last module", style="dim")
        upcoming = self.flow[self.index + 1].module
        return Text(f"Next: {upcoming.number}. {one_line(upcoming.title)}", style="dim")

    def _say(self, message: str) -> None:
        """A line under the title that answers a key with nothing to do (cleared on a move)."""
        status = self.query_one("#presenter-status", Static)
        status.update(Text(message))
        status.display = bool(message)

    def on_resize(self) -> None:
        # The resources' layout depends on the width class set by the breakpoints.
        step = self.step
        if step is not None:
            self.query_one("#presenter-resources", Static).update(
                self._resources(step.module.resources)
            )

    # --- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the timer key that does not apply; grey out jumps that go nowhere. The
        arrows stay live at either end, to say there is no more."""
        last = len(self.flow) - 1
        timer = self.timer()
        if action == "first":
            return None if self.index <= 0 else True
        if action == "last":
            return None if self.index >= last else True
        if action == "start_timer":
            return timer is not None and not timer.running
        if action == "pause_timer":
            return timer is not None and timer.running
        if action == "reset_timer":
            return None if timer is None or timer.phase == "ready" else True
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_previous(self) -> None:
        if self.index <= 0:
            self._say("This is the first module: there is none before it.")
            return
        self.index -= 1

    def action_next(self) -> None:
        if self.index >= len(self.flow) - 1:
            self._say("This is the last module: there is no more after it.")
            return
        self.index += 1

    def action_first(self) -> None:
        self.index = 0

    def action_last(self) -> None:
        self.index = max(len(self.flow) - 1, 0)

    def action_start_timer(self) -> None:
        step = self.step
        if step is None or self._board is None:
            return
        self._board.start(step.module.key, step.module.minutes)
        self._timer_changed()

    def action_pause_timer(self) -> None:
        timer = self.timer()
        if timer is not None:
            timer.pause()
            self._timer_changed()

    def action_reset_timer(self) -> None:
        timer = self.timer()
        if timer is not None:
            timer.reset()
            self._timer_changed()

    def action_scroll(self, lines: int) -> None:
        content = self.query_one("#presenter-content", VerticalScroll)
        content.scroll_relative(y=lines, animate=False)

    def _timer_changed(self) -> None:
        self.query_one(Countdown).tick()
        self.tick()
        self.refresh_bindings()
        problem = self._board.save() if self._board is not None else None
        if problem is not None and problem not in self._told:
            self._told.add(problem)
            self.notify(problem, severity="warning", timeout=10)
