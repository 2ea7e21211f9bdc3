"""The coursemate Textual app: opens a course and a learner store, then hands over to screens.

The app owns what outlives a screen: the course, the learner store, saving, settings and
signals. Loading happens in a thread worker so the first frame paints at once; workers report
back by message. Saving: the store's setters run on the UI thread (ui/store_edits.py); a
screen's ``SaveRequested``, or else a timer within half a second, has a thread worker save the
unsaved changes; quitting saves synchronously before the terminal is restored, and SIGHUP,
SIGTERM, SIGINT or a lost terminal save on a thread of their own and then exit with 128 + the
signal (see ui/shutdown.py).
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widgets import LoadingIndicator, Static
from textual.worker import get_current_worker

from coursemate import gc_policy, paths
from coursemate.course.text import clean
from coursemate.gc_policy import IDLE_AFTER, IdleCollector
from coursemate.settings import Settings, load_settings, save_settings
from coursemate.ui.after_frame import after_frame
from coursemate.ui.links import copy_message, resolve_link
from coursemate.ui.options import AppOptions
from coursemate.ui.shutdown import Shutdown, resume_guarded
from coursemate.ui.store_edits import SaveRequested
from coursemate.ui.store_watch import WATCH_INTERVAL, StoreReloaded, repaint

if TYPE_CHECKING:
    from concurrent.futures import Future

    from textual.driver import Driver
    from textual.timer import Timer

    from coursemate.course.model import Course, Problem
    from coursemate.progress.roster import RosterFuture
    from coursemate.progress.store import Store
    from coursemate.ui.export_file import ExportKind

SAVE_INTERVAL = 0.5  # seconds: the longest a change waits before it is written
# A course that opens faster than this never shows the spinner: a flash of animation would
# only cost the first paint time (the reference course opens in a few milliseconds).
SPINNER_DELAY = 0.25
# Seconds after the course opens: past the first frame and the reading pane's first fill,
# so settling memory and watching the store do not delay what the learner sees first.
SETTLE_DELAY = 0.1


class CoursemateApp(App[int]):
    """A terminal study companion for one course and one learner at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "coursemate"
    # Not annotated: App declares it (as a ClassVar inside an Optional, which a ClassVar here
    # would contradict).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]

    class CourseOpened(Message):
        """The loader read the course and opened the learner's store."""

        def __init__(self, course: Course, store: Store) -> None:
            self.course = course
            self.store = store
            super().__init__()

    class CourseFailed(Message):
        """The course (or the store) could not be opened; ``problem`` says what and where."""

        def __init__(self, problem: Problem) -> None:
            self.problem = problem
            super().__init__()

    class LearnerOpened(Message):
        """Another learner's store is open and replaces the current one."""

        def __init__(self, store: Store) -> None:
            self.store = store
            super().__init__()

    def __init__(self, options: AppOptions) -> None:
        super().__init__()
        self.options = options
        self.data_dir = paths.data_dir(options.data_dir, options.config_dir)
        self.config_dir = paths.config_dir(options.config_dir)
        # Read before the first frame so the remembered theme is there from the start.
        self.settings, self._startup_messages = load_settings(self.config_dir)
        if self.settings.theme and self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.course: Course | None = None
        self.store: Store | None = None
        self._saving = False
        self._last_save_error: str | None = None
        self._spinner: Timer | None = None
        self._collector = IdleCollector()
        self._collect_after_frame = False  # a young collection waits for the next frame
        # Taken by the first load: the options' read started before Textual was imported.
        self._prefetched: Future[Course] | None = options.prefetched
        self._prefetched_class: RosterFuture | None = options.prefetched_class
        # Store watch (see ui/store_watch.py): a reload in flight; the store last looked at,
        # how many of its messages were told and which of its merges shown; the last problem.
        self._reloading = False
        self._store_seen: tuple[Store | None, int, int] = (None, 0, 0)
        self._last_watch_error: str | None = None

    def today(self) -> date:
        """``--today`` (trainers preparing ahead, tests), else the real date."""
        return self.options.today or date.today()

    @property
    def site_url(self) -> str | None:
        return self.options.site_url or self.settings.site_url

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        # Every screen's notifications come here; they quote paths, keys and learner names
        # from stores, imports and course files.
        super().notify(
            clean(message), title=clean(title), severity=severity, timeout=timeout, markup=markup
        )

    # --- start ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text("Opening course…"), id="loading-message")

    def on_mount(self) -> None:
        self.set_interval(SAVE_INTERVAL, self._autosave)
        for message in self._startup_messages:
            self.notify(message, title="Settings", severity="warning", markup=False)
        target = self.options.course
        if target is not None:
            from coursemate.ui.screens.picker import PickerScreen, is_course_folder

            if is_course_folder(target):
                gc_policy.resume()
                self.push_screen(PickerScreen(target), self.open_course)
                return
        self.open_course(target if target is not None else paths.bundled_course())

    def open_course(self, path: Path | None) -> None:
        if path is not None:
            self.query_one("#loading-message", Static).update(Text(clean(f"Opening {path}…")))
            prefetched, self._prefetched = self._prefetched, None
            self._load(path, prefetched)
            self._spinner = self.set_timer(SPINNER_DELAY, self._show_spinner)

    def _show_spinner(self) -> None:
        self.screen_stack[0].mount(LoadingIndicator(id="loading"))

    @work(thread=True, exclusive=True, group="load")
    def _load(self, path: Path, prefetched: Future[Course] | None) -> None:
        from coursemate.course.cache import load_course_cached
        from coursemate.course.errors import CourseError
        from coursemate.course.model import Problem
        from coursemate.progress.learners import default_learner, remember_learner
        from coursemate.progress.store import Store, StoreError

        try:
            if prefetched is not None:
                course = prefetched.result()
            else:
                course = load_course_cached(
                    path, site_url=self.site_url, cache_dir=paths.cache_dir(self.options.cache_dir)
                )
        except CourseError as exc:
            self._post_unless_cancelled(self.CourseFailed(exc.problem))
            return
        try:
            learner = self.options.learner or default_learner(self.data_dir)
            store = Store.open(self.data_dir, learner)
            # Keep the text of chosen experiments, so a later course edit cannot orphan them
            # into bare keys in the catch-up report.
            store.remember_titles(course)
            remember_learner(self.data_dir, learner)
        except (StoreError, OSError) as exc:
            self._post_unless_cancelled(
                self.CourseFailed(Problem("error", str(exc), self.data_dir))
            )
            return
        self._post_unless_cancelled(self.CourseOpened(course, store))

    def _post_unless_cancelled(self, message: Message) -> None:
        """Post a thread worker's result unless a later load or learner switch replaced the
        worker (``exclusive`` cancels it, but a thread runs on to its end): the later one's
        result must not be overtaken by this one's."""
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_coursemate_app_course_opened(self, event: CourseOpened) -> None:
        from coursemate.ui.screens.study import StudyScreen

        self.course, self.store = event.course, event.store
        self._stop_loading_indicator()
        self._tell_store_messages(event.store)
        if self.options.class_dir is not None:  # ``--class DIR``: the study screen on escape
            self.open_class(self.options.class_dir)
        else:
            self.push_screen(StudyScreen(event.course, event.store))
        # After the first frame: the reminder is not what the learner opened the app to see.
        self.call_after_refresh(self._remind_of_catchup, event.course, event.store)
        # And once the reading pane has filled too, settle memory (see gc_policy.py).
        self.set_timer(SETTLE_DELAY, self._start_collector)
        self.set_timer(SETTLE_DELAY, self._start_store_watch)

    def _start_collector(self) -> None:
        self._collector.start()
        self.set_interval(IDLE_AFTER / 2, self._collector.tick)

    def _remind_of_catchup(self, course: Course, store: Store) -> None:
        """Once per start: the catch-up is near or past and reflections are missing."""
        from coursemate.progress.catchup import catchup_reminder

        message = catchup_reminder(course, store, self.today())
        if message:
            self.notify(message, title="Catch-up", timeout=12, markup=False)

    def on_coursemate_app_course_failed(self, event: CourseFailed) -> None:
        from coursemate.ui.screens.error import ErrorScreen

        self._stop_loading_indicator()
        self.push_screen(ErrorScreen(event.problem))
        gc_policy.resume()

    def _stop_loading_indicator(self) -> None:
        """The indicator animates at 16 fps even under another screen: remove it once done."""
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        for indicator in self.screen_stack[0].query(LoadingIndicator):
            indicator.remove()

    def _tell_store_messages(self, store: Store) -> None:
        # The store is now shown: later messages and merges are the store watch's to show.
        self._store_seen = (store, len(store.messages), store.disk_merges)
        for message in store.messages:
            self.notify(
                message, title="Learner store", severity="warning", timeout=10, markup=False
            )
        if store.read_only:
            self.notify(
                "This learner's progress is open read-only: changes will not be saved.",
                severity="warning",
                timeout=10,
            )

    # --- saving ---------------------------------------------------------------------------

    def _autosave(self) -> None:
        store = self.store
        if store is None or self._saving or store.read_only or not store.dirty:
            return
        self._saving = True
        self._save_in_thread(store)

    def on_save_requested(self, event: SaveRequested) -> None:
        """A screen changed the store (see ui/store_edits.py): save now, not at the next tick."""
        self._autosave()

    @work(thread=True, group="save")
    def _save_in_thread(self, store: Store) -> None:
        from coursemate.progress.store import StoreError

        try:
            store.save()
        except (StoreError, OSError) as exc:
            self.call_from_thread(self._report_save_error, str(exc))
        else:
            self._last_save_error = None
        finally:
            self._saving = False

    def _report_save_error(self, message: str) -> None:
        if message != self._last_save_error:  # say it once, not every half second
            self._last_save_error = message
            self.notify(
                message, title="Progress not saved", severity="error", timeout=15, markup=False
            )

    def save_now(self) -> str | None:
        """Save synchronously (quit, signals); the reason it failed, or None."""
        from coursemate.progress.store import StoreError

        store = self.store
        if store is None or store.read_only:
            return None
        try:
            self._keep_drafts()
            if not store.dirty:
                return None
            store.save()
        except (StoreError, OSError) as exc:
            return clean(str(exc))  # printed to the terminal after the app has gone
        return None

    def _keep_drafts(self) -> None:
        """Text typed in an editor still open reaches the store before the last save."""
        from coursemate.ui.store_edits import HoldsDraft

        for screen in list(self.screen_stack):
            if isinstance(screen, HoldsDraft):
                screen.keep_draft()

    async def action_quit(self) -> None:
        from coursemate.ui.screens.error import ErrorScreen

        problem = self.save_now()
        if problem is not None:
            self.exit(return_code=1, message=Text(f"coursemate: progress NOT saved: {problem}"))
            return
        # Quitting from the error screen still means the course could not be opened.
        failed = any(isinstance(screen, ErrorScreen) for screen in self.screen_stack)
        self.exit(return_code=1 if failed else 0)

    def on_unmount(self) -> None:
        # The last line of defence (ctrl+q, ctrl+c, errors): whatever is unsaved is written.
        self.save_now()
        self._collector.stop()

    # --- signals and a lost terminal (see ui/shutdown.py) ---------------------------------

    def get_driver_class(self) -> type[Driver]:
        return resume_guarded(super().get_driver_class())

    async def run_async(self, **options: Any) -> int | None:
        """``App.run_async`` with the signals handled; only the real run comes through here
        (``run_test`` does not), so tests never have their own signals taken over."""
        loop = asyncio.get_running_loop()

        def request_exit(status: int, problem: str | None) -> None:
            loop.call_soon_threadsafe(self._exit_after_signal, status, problem)

        with Shutdown(self.save_now, request_exit).armed():
            return await super().run_async(**options)

    def _exit_after_signal(self, status: int, problem: str | None) -> None:
        message = Text(f"coursemate: progress NOT saved: {problem}") if problem else None
        self.exit(return_code=status, message=message)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._collector.touch()
        # A key comes here twice: from the terminal, to be handed to the focused widget (which
        # marks it forwarded), then back from that widget to run its binding (``App._on_key``
        # runs inside ``on_event``). After the second, the action has run and asked for its
        # repaint, so "after refresh" is after the frame that answers the key.
        bound = isinstance(event, events.Key) and event.is_forwarded
        await super().on_event(event)
        if bound and not self._collect_after_frame:
            self._collect_after_frame = True
            after_frame(self, self._collect_young)

    def _collect_young(self) -> None:
        self._collect_after_frame = False
        self._collector.after_frame()

    # --- other processes' writes to the store ---------------------------------------------

    def _start_store_watch(self) -> None:
        self.set_interval(WATCH_INTERVAL, self._watch_store)

    def _watch_store(self) -> None:
        """Once a second: a stat, and a reload in a worker only when the file changed."""
        store = self.store
        if store is None:
            return
        # An autosave may have merged another process's write in: show it as a reload would.
        self._show_store_changes(store)
        # Our own save updates the store's signature when it finishes: never look meanwhile.
        if self._saving or self._reloading or not store.changed_on_disk():
            return
        self._reloading = True
        self._reload_in_thread(store)

    @work(thread=True, group="store-watch")
    def _reload_in_thread(self, store: Store) -> None:
        from coursemate.progress.store import StoreError

        try:
            store.reload_changes()
        except (StoreError, OSError) as exc:
            self.call_from_thread(self._report_watch_error, store, str(exc))
        else:
            self._last_watch_error = None
            self.post_message(StoreReloaded(store))
        finally:
            self._reloading = False

    def on_store_reloaded(self, event: StoreReloaded) -> None:
        if event.store is not self.store:
            return  # the learner was switched meanwhile
        self._show_store_changes(event.store)
        if event.store.dirty:
            # Unsaved here, or the file lost some of our state (deleted, damaged, an older
            # copy put back): write it now.
            self._autosave()

    def _show_store_changes(self, store: Store) -> int:
        """Tell the store's new messages (a reload or save found a damaged file) once each,
        and repaint the screens if a merge changed it; how many messages were told."""
        seen, told, shown = self._store_seen
        if seen is not store:  # not shown yet (see _tell_store_messages): nothing to show
            told, shown = len(store.messages), store.disk_merges
        fresh = store.messages[told:]
        merges = store.disk_merges
        self._store_seen = (store, told + len(fresh), merges)
        for message in fresh:
            self.notify(
                message, title="Learner store", severity="warning", timeout=15, markup=False
            )
        if merges != shown:
            repaint(self.screen_stack, store)
        return len(fresh)

    def _report_watch_error(self, store: Store, message: str) -> None:
        # A newer coursemate's file makes the store read-only with a message: told once there.
        if self._show_store_changes(store) or message == self._last_watch_error:
            return
        self._last_watch_error = message
        self.notify(
            message, title="Changes not loaded", severity="warning", timeout=15, markup=False
        )

    # --- theme ----------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if theme == self.settings.theme:
            return
        self.settings = self.settings.with_theme(theme)
        self._write_settings(self.settings)

    def _write_settings(self, settings: Settings) -> None:
        try:
            save_settings(self.config_dir, settings)
        except OSError as exc:
            self.notify(f"Settings not saved: {exc}", severity="warning", markup=False)

    # --- links ----------------------------------------------------------------------------

    def open_course_link(self, link: str | None) -> None:
        target = resolve_link(link, self.site_url)
        if target.url is None:
            self.notify(
                target.problem or "nothing to open",
                title="Not opened",
                severity="warning",
                markup=False,
            )
            return
        self.notify(target.url, title="Opening", timeout=3, markup=False)
        self._open_in_browser(target.url)

    @work(thread=True, group="browser")
    def _open_in_browser(self, url: str) -> None:
        from coursemate.ui.links import open_in_browser

        problem = open_in_browser(url)
        if problem is not None:
            self.call_from_thread(
                self.notify, problem, title="Not opened", severity="warning", markup=False
            )

    def copy_course_link(self, link: str | None) -> None:
        target = resolve_link(link, self.site_url)
        if target.url is None:
            self.notify(
                target.problem or "nothing to copy",
                title="Not copied",
                severity="warning",
                markup=False,
            )
            return
        self.copy_to_clipboard(target.url)
        import os

        message = copy_message(target.url, os.environ)
        self.notify(message, title="Link copied", timeout=10, markup=False)

    # --- app-wide actions -----------------------------------------------------------------

    def action_help(self) -> None:
        from coursemate.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_switch_learner(self) -> None:
        if self.store is not None:
            self._list_learners(self.store.learner)

    @work(thread=True, exclusive=True, group="learners")
    def _list_learners(self, current: str) -> None:
        from coursemate.progress.learners import list_learners
        from coursemate.ui.screens.learner import LearnerScreen

        learners = list_learners(self.data_dir)
        self.call_from_thread(
            self.push_screen, LearnerScreen(learners, current), self._learner_chosen
        )

    def _learner_chosen(self, name: str | None) -> None:
        if name and self.store is not None and name != self.store.learner:
            self._open_learner(self.store, name)

    @work(thread=True, exclusive=True, group="load")
    def _open_learner(self, current: Store, name: str) -> None:
        from coursemate.progress.learners import remember_learner
        from coursemate.progress.store import Store, StoreError

        try:
            if current.dirty and not current.read_only:
                current.save()
            store = Store.open(self.data_dir, name)
            remember_learner(self.data_dir, name)
        except (StoreError, OSError) as exc:
            self.call_from_thread(
                self.notify, str(exc), title="Learner", severity="error", markup=False
            )
            return
        self._post_unless_cancelled(self.LearnerOpened(store))

    def on_coursemate_app_learner_opened(self, event: LearnerOpened) -> None:
        from coursemate.ui.screens.study import StudyScreen

        if self.course is None:
            return
        self.store = event.store
        self._tell_store_messages(event.store)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, StudyScreen):
            self.pop_screen()
        study = StudyScreen(self.course, event.store)
        if isinstance(self.screen, StudyScreen):
            self.switch_screen(study)
        else:
            self.push_screen(study)
        self.notify(Text(f"Learner: {event.store.learner}").plain, timeout=3, markup=False)

    def open_class(self, folder: Path | None = None) -> None:
        """The Class screen of ``folder`` (else ``--class``'s; else it asks for one)."""
        from coursemate.ui.screens.class_ import ClassScreen

        if self.course is None:
            return
        folder = folder or self.options.class_dir
        # The read ``coursemate --class`` started, for the first Class screen of that folder.
        prefetched, self._prefetched_class = self._prefetched_class, None
        if folder != self.options.class_dir:
            prefetched = None
        self.push_screen(ClassScreen(self.course, folder, prefetched))

    def export(self, kind: ExportKind) -> None:
        """Export progress ("markdown", "json") or the catch-up report ("catchup") to a file."""
        if self.course is None or self.store is None:
            return
        problem = self.save_now()
        if problem is not None:
            self.notify(problem, title="Not exported", severity="error", markup=False)
            return
        self._export(kind, self.course, self.store)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, kind: ExportKind, course: Course, store: Store) -> None:
        from coursemate.ui.export_file import write_export

        try:
            target = write_export(kind, course, store, self.data_dir)
        except OSError as exc:
            self.call_from_thread(
                self.notify, str(exc), title="Not exported", severity="error", markup=False
            )
            return
        self.call_from_thread(self.notify, str(target), title="Exported", timeout=8, markup=False)
