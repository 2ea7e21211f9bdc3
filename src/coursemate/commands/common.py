"""Arguments and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from coursemate import paths

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.store import Store


class CommandError(Exception):
    """A failure to report in one plain line, with the exit code to use."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_course_argument(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    help_text = "course .md file or folder (default: the bundled PSPO course)"
    if many:
        parser.add_argument("courses", nargs="*", metavar="COURSE", help=help_text)
    else:
        parser.add_argument("course", nargs="?", metavar="COURSE", help=help_text)


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learner", metavar="NAME", help="learner profile (default: last used)")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"where learner stores live (default: ${paths.DATA_DIR_ENV} or the user data dir)",
    )


def add_site_url_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="base URL for site-relative links such as /resources/... (default: settings)",
    )


def course_path(value: str | None) -> Path:
    return Path(value).expanduser() if value else paths.bundled_course()


def load(value: str | None, site_url: str | None = None) -> Course:
    """Load the named course (or the bundled one); ``CourseError`` propagates to ``main``."""
    from coursemate.course.reader import load_course

    return load_course(course_path(value), site_url=site_url)


# --- learner store (mark, progress, export, import, learners) ------------------------------


def store_data_dir(args: argparse.Namespace) -> Path:
    """The data directory; when it comes from the settings and they cannot be read, stderr
    says so: else a damaged settings file would silently send learner data elsewhere."""
    import os

    override = getattr(args, "data_dir", None)
    if not override and not os.environ.get(paths.DATA_DIR_ENV):
        import sys

        from coursemate.course.text import clean
        from coursemate.settings import load_settings

        for message in load_settings(paths.config_dir(None))[1]:
            print(f"coursemate: {clean(message)}", file=sys.stderr)
    return paths.data_dir(override)


def open_store(args: argparse.Namespace, *, writes: bool = False, remember: bool = False) -> Store:
    """The learner's store named by ``--learner`` (default: last used, else the OS user).

    Opening never changes the default learner: a command that wrote calls ``remember`` after
    its save (``remember=True`` does it here, for callers that write in any case). A learner
    with no store yet is pointed out on stderr when it looks like a typo: another learner's
    name differing only by case ("Alice" for "alice"), or, for a command that only reads,
    any name while other learners exist. The store's messages go to stderr too.
    """
    import sys

    from coursemate.progress.learners import default_learner, remember_learner
    from coursemate.progress.store import Store, StoreError

    folder = store_data_dir(args)
    learner = args.learner if args.learner is not None else default_learner(folder)
    try:
        existed = store_exists(folder, learner)
        store = Store.open(folder, learner)
        if remember:
            remember_learner(folder, store.learner)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(
            f"cannot use the data directory {folder}: {exc.strerror or exc}"
        ) from exc
    from coursemate.course.text import clean

    if not existed:
        for line in new_learner_notes(folder, store.learner, writes=writes):
            print(f"coursemate: {clean(line)}", file=sys.stderr)
    for message in store.messages:  # they name files and quote what was wrong in them
        print(f"coursemate: {clean(message)}", file=sys.stderr)
    return store


def store_exists(folder: Path, learner: str) -> bool:
    """Whether ``learner`` has a store file (or its backup) in ``folder``; an unusable name
    says no here and is refused by ``Store.open``."""
    from coursemate.progress.names import LearnerNameError, learner_stem, normalise_learner

    try:
        stem = learner_stem(normalise_learner(learner))
    except LearnerNameError:
        return True
    return (folder / f"{stem}.json").exists() or (folder / f"{stem}.bak.json").exists()


def new_learner_notes(folder: Path, learner: str, *, writes: bool) -> list[str]:
    """What to say about opening ``learner``, who has no store in ``folder`` yet."""
    from coursemate.course.text import one_line
    from coursemate.progress.learners import list_learners, look_alikes

    alike = look_alikes(folder, learner)
    if alike:
        others = " or ".join(repr(one_line(name)) for name in alike)
        verb = "creating" if writes else "no store for"
        return [
            f"{verb} learner {one_line(learner)!r}, but {others} exists "
            f"(names differ by case only; use --learner {one_line(alike[0])!r} for theirs)"
        ]
    if writes:
        return []
    known = [one_line(s.name) for s in list_learners(folder)]
    if not known:
        return []
    return [
        f"no learner {one_line(learner)!r} yet (learners: {', '.join(known)}); "
        "showing an empty profile"
    ]


def remember(store: Store) -> None:
    """Make the store's learner the default (after a command succeeded)."""
    from coursemate.progress.learners import remember_learner

    try:
        remember_learner(store.data_dir, store.learner)
    except OSError as exc:
        raise CommandError(f"cannot write to {store.data_dir}: {exc.strerror or exc}") from exc


def save_store(store: Store) -> None:
    from coursemate.progress.store import StoreError

    try:
        store.save()
    except StoreError as exc:
        raise CommandError(str(exc)) from exc


def write_output(text: str, output: str | None) -> Path | None:
    """``text`` to stdout, or atomically to the file ``output``; the file written, if any."""
    import sys

    from coursemate.progress.atomic import write_atomic

    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    target = Path(output).expanduser()
    try:
        write_atomic(target, text.encode("utf-8", "backslashreplace"))
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target


def load_cached(value: str | None, site_url: str | None = None) -> Course:
    """``load`` through the parse cache (the store commands run often, e.g. in scripts)."""
    from coursemate.course.cache import load_course_cached

    return load_course_cached(course_path(value), site_url=site_url)
