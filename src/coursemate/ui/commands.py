"""Course commands for the command palette (ctrl+p) on the study screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from coursemate.ui.host import coursemate_app

Command = tuple[str, str, Callable[[], object]]  # name, help, callback


class CourseCommands(Provider):
    """Go to module…, reading list, switch learner, export…, and the study screen's other keys."""

    def commands(self) -> Iterator[Command]:
        # Imported here: the study screen imports this module to name it in its COMMANDS.
        from coursemate.ui.screens.study import StudyScreen

        study = self.screen
        if not isinstance(study, StudyScreen):
            return
        app = coursemate_app(study)
        yield (
            "Next unfinished",
            "jump to the next unfinished resource (n)",
            study.action_next_unfinished,
        )
        yield "Reading list", "every resource in a sortable table (r)", study.action_reading_list
        yield "Reading plan", "what to read each day until the class (P)", study.action_plan
        yield "Switch learner", "pick or create a learner profile (l)", study.action_switch_learner
        yield (
            "Filter",
            "filter the tree by titles, content and notes (/)",
            study.action_start_filter,
        )
        if app is not None:
            yield (
                "Export progress (Markdown)",
                "write this learner's progress to a Markdown file",
                partial(app.export, "markdown"),
            )
            yield (
                "Export progress (JSON)",
                "write this learner's progress to a JSON file",
                partial(app.export, "json"),
            )
            yield (
                "Export catch-up report",
                "the Markdown report to share at the catch-up",
                partial(app.export, "catchup"),
            )
        yield "Catch-up checklist", "chosen experiments and reflections (C)", study.action_catchup
        if app is not None:
            yield "Class view", "the class's progress from its shared folder", app.open_class
        yield "Agenda", "the course's sessions (g)", study.action_agenda
        yield (
            "Presenter",
            "full-screen module walk-through with a timer (p)",
            study.action_presenter,
        )
        if study.course.warnings:
            yield "Course warnings", "problems found in the course file (w)", study.action_warnings
        if app is not None:
            yield "Help", "every key (?)", app.action_help
        for module in study.course.modules:
            name = f"Go to module {module.number}: {module.title}"
            yield name, "show the module in the tree", partial(study.go_to, module.key)

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            if not name.startswith("Go to module"):
                yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlight(matcher, name), callback, text=name, help=help_text)


def highlight(matcher: Matcher, candidate: str) -> Content:
    """Like ``Matcher.highlight``, which parses the candidate as markup: module titles are
    course text, so they are wrapped in plain ``Content`` and only the matches are styled."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
