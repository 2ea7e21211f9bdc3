"""``coursemate [open] [COURSE]``: the app."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from coursemate.commands import COMMANDS
from coursemate.commands.common import (
    CommandError,
    add_course_argument,
    add_site_url_argument,
    add_store_arguments,
)
from coursemate.commands.plan import iso_date
from coursemate.gc_policy import pause_for_start
from coursemate.ui.options import AppOptions

if TYPE_CHECKING:
    from concurrent.futures import Future

    from coursemate.course.model import Course
    from coursemate.progress.roster import RosterFuture


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("open", help="open the app on a course or a folder of courses")
    add_course_argument(parser)
    add_store_arguments(parser)
    add_site_url_argument(parser)
    parser.add_argument(
        "--now",
        type=_moment,
        metavar="DATETIME",
        help="rehearse: the presenter's clock starts at this ISO date and time with its UTC"
        " offset (2025-11-07T10:14+00:00) and runs on from there",
    )
    parser.add_argument(
        "--class",
        dest="class_dir",
        metavar="DIR",
        help="open on the Class screen: the class's progress from its shared folder DIR",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="count the class countdown and the reading plan from this day",
    )
    parser.set_defaults(func=run)


NOW_YEARS = (1970, 9998)  # what --now accepts


def _moment(text: str) -> datetime:
    """``--now``'s value: an ISO date and time that says its offset from UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date and time with a UTC offset, such as"
            " 2025-11-07T10:14+00:00"
        )
    # The clock runs on from it and is shown in other zones: near year 1 or 9999 that leaves
    # the calendar Python can hold (the presenter ended in a traceback).
    if not NOW_YEARS[0] <= moment.year <= NOW_YEARS[1]:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the year should be from {NOW_YEARS[0]} to {NOW_YEARS[1]}"
        )
    return moment


def run(args: argparse.Namespace) -> int:
    if args.course:
        _refuse_missing(args.course)
    course = Path(args.course).expanduser() if args.course else None
    class_dir = _class_folder(args.class_dir)
    # Start-up allocates a great many long-lived objects and little garbage: collecting while
    # it runs only walks them again and again (see gc_policy.py).
    pause_for_start()
    prefetched = _start_reading(course, args.site_url)
    options = AppOptions(
        course=course,
        learner=args.learner,
        data_dir=Path(args.data_dir).expanduser() if args.data_dir else None,
        site_url=args.site_url,
        # A rehearsal at --now is on that day for the header and the plan too, unless --today
        # says otherwise.
        today=args.today or (args.now.date() if args.now is not None else None),
        now=args.now,
        class_dir=class_dir,
        prefetched=prefetched,
        prefetched_class=_start_reading_class(prefetched, class_dir),
    )
    from coursemate.ui.factory import create_app

    app = create_app(options)  # imports Textual: the read overlaps it
    app.run()
    return app.return_code or 0


def _refuse_missing(course: str) -> None:
    """A course that is not there is a typo: say so on the command line, not in a full-screen app.

    A bare word (no ``.md``, no folder separator) was more likely meant as a command.
    """
    if Path(course).expanduser().exists():
        return
    if "/" not in course and "\\" not in course and not course.lower().endswith(".md"):
        raise CommandError(
            f"{course!r} is neither a command ({', '.join(COMMANDS)}) nor a course file or folder;"
            " see 'coursemate --help'",
            exit_code=2,
        )
    raise CommandError(f"{course}: no such course file or folder")


def _class_folder(value: str | None) -> Path | None:
    """``--class DIR``, refused on the command line when DIR is no folder."""
    if value is None:
        return None
    from coursemate.progress.roster import RosterError, check_folder

    folder = Path(value).expanduser()
    try:
        check_folder(folder)
    except RosterError as exc:
        raise CommandError(str(exc)) from exc
    return folder


def _start_reading_class(course: Future[Course] | None, folder: Path | None) -> RosterFuture | None:
    """Start reading ``--class``'s folder as soon as the course is read (see ``_start_reading``)."""
    if course is None or folder is None:
        return None
    import shutil

    from coursemate.progress.roster import prefetch_class

    # A screenful of rows first: the terminal the app is about to fill.
    return prefetch_class(course, folder, shutil.get_terminal_size().lines)


def _start_reading(course: Path | None, site_url: str | None) -> Future[Course] | None:
    """Start reading the course the app is about to open, before Textual is imported.

    Only for a single course file: a folder may open the picker instead. The app takes the
    result from its options; it must be read with the site URL and cache dir the app uses.
    """
    from coursemate import paths
    from coursemate.course.cache import prefetch
    from coursemate.settings import load_settings

    target = course if course is not None else paths.bundled_course()
    if not target.is_file():
        return None
    # The app's own defaults (AppOptions leaves config_dir and cache_dir unset).
    settings, _ = load_settings(paths.config_dir(None))
    return prefetch(target, site_url=site_url or settings.site_url, cache_dir=paths.cache_dir())
