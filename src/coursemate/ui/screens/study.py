"""The study screen: the syllabus tree, the reading pane, and the keys a learner lives by.

Every change goes through the learner store; after each one the progress maths runs again
from the store and the tree, header and pane are relabelled from it. Saving is the app's job
(it notices the store is dirty), so this screen never touches the disk.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Static

from coursemate.course.keys import top_key
from coursemate.course.model import Assignment, Course, Experiment, Module, Resource
from coursemate.progress.catchup import catchup
from coursemate.progress.maths import CourseProgress, course_progress
from coursemate.progress.plan import class_countdown, short_date
from coursemate.progress.store import OwnExperiment
from coursemate.progress.upnext import up_next
from coursemate.ui.commands import CourseCommands
from coursemate.ui.host import coursemate_app
from coursemate.ui.store_edits import apply_change
from coursemate.ui.widgets.detail_pane import DetailContext, DetailPane
from coursemate.ui.widgets.keys_footer import KeysFooter
from coursemate.ui.widgets.progress_header import ProgressHeader
from coursemate.ui.widgets.syllabus_items import PrereadingGroup, TreeItem
from coursemate.ui.widgets.syllabus_tree import SyllabusTree

if TYPE_CHECKING:
    from coursemate.progress.document import Status
    from coursemate.progress.store import Store


def search_text(item: TreeItem, note: str) -> str:
    """What the filter looks in: titles, content and the learner's note, case-folded."""
    parts: list[str] = [note]
    if isinstance(item, Module):
        parts += [item.title, item.content]
    elif isinstance(item, Resource):
        parts += [item.title, item.description, item.type]
    elif isinstance(item, Assignment):
        parts += [item.title, item.content]
    elif isinstance(item, Experiment | OwnExperiment):
        parts.append(item.text)
    return "\n".join(parts).casefold()


# Actions whose ``check_action`` answer depends on the selection or the store.
DYNAMIC_ACTIONS = (
    "open_link",
    "copy_link",
    "edit_note",
    "reflect",
    "choose_status",
    "add_experiment",
    "clear_filter",
    "warnings",
)


def item_key(item: TreeItem | None) -> str | None:
    if item is None or isinstance(item, Course):
        return None
    return item.key


def item_title(item: TreeItem) -> str:
    """The title a note is headed with: the item's title, or an experiment's text."""
    if isinstance(item, Experiment | OwnExperiment):
        return item.text
    return item.title


class StudyScreen(Screen[None]):
    """The app learners live in."""

    COMMANDS: ClassVar = {CourseCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_unfinished", "Next"),
        Binding("N", "previous_unfinished", "Previous", show=False),
        Binding("o", "open_link", "Open"),
        Binding("c", "copy_link", "Copy", show=False),
        Binding("e", "reflect", "Reflect"),
        Binding("e", "edit_note", "Note"),
        Binding("s", "choose_status", "Status"),
        Binding("a", "add_experiment", "Add"),
        Binding("slash", "start_filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter"),
        Binding("r", "reading_list", "Reading"),
        Binding("l", "switch_learner", "Learner", show=False),
        Binding("w", "warnings", "Warnings", show=False),
        Binding("g", "agenda", "Agenda"),
        Binding("p", "presenter", "Presenter"),
        Binding("C", "catchup", "Catch-up"),
        Binding("P", "plan", "Plan", show=False),
    ]

    filter_text: var[str] = var("")
    # init=False: the pane is filled once, where the learner left off, not first for nothing.
    selected: var[TreeItem | None] = var(None, always_update=True, init=False)

    def __init__(self, course: Course, store: Store) -> None:
        super().__init__()
        self.course = course
        self.store = store
        self.progress: CourseProgress = course_progress(course, store.done_keys(course.identity))
        self._binding_state: tuple[bool | None, ...] = ()
        self._detail_pending = False

    @property
    def course_id(self) -> str:
        return self.course.identity

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ProgressHeader(
            self.course,
            self.store.learner,
            self.progress,
            countdown=class_countdown(self.course, self.today()),
            next_title=self.next_title(),
        )
        with Horizontal(id="study-body"):
            with Vertical(id="study-left"):
                yield Input(placeholder="Filter titles, content, notes…", id="filter")
                yield Static("", id="filter-status", markup=False)
                yield SyllabusTree(self.course, self.store, self.progress, id="syllabus")
            yield DetailPane(id="detail")
        yield KeysFooter()

    def today(self) -> date:
        """The app's ``--today``, else the real date."""
        app = coursemate_app(self)
        return app.today() if app is not None else date.today()

    def next_title(self) -> str:
        """What comes first in course order, for the header: an unread resource (counted
        already), else a chosen experiment to run or reflect on."""
        key = self.progress.next_unfinished()
        if key is None:
            key = up_next(self.course, self.store).first
        return self.title_of(key) if key is not None else ""

    def title_of(self, key: str) -> str:
        found = self.course.find(key)
        if found is not None:
            return item_title(found)
        own = (o for o in self.store.own_experiments(self.course_id) if o.key == key)
        return next((o.text for o in own), key)

    @property
    def syllabus(self) -> SyllabusTree:
        return self.query_one(SyllabusTree)

    def on_mount(self) -> None:
        tree = self.syllabus
        # ``selected`` follows the tree's cursor node from here on, at once: not from
        # ``NodeHighlighted``, which arrives after the next key may already have been handled
        # and is not posted at all when a rebuild puts another node on the cursor's line.
        self.watch(tree, "cursor_line", self._follow_cursor, init=False)
        tree.focus()
        # The tree built its top level in its own on_mount (children mount first).
        self._restore_position()

    def _restore_position(self) -> None:
        """Put the cursor where the learner left off (or on the course)."""
        self.syllabus.place_cursor(self.store.last_position(self.course_id))
        self.selected = self.syllabus.cursor_item

    # --- reacting to the cursor and to changes --------------------------------------------

    def _detail_context(self) -> DetailContext:
        return DetailContext(self.course, self.store, self.progress)

    def _follow_cursor(self) -> None:
        item = self.syllabus.cursor_item
        if item is not self.selected:
            self.selected = item

    def watch_selected(self, item: TreeItem | None) -> None:
        key = item_key(item)
        if key is not None and key != self.store.last_position(self.course_id):
            # Every cursor move: quiet, and written by the autosave timer (see apply_change).
            apply_change(
                self,
                self.store,
                lambda: self.store.set_last_position(self.course_id, key),
                quiet=True,
                save=False,
            )
        self._refresh_bindings_if_changed()
        if not self._detail_pending:
            # After the next frame: the tree (on start, or after a move or tick) is painted
            # first, then the pane catches up. Presses faster than frames show only the last
            # item.
            self._detail_pending = True
            self.call_after_refresh(self._show_detail)

    def _show_detail(self) -> None:
        self._detail_pending = False
        self.query_one(DetailPane).show(self._detail_context(), self.selected)

    def _refresh_bindings_if_changed(self) -> None:
        """Tell the footer only when the keys that work changed.

        Every ``refresh_bindings`` makes the footer recompose all of its keys; on every
        cursor move that was most of the cost of a key press.
        """
        tree = self.syllabus
        state = tuple(self.check_action(a, ()) for a in DYNAMIC_ACTIONS) + tuple(
            tree.check_action(a, ()) for a in SyllabusTree.DYNAMIC_ACTIONS
        )
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def changed(self, *keys: str, recount: bool = False) -> None:
        """Recount progress (only the modules holding ``keys``, unless ``recount``) from the
        store, and relabel what shows it."""
        done = self.store.done_keys(self.course_id)
        if recount:
            self.progress = course_progress(self.course, done)
        else:
            self.progress = course_progress(self.course, done, since=self.progress, changed=keys)
        self.syllabus.update_progress(self.progress, keys)
        self.query_one(ProgressHeader).set_progress(self.progress, self.next_title())
        self.selected = self.syllabus.cursor_item

    def refresh_all(self) -> None:
        """After another screen (reading list, catch-up...) changed the store, anywhere."""
        self.changed(*self.syllabus.known_keys(), recount=True)

    def store_reloaded(self) -> None:
        """Another process wrote the store: show what changed and the experiments it added.

        Resources are relabelled only where done changed (relabelling every built node took
        a tenth of a second on a 500-module course); experiments and assignments always.
        """
        tree = self.syllabus
        if self.filter_text:
            # Notes and own experiments may match now, or no longer: filter again, with the
            # cursor kept on its item while the tree shows it.
            self._filter(self.filter_text, keep=item_key(self.selected))
        else:
            shown = set(tree.known_keys())
            for own in self.store.own_experiments(self.course_id):
                if own.key not in shown:
                    tree.add_own_experiment(own)
        known = tree.known_keys()
        counted = {*self.progress.order, *self.progress.modules}
        flipped = self.progress.done ^ self.store.done_keys(self.course_id)
        self.changed(*flipped, *(key for key in known if key not in counted))

    @on(SyllabusTree.Toggled)
    def _toggled(self, event: SyllabusTree.Toggled) -> None:
        self.changed(event.item.key)

    # --- which keys work now --------------------------------------------------------------

    def _link(self) -> str | None:
        item = self.selected
        return item.link if isinstance(item, Resource) else None

    def _chosen_experiment(self) -> Experiment | OwnExperiment | None:
        item = self.selected
        if isinstance(item, Experiment | OwnExperiment) and self.store.is_chosen(
            self.course_id, item.key
        ):
            return item
        return None

    def _assignment(self) -> Assignment | None:
        item = self.selected
        if isinstance(item, Assignment):
            return item
        if isinstance(item, Experiment | OwnExperiment):
            module = self.course.find(top_key(item.key))
            return module.assignment if isinstance(module, Module) else None
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.selected
        if action in ("open_link", "copy_link"):
            return self._link() is not None
        if action == "edit_note":
            return (
                item_key(item) is not None
                and not isinstance(item, PrereadingGroup)
                and (self._chosen_experiment() is None)
            )
        if action in ("reflect", "choose_status"):
            return self._chosen_experiment() is not None
        if action == "add_experiment":
            return self._assignment() is not None
        if action == "clear_filter":
            return bool(self.filter_text) or self.query_one("#filter", Input).display
        if action == "warnings":
            return bool(self.course.warnings)
        return True

    # --- actions --------------------------------------------------------------------------

    def go_to(self, key: str) -> bool:
        if self.filter_text and not self.syllabus.node_for(key):
            self.action_clear_filter()
        if self.syllabus.reveal(key):
            self.syllabus.focus()
            return True
        return False

    def action_next_unfinished(self) -> None:
        self._continue(backwards=False)

    def action_previous_unfinished(self) -> None:
        self._continue(backwards=True)

    def _continue(self, *, backwards: bool) -> None:
        """The next thing to do after the cursor (``backwards``: before it), wrapping round:
        unread resources, else chosen experiments to run, else to reflect on (see upnext)."""
        # From the store, not ``self.progress``: a toggle just before may not be counted yet.
        todo = up_next(self.course, self.store)
        key = todo.after(item_key(self.selected), backwards=backwards)
        if key is None:
            when = catchup(self.course, self.store).when
            on = f" — catch-up on {short_date(when, self.today())}" if when is not None else ""
            self.notify(f"All done{on}", title="Nothing left", markup=False)
            return
        if self.filter_text:
            self.action_clear_filter()
        self.go_to(key)

    def action_open_link(self) -> None:
        if (app := coursemate_app(self)) is not None:
            app.open_course_link(self._link())

    def action_copy_link(self) -> None:
        if (app := coursemate_app(self)) is not None:
            app.copy_course_link(self._link())

    def action_edit_note(self) -> None:
        from coursemate.ui.screens.note import NoteScreen

        item = self.selected
        key = item_key(item)
        if key is None or item is None:
            return
        title = item_title(item)

        def keep(text: str) -> None:
            self.store.set_note(self.course_id, key, text)

        def saved(text: str | None) -> None:
            if text is not None and apply_change(self, self.store, lambda: keep(text)):
                self.changed(key)

        note = NoteScreen(title, self.store.note(self.course_id, key), keep=keep)
        self.app.push_screen(note, saved)

    def action_reflect(self) -> None:
        exp = self._chosen_experiment()
        if exp is None:
            return
        from coursemate.ui.screens.reflection import ReflectionScreen

        screen = ReflectionScreen(self.store, self.course_id, exp.key, exp.text)
        self.app.push_screen(screen, lambda _result: self.changed(exp.key))

    def action_choose_status(self) -> None:
        """``s``: a picker of the four statuses (a cycle let one stray press undo "done")."""
        exp = self._chosen_experiment()
        if exp is None:
            return
        from coursemate.ui.screens.status_picker import StatusPicker

        state = self.store.experiment(self.course_id, exp.key)
        current = state.status if state is not None else ""

        def picked(status: Status | None) -> None:
            if status is None or status == current:
                return
            if apply_change(
                self, self.store, lambda: self.store.set_status(self.course_id, exp.key, status)
            ):
                self.changed(exp.key)
                self.notify(f"Status: {status}", timeout=2, markup=False)

        self.app.push_screen(StatusPicker(exp.text, current), picked)

    def action_add_experiment(self) -> None:
        assignment = self._assignment()
        if assignment is None:
            return
        from coursemate.ui.screens.reflection import AddExperimentScreen

        def added(text: str | None) -> None:
            if not text or not text.strip():
                return
            added_key = ""

            def add() -> None:
                nonlocal added_key
                added_key = self.store.add_own_experiment(
                    self.course_id, assignment.key, text.strip()
                )

            if not apply_change(self, self.store, add):
                return
            key = added_key
            mine = next(
                (o for o in self.store.own_experiments(self.course_id) if o.key == key), None
            )
            if mine is not None:
                self.syllabus.add_own_experiment(mine)
            self.changed(assignment.key, key)
            self.go_to(key)

        self.app.push_screen(AddExperimentScreen(assignment.title), added)

    def action_start_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        with box.prevent(Input.Changed):
            box.value = ""
        box.display = False
        self.filter_text = ""
        self.syllabus.focus()
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.syllabus.focus()

    def watch_filter_text(self, text: str) -> None:
        status = self.query_one("#filter-status", Static)
        tree = self.syllabus
        # A rebuild leaves the cursor on whatever node lands on its old line: always place it.
        if not text:
            status.display = False
            if tree.filtered:  # the unfiltered tree is built on mount: never build it twice
                shown = item_key(self.selected)  # the match the learner was on stays selected
                tree.rebuild(None)
                tree.place_cursor(shown)
            return
        self._filter(text)

    def _filter(self, text: str, *, keep: str | None = None) -> None:
        """Show only what matches ``text``; the cursor on ``keep`` while the tree shows it,
        else on the first match."""
        matches = self.matching_keys(text)
        self.syllabus.rebuild(matches)
        status = self.query_one("#filter-status", Static)
        status.display = True
        status.update(f"{len(matches)} match{'es' if len(matches) != 1 else ''} · escape clears")
        first = next((k for k, _ in self._searchable() if k in matches), None)
        self.syllabus.place_cursor(keep, first)
        self.refresh_bindings()

    def _searchable(self) -> list[tuple[str, TreeItem]]:
        from coursemate.ui.widgets.syllabus_items import walk_items

        items = list(walk_items(self.course))
        items += [(o.key, o) for o in self.store.own_experiments(self.course_id)]
        return items

    def matching_keys(self, text: str) -> frozenset[str]:
        terms = text.casefold().split()
        found = set()
        for key, item in self._searchable():
            haystack = search_text(item, self.store.note(self.course_id, key))
            if all(term in haystack for term in terms):
                found.add(key)
        return frozenset(found)

    def action_reading_list(self) -> None:
        from coursemate.ui.screens.reading_list import ReadingListScreen

        self.app.push_screen(
            ReadingListScreen(self.course, self.store), lambda _r: self.refresh_all()
        )

    def action_switch_learner(self) -> None:
        if (app := coursemate_app(self)) is not None:
            app.action_switch_learner()

    def action_warnings(self) -> None:
        from coursemate.ui.screens.error import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.course.warnings, self.course.source))

    def action_agenda(self) -> None:
        from coursemate.ui.screens.agenda import AgendaScreen

        self.app.push_screen(AgendaScreen(self.course))

    def action_presenter(self) -> None:
        from coursemate.ui.screens.presenter import PresenterScreen

        self.app.push_screen(PresenterScreen(self.course, start_key=item_key(self.selected)))

    def action_catchup(self) -> None:
        from coursemate.ui.screens.catchup import CatchupScreen

        self.app.push_screen(CatchupScreen(self.course, self.store), lambda _r: self.refresh_all())

    def action_plan(self) -> None:
        from coursemate.ui.screens.plan import PlanScreen

        def back(key: str | None) -> None:
            self.refresh_all()
            if key is not None:
                self.go_to(key)

        self.app.push_screen(PlanScreen(self.course, self.store, self.today()), back)
