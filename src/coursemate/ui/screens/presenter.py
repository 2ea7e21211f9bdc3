"""The presenter: one module at a time, full screen, for a projector, with a countdown.

It walks the module flow in agenda order (syllabus order when the course has no sessions).
It receives only the course: learner notes, reflections and progress cannot appear here.
Each module keeps its own timer, so glancing back at the previous module and returning
loses nothing; starting one timer pauses any other, as there is only one class clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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

from coursemate.agenda import FlowStep, build_agenda, duration, span
from coursemate.course.keys import top_key
from coursemate.course.model import Course, Module, Resource
from coursemate.course.text import one_line
from coursemate.ui.widgets.countdown import Countdown, ModuleTimer
from coursemate.ui.widgets.keys_footer import KeysFooter


class PresenterScreen(Screen[None]):
    """Module title, position in the class, content, resources, assignment and a timer."""

    CSS_PATH = "trainer.tcss"
    # A laptop screen mirrored to a projector is often narrow: the timer column shrinks.
    # Not annotated: Screen declares it (see CoursemateApp.HORIZONTAL_BREAKPOINTS).
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (100, "-wide"),
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
        clock: Callable[[], float] = time.monotonic,
        start_key: str | None = None,
    ) -> None:
        super().__init__()
        self.course = course
        self._clock = clock
        # Any zone will do: the presenter shows course times, not the viewer's.
        self.flow: tuple[FlowStep, ...] = build_agenda(course, "UTC").flow()
        self._module_timers: dict[str, ModuleTimer] = {}
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
            with Horizontal(id="presenter-body"):
                with VerticalScroll(id="presenter-content", can_focus=False):
                    yield Markdown(id="presenter-markdown", open_links=False)
                    yield Static(id="presenter-resources")
                    yield Static(id="presenter-assignment")
                with Vertical(id="presenter-side"):
                    yield Countdown(id="presenter-countdown")
                    yield Static(id="presenter-next")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show()

    @property
    def step(self) -> FlowStep | None:
        return self.flow[self.index] if self.flow else None

    def timer(self) -> ModuleTimer | None:
        """The current module's timer (created on first visit)."""
        step = self.step
        if step is None:
            return None
        key = step.module.key
        if key not in self._module_timers:
            self._module_timers[key] = ModuleTimer(step.module.minutes, self._clock)
        return self._module_timers[key]

    def watch_index(self) -> None:
        self._show()

    def _show(self) -> None:
        step = self.step
        where = self.query_one("#presenter-where", Static)
        title = self.query_one("#presenter-title", Static)
        markdown = self.query_one("#presenter-markdown", Markdown)
        resources = self.query_one("#presenter-resources", Static)
        assignment = self.query_one("#presenter-assignment", Static)
        following = self.query_one("#presenter-next", Static)
        if step is None:
            where.update(Text("No modules"))
            title.update(Text("This course has no modules to present."))
            markdown.update("")
            for widget in (resources, assignment, following):
                widget.update("")
            self.query_one(Countdown).display = False
            return
        module = step.module
        where.update(self._where(step))
        title.update(Text(f"{module.number}. {one_line(module.title)}"))
        # Course Markdown is rendered as Markdown, never as Rich markup; links do not open here.
        markdown.update(module.content or "*No content for this module.*")
        resources.update(self._resources(module.resources))
        assignment.update(self._assignment(module))
        following.update(self._following())
        self.query_one("#presenter-content", VerticalScroll).scroll_home(animate=False)
        timer = self.timer()
        if timer is not None:
            self.query_one(Countdown).show(timer)

    @staticmethod
    def _where(step: FlowStep) -> Text:
        text = Text(step.label, style="bold")
        planned = step.planned
        if planned is not None and planned.start is not None:
            text.append(f"   planned {span(planned.start, planned.end)}", style="dim")
        text.append(f"   {duration(step.module.minutes)}", style="dim")
        return text

    @staticmethod
    def _resources(resources: tuple[Resource, ...]) -> RenderableType:
        if not resources:
            return Text("")
        # Two columns, so type and minutes line up and never wrap apart on a projector;
        # long titles wrap within their own column.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=3, justify="right")  # the bullet, indented
        grid.add_column(ratio=1)  # wrapped titles keep to their own column
        grid.add_column(no_wrap=True, style="dim")
        for res in resources:
            details = ", ".join(p for p in (one_line(res.type), duration(res.minutes)) if p)
            grid.add_row("•", Text(one_line(res.title) or "(untitled)"), Text(details))
        return Group(Text("Resources", style="bold"), grid)

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

    # --- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the timer key that does not apply; grey out moves that go nowhere."""
        last = len(self.flow) - 1
        timer = self.timer()
        if action in ("previous", "first"):
            return None if self.index <= 0 else True
        if action in ("next", "last"):
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
        self.index = max(self.index - 1, 0)

    def action_next(self) -> None:
        self.index = min(self.index + 1, max(len(self.flow) - 1, 0))

    def action_first(self) -> None:
        self.index = 0

    def action_last(self) -> None:
        self.index = max(len(self.flow) - 1, 0)

    def action_start_timer(self) -> None:
        timer = self.timer()
        if timer is None:
            return
        for other in self._module_timers.values():
            other.pause()  # one class clock at a time
        timer.start()
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
        self.refresh_bindings()
