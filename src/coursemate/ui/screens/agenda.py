"""The agenda: the course's sessions with planned module times, unplanned time, overruns and
warnings, on the course's clock or (``z``) the viewer's.

Built from ``coursemate.agenda`` (the same maths as ``coursemate agenda``). Course text is put
into Rich ``Text`` cells, never parsed as markup.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from coursemate.agenda import (
    Agenda,
    EventPlan,
    PlannedModule,
    SessionPlan,
    UnknownZoneError,
    ViewerZone,
    build_agenda,
    course_when,
    day_text,
    duration,
    local_when,
    session_when,
    slot,
)
from coursemate.course.model import Course, Module
from coursemate.course.text import one_line
from coursemate.plural import counted
from coursemate.ui.widgets.keys_footer import KeysFooter


def _when(planned: PlannedModule, view: ViewerZone | None = None) -> str:
    return slot(planned.start, planned.end, view)


class AgendaScreen(Screen[None]):
    """Read-only: scroll with the arrows, ``z`` switches between the course's clock and the
    viewer's, ``p`` presents from the first module."""

    CSS_PATH = "trainer.tcss"
    AUTO_FOCUS = "#agenda-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("p", "present", "Present"),
        # One key, two bindings: ``check_action`` keeps the one that says where ``z`` goes.
        Binding("z", "local_time", "Your time"),
        Binding("z", "course_time", "Course time"),
    ]

    def __init__(
        self, course: Course, tz: str | None = None, *, now: datetime | None = None
    ) -> None:
        """``tz`` is the viewer's zone (default: the system's; tests fix it); ``now`` tells
        whether the course is over (default: the real now)."""
        super().__init__()
        self.course = course
        self.now = now
        self.local_view = False  # False: each session's own clock; True: the viewer's
        self.zone_problem: str | None = None
        try:
            self.agenda: Agenda = build_agenda(course, tz)
        except UnknownZoneError as exc:
            # The app passes what the user typed; fall back to the system's zone and say so.
            self.zone_problem = f"{exc}; showing your computer's timezone instead"
            self.agenda = build_agenda(course, None)
        viewer = self.agenda.viewer
        spans = [
            _when(p, view)
            for view in (None, viewer)
            for s in self.agenda.sessions
            for p in s.modules
        ]
        self._time_width = max((len(t) for t in spans), default=5)

    @property
    def view(self) -> ViewerZone | None:
        """The clock times are shown on: None for each session's own."""
        return self.agenda.viewer if self.local_view else None

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), id="agenda-heading")
        with VerticalScroll(id="agenda-scroll"):
            ended = self.agenda.ended(self.now or datetime.now().astimezone())
            if ended is not None:
                yield Static(
                    Text(
                        f"This course is over: its last session ended {day_text(ended)}. "
                        "This is how it was planned.",
                        style="italic",
                    ),
                    id="agenda-over",
                    classes="agenda-section",
                )
            warnings = self._warnings()
            if warnings is not None:
                yield Static(warnings, id="agenda-warnings")
            if not self.agenda.scheduled:
                yield Static(self._no_sessions(), classes="agenda-section")
            for number, event in enumerate(self.agenda.events, start=1):
                yield Static(self._event_heading(number, event), classes="agenda-event")
                if not event.sessions:
                    yield Static(Text("No sessions."), classes="agenda-session")
                for session in event.sessions:
                    yield Static(self._session(session), classes="agenda-session")
            if self.agenda.scheduled and self.agenda.unscheduled:
                yield Static(self._unscheduled(), classes="agenda-section")
            if self.agenda.scheduled or self.agenda.catch_up is not None:
                yield Static(self._catch_up(self.agenda.catch_up), classes="agenda-section")
        yield KeysFooter()

    # --- renderables --------------------------------------------------------------------

    def _heading(self) -> Text:
        text = Text()
        text.append(one_line(self.agenda.title), style="bold")
        text.append("  agenda", style="dim")
        name = one_line(self.agenda.viewer.name)
        if self.local_view:
            text.append(f"\nTimes in your timezone: {name} · z: the course's", style="dim")
        else:
            text.append(f"\nTimes in each session's timezone · z: yours ({name})", style="dim")
        return text

    def _warnings(self) -> Text | None:
        lines = list(self.agenda.warnings())
        if self.zone_problem:
            lines.insert(0, self.zone_problem)
        if not lines:
            return None
        text = Text()
        text.append(f"⚠ {counted(len(lines), 'warning')}\n", style="bold")
        text.append("\n".join(f"• {line}" for line in lines))
        return text

    def _no_sessions(self) -> Group:
        table = self._module_table()
        for module in self.agenda.syllabus:
            table.add_row(Text(""), *self._module_cells(module))
        return Group(
            Text("No sessions scheduled. The modules in syllabus order:", style="bold"),
            table,
        )

    @staticmethod
    def _event_heading(number: int, event: EventPlan) -> Text:
        parts = [f"Event {number}"]
        if event.start_date is not None:
            day = event.start_date
            parts.append(f"starts {day:%a} {day.day} {day:%b %Y}")
        parts.append(one_line(event.location) or "no location given")
        return Text(" · ".join(parts))

    def _session(self, session: SessionPlan) -> RenderableType:
        view = self.view
        title = Text(f"{session.label}  ", style="bold")
        title.append(session_when(session, view))
        if view is None:
            other = local_when(session, self.agenda.viewer)
        else:
            course = course_when(session, view)
            other = f"course time: {course}" if course else None
        if other:
            title.append(f"\n{' ' * (len(session.label) + 2)}{other}", style="dim")
        table = self._module_table()
        for planned in session.modules:
            when = _when(planned, view)
            cells = self._module_cells(planned.module)
            if planned.overrun:
                cells[-1].append("  overrun", style="bold red")
            table.add_row(Text(when), *cells)
        for unknown in session.unknown_ids:
            table.add_row(Text(""), Text(f"? unknown module '{one_line(unknown)}'"), Text(""))
        if not session.modules and not session.unknown_ids:
            table.add_row(Text(""), Text("No modules named.", style="dim"), Text(""))
        if session.unplanned is not None:
            table.add_row(
                Text(slot(*session.unplanned, view), style="dim"),
                Text("Unplanned time", style="dim italic"),
                Text(duration(session.unallocated_minutes), style="dim"),
            )
        summary = Text(f"{session.planned_minutes} min planned", style="dim")
        if session.length_minutes is not None:
            summary = Text(
                f"{session.planned_minutes} of {session.length_minutes} min planned", style="dim"
            )
        if session.unallocated_minutes:
            summary.append(
                f" · unplanned time: {duration(session.unallocated_minutes)}", style="dim"
            )
        if session.overrun_minutes:
            summary.append(
                f" · overrun: {duration(session.overrun_minutes)} more than the session",
                style="bold red",
            )
        return Group(title, table, summary)

    def _module_table(self) -> Table:
        # Every table spans the width with the same fixed columns, so sessions line up.
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
        table.add_column(Text("Time"), no_wrap=True, width=max(self._time_width, 11))
        table.add_column(Text("Module"), ratio=1)
        table.add_column(Text("Duration"), justify="right", no_wrap=True, width=10)
        return table

    @staticmethod
    def _module_cells(module: Module) -> list[Text]:
        return [Text(f"{module.number}. {one_line(module.title)}"), Text(duration(module.minutes))]

    def _unscheduled(self) -> Group:
        table = self._module_table()
        for module in self.agenda.unscheduled:
            table.add_row(Text(""), *self._module_cells(module))
        return Group(Text("Not in any session", style="bold"), table)

    @staticmethod
    def _catch_up(day: date | None) -> Text:
        text = Text()
        text.append("Catch-up  ", style="bold")
        if day is None:  # the last session is too near the end of the calendar
            text.append("not scheduled")
            return text
        text.append(f"{day:%a} {day.day} {day:%b %Y}")
        text.append("  (two weeks after the last session)", style="dim")
        return text

    # --- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "local_time":
            return not self.local_view
        if action == "course_time":
            return self.local_view
        return True

    async def _show(self, local: bool) -> None:
        self.local_view = local
        await self.recompose()
        self.query_one("#agenda-scroll").focus()  # the old one went with the recompose
        self.refresh_bindings()

    async def action_local_time(self) -> None:
        await self._show(True)

    async def action_course_time(self) -> None:
        await self._show(False)

    def action_back(self) -> None:
        self.dismiss()

    def action_present(self) -> None:
        from coursemate.ui.screens.presenter import PresenterScreen

        self.app.push_screen(PresenterScreen(self.course))
