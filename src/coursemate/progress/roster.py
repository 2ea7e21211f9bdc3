"""The trainer's view of a class: every learner's progress in one course, read from a folder.

A class's shared folder holds learners' store files and their ``export --format json`` files,
in any sub-folders. ``read_class`` finds every file under it, reads each one (in a thread pool:
the reads wait on the disk, a synced or network folder most of all), keeps the stores and
exports that hold progress for the course, and lists every other file as skipped with the
reason. Files of the same learner (a store and an export, or stores from two machines) are
merged register by register, the later write winning, as a store merges an import: nothing is
counted twice. Nothing is ever written into the folder.

The figures come from the learner's own maths (``course_progress``, ``build_checklist``), so a
row says what ``coursemate progress`` and the catch-up checklist say for that learner. No
Textual here: the ``class`` command and the Class screen only render a ``ClassRoster``.
"""

from __future__ import annotations

import json
import os
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, Literal

from coursemate.course.text import one_line
from coursemate.plural import counted
from coursemate.progress.atomic import NotRegularFileError, read_regular
from coursemate.progress.checklist import build_checklist
from coursemate.progress.document import (
    AT_FORMAT,
    MAX_STORE_BYTES,
    SCHEMA_VERSION,
    Doc,
    ShapeError,
    check_document,
    json_problem,
    merge_documents,
    repair,
    schema_version_of,
    utcnow,
)
from coursemate.progress.maths import ModuleProgress, course_progress
from coursemate.progress.state import LearnerState

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.checklist import Checklist

EXPORT_FORMAT = "coursemate-progress"  # the ``format`` of ``export --format json`` files
FileKind = Literal["store", "export"]
READ_WORKERS = 4  # file reads at once: they wait on the disk, not on each other
# A file larger than this is checked as soon as it is parsed, not kept parsed until its row:
# parsed JSON takes twenty times its size or more (a 60 MB file of "{}," took 1.5 GB), and
# a few such files in a shared folder ran the trainer's machine out of memory. A learner's
# store is a few kilobytes; this only ever delays the row of someone with an enormous one.
CHECK_AT_ONCE_BYTES = 2**20
STRIP_MARKS = "·▂▄▆█"  # a module: nothing done, a quarter-ish … three quarters-ish, all done


class RosterError(ValueError):
    """The folder cannot make a roster: missing, not a folder, no learners, no modules."""


class ReadStopped(Exception):
    """``read_class`` was told to stop: whoever asked for the roster no longer wants it."""


Stop = Callable[[], bool]  # asked between files and folders: True ends the read


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str  # relative to the class folder
    reason: str


@dataclass(frozen=True, slots=True)
class Source:
    path: str  # relative to the class folder
    kind: FileKind


@dataclass(frozen=True, slots=True)
class _Found:
    """One usable file: whose it is and its document, cut down to the course."""

    learner: str  # NFC, cleaned, on one line: files of the same learner share it
    doc: Doc
    source: Source


@dataclass(frozen=True, slots=True)
class ExperimentCount:
    key: str  # the course's key; for the learners' own experiments, the assignment's
    text: str  # one line
    own: bool  # learners' own experiments, counted together
    learners: int


@dataclass(frozen=True, slots=True)
class LearnerRow:
    learner: str  # as the files name them, on one line
    sources: tuple[Source, ...]
    prereading: ModuleProgress
    resources: ModuleProgress  # every module resource (pre-reading is apart)
    modules: tuple[ModuleProgress, ...]  # in course order
    chosen: int
    running: int
    done: int
    reflected: int
    last_activity: datetime | None
    # The merged progress and its checklist: for reflections and the class's experiments.
    state: LearnerState = field(compare=False, repr=False)
    checklist: Checklist = field(compare=False, repr=False)

    @property
    def started(self) -> bool:
        """Has the learner done any pre-reading or resource, or chosen an experiment?"""
        return self.prereading.items_done + self.resources.items_done > 0 or self.chosen > 0

    @property
    def strip(self) -> str:
        """One mark per module (``STRIP_MARKS``); a module with nothing to read shows ``-``."""
        return "".join(module_mark(p) for p in self.modules)


def module_mark(p: ModuleProgress) -> str:
    if p.items_total == 0:
        return "-"
    if p.items_done == p.items_total:
        return STRIP_MARKS[-1]
    if p.items_done == 0:
        return STRIP_MARKS[0]
    return STRIP_MARKS[1 + min(p.percent * 3 // 100, 2)]


@dataclass(frozen=True, slots=True)
class ClassTotals:
    learners: int
    started: int
    prereading_finished: int  # learners with every pre-reading item done
    prereading_percent: int  # the class's average
    resources_percent: int
    modules_finished: tuple[int, ...]  # per module, in course order: learners done with it
    chosen: int
    running: int
    done: int
    reflected: int


@dataclass(frozen=True)
class ClassRoster:
    course: Course
    folder: Path
    learners: tuple[LearnerRow, ...]  # by name
    skipped: tuple[Skipped, ...]  # by path

    @property
    def not_started(self) -> list[LearnerRow]:
        return [row for row in self.learners if not row.started]

    def totals(self) -> ClassTotals:
        rows = self.learners
        count = len(rows)

        def average(values: Iterable[int]) -> int:
            return sum(values) // count if count else 0

        return ClassTotals(
            learners=count,
            started=sum(1 for r in rows if r.started),
            prereading_finished=sum(
                1 for r in rows if r.prereading.items_total and r.prereading.percent == 100
            ),
            prereading_percent=average(r.prereading.percent for r in rows),
            resources_percent=average(r.resources.percent for r in rows),
            modules_finished=tuple(
                sum(1 for r in rows if r.modules[i].items_total and r.modules[i].percent == 100)
                for i in range(len(self.course.modules))
            ),
            chosen=sum(r.chosen for r in rows),
            running=sum(r.running for r in rows),
            done=sum(r.done for r in rows),
            reflected=sum(r.reflected for r in rows),
        )

    def summary_lines(self) -> list[str]:
        """The class totals and who has not started, as lines of plain text."""
        t = self.totals()
        first = f"{counted(t.learners, 'learner')}, {t.started} started"
        if self.course.prereading:
            first += (
                f"; pre-reading finished by {t.prereading_finished}, "
                f"on average {t.prereading_percent}% done"
            )
        lines = [
            f"{first}; resources on average {t.resources_percent}% done",
            f"Experiments: {t.chosen} chosen, {t.running} running, {t.done} done, "
            f"{t.reflected} reflected",
        ]
        waiting = self.not_started
        if waiting:
            names = ", ".join(row.learner for row in waiting)
            lines.append(f"Not started ({len(waiting)}): {names}")
        else:
            lines.append("Everyone has started.")
        return lines

    def most_chosen(self) -> list[tuple[str, list[ExperimentCount]]]:
        """Per module with a chosen experiment (module key, in course order): the experiments
        the class chose, most learners first; the learners' own ones counted as one line."""
        counts: dict[str, Counter[str]] = {}
        texts: dict[str, str] = {}
        own: dict[str, Counter[str]] = {}
        for row in self.learners:
            for group in row.checklist.groups:
                if group.module is None:
                    continue  # what the course cannot place is the learner's own business
                where = group.module.key
                for entry in group.entries:
                    if entry.own:
                        own.setdefault(where, Counter())[entry.key.split("/own/")[0]] += 1
                    else:
                        counts.setdefault(where, Counter())[entry.key] += 1
                        texts.setdefault(entry.key, entry.text)
        result: list[tuple[str, list[ExperimentCount]]] = []
        for module in self.course.modules:
            found = [
                ExperimentCount(key, texts[key], False, n)
                for key, n in counts.get(module.key, Counter()).items()
            ]
            found += [
                ExperimentCount(key, "their own experiments", True, n)
                for key, n in own.get(module.key, Counter()).items()
            ]
            if found:
                found.sort(key=lambda c: (-c.learners, c.own, c.text.casefold(), c.key))
                result.append((module.key, found))
        return result


# --- finding and reading files ---------------------------------------------------------------


def _temporary(name: str) -> bool:
    """A file someone is still writing: coursemate's own (``.NAME.xxxx.tmp``), Syncthing's
    (``.syncthing.NAME.tmp``, ``~syncthing~NAME.tmp``), Nextcloud's and browsers' ``.part``."""
    return name.endswith((".tmp", ".part")) or name.startswith(("~syncthing~", ".~"))


def find_files(folder: Path, stop: Stop = _never) -> tuple[list[Path], list[Skipped]]:
    """Every file under ``folder``, in any sub-folder, sorted (symlinked folders not followed:
    they can loop); and the sub-folders that could not be listed, with why. ``ReadStopped``
    when ``stop`` says so, asked at each folder."""
    found: list[Path] = []
    unlisted: list[Skipped] = []

    def unreadable(exc: OSError) -> None:
        # ``os.walk`` leaves out a folder it cannot list without a word: a learner in a
        # sub-folder the trainer may not open (or nested past the system's path length)
        # was simply missing from the class.
        where = Path(exc.filename) if exc.filename else folder
        shown = _relative(where, folder) if where != folder else "."
        unlisted.append(Skipped(shown, f"a folder that cannot be read: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        if stop():
            raise ReadStopped
        dirs.sort()
        found.extend(Path(root, name) for name in sorted(files))
    return found, unlisted


def _relative(path: Path, folder: Path) -> str:
    return one_line(str(path.relative_to(folder)))


def _read_bytes(path: Path, root: Path) -> bytes | str:
    """The file's bytes, or why they cannot be used (a temporary file, not JSON, too big,
    unreadable, not a regular file, a link out of the folder ``root``, resolved). Runs in the
    reading threads: it only waits on the disk."""
    if _temporary(path.name):
        return "a temporary file (it is still being written or synced)"
    if path.suffix.lower() != ".json":
        return "not a JSON file (learner stores and exports end in .json)"
    # Sync engines carry symlinks as symlinks: one in a shared folder must not make the
    # trainer's machine show its own files (a store, /proc/...) as a learner's.
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return "a link to a file outside the folder"
    try:
        raw = read_regular(path, MAX_STORE_BYTES + 1)
    except NotRegularFileError:
        return "not a regular file"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if len(raw) > MAX_STORE_BYTES:
        return f"larger than {MAX_STORE_BYTES // 2**20} MB"
    return raw


@dataclass(frozen=True, slots=True)
class _Parsed:
    """One file's JSON, not yet checked: whose it says it is, so the files can be put in the
    roster's order and checked a learner at a time (the first rows before the rest)."""

    shown: str  # relative to the class folder
    kind: FileKind
    data: Any
    learner: str  # as shown: NFC, cleaned, on one line ("" when it names none: checking says why)


def _parse(path: Path, raw: bytes | str, folder: Path) -> _Parsed | Skipped:
    shown = _relative(path, folder)
    if isinstance(raw, str):
        return Skipped(shown, raw)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Skipped(shown, f"not UTF-8 text (byte {exc.start})")
    except (ValueError, RecursionError) as exc:
        return Skipped(shown, f"not valid JSON ({json_problem(exc)})")
    kind: FileKind = "store"
    if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT and "store" in data:
        kind, data = "export", data["store"]
    version = schema_version_of(data)
    if version is not None and version > SCHEMA_VERSION:
        return Skipped(shown, f"written by a newer coursemate (store schema version {version})")
    # ``check_document`` refuses a document whose learner is not text, and keeps it as it is.
    # Files are grouped by the name as the roster shows it: grouped by the raw name, "Bo" and
    # "Bo\u200b" (or "Bo" with an escape sequence) were two rows that both read "Bo".
    named = data.get("learner") if isinstance(data, dict) else None
    learner = unicodedata.normalize("NFC", one_line(named)) if isinstance(named, str) else ""
    return _Parsed(shown, kind, data, learner)


def _check(parsed: _Parsed, course_id: str) -> _Found | Skipped:
    """What a parsed file holds for the course ``course_id``: a learner's document, or why not."""
    now = utcnow()
    try:
        doc, problems = check_document(parsed.data, now)
    except ShapeError as exc:
        what = "export" if parsed.kind == "export" else "learner store or export"
        return Skipped(parsed.shown, one_line(f"not a coursemate {what} ({exc})"))
    repair(doc, problems, now)  # in memory only: what a store would set aside, set aside
    courses = doc["courses"]
    if course_id not in courses and courses:
        others = ", ".join(sorted(courses))
        return Skipped(parsed.shown, one_line(f"holds progress for other courses only ({others})"))
    if not parsed.learner:
        return Skipped(parsed.shown, "names no learner")
    mine = {course_id: courses[course_id]} if course_id in courses else {}
    cut: Doc = {
        "schema_version": doc["schema_version"],
        "learner": parsed.learner,
        "updated": doc.get("updated", ""),
        "courses": mine,
    }
    return _Found(parsed.learner, cut, Source(parsed.shown, parsed.kind))


def _latest_stamp(course: dict[str, Any]) -> str:
    """The latest register stamp in a course's part of a checked document ("" when none):
    its registers, its items' registers and the registers in their maps (``check_document``
    holds every one of them to that shape)."""
    latest = ""
    for value in (course, *course.get("items", {}).values()):
        for reg in value.values():
            if not isinstance(reg, dict):
                continue
            at = reg.get("at")
            if isinstance(at, str):
                latest = max(latest, at)
                continue
            for sub in reg.values():
                at = sub.get("at") if isinstance(sub, dict) else None
                if isinstance(at, str):
                    latest = max(latest, at)
    return latest


def _row(course: Course, found: list[_Found], known: frozenset[str]) -> LearnerRow:
    doc = found[0].doc
    for other in found[1:]:
        merge_documents(doc, other.doc)
    cid = course.identity
    state = LearnerState.of_document(doc)
    progress = course_progress(course, state.done_keys(cid))
    overall, pre = progress.overall, progress.prereading
    resources = ModuleProgress(
        "resources",
        overall.items_done - pre.items_done,
        overall.items_total - pre.items_total,
        overall.minutes_done - pre.minutes_done,
        overall.minutes_total - pre.minutes_total,
    )
    checklist = build_checklist(course, state, known, notes=False)
    entries = checklist.entries
    stamp = _latest_stamp(doc["courses"].get(cid, {}))
    return LearnerRow(
        learner=found[0].learner,
        sources=tuple(f.source for f in found),
        prereading=pre,
        resources=resources,
        modules=tuple(progress.modules[m.key] for m in course.modules),
        chosen=len(entries),
        running=sum(1 for e in entries if e.status == "running"),
        done=sum(1 for e in entries if e.status == "done"),
        reflected=sum(1 for e in entries if e.reflected),
        last_activity=datetime.strptime(stamp, AT_FORMAT).replace(tzinfo=UTC) if stamp else None,
        state=state,
        checklist=checklist,
    )


def check_folder(folder: Path) -> None:
    """``RosterError`` unless ``folder`` is a folder that can be listed."""
    if not folder.exists():
        raise RosterError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise RosterError(f"{folder} is not a folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise RosterError(f"{folder}: cannot read the folder (permission denied)")


def read_class(
    course: Course,
    folder: Path,
    on_row: Callable[[LearnerRow], None] | None = None,
    stop: Stop = _never,
) -> ClassRoster:
    """The roster of ``course`` from the files under ``folder`` (see the module docstring).

    ``on_row`` hears of each learner's row as soon as it is made (the Class screen shows rows
    while the rest are made). Raises ``RosterError`` when the folder is missing or no folder,
    the course has no modules, or no file holds a learner's progress for the course; and
    ``ReadStopped`` as soon as ``stop`` says so (asked at every folder, file and learner): a
    folder typed by mistake (``~``, ``/``) takes minutes to walk, and the Class screen closed
    or the app quit must not wait for it.
    """
    if not course.modules:
        raise RosterError(f"{one_line(course.title) or course.identity} has no modules")
    check_folder(folder)
    paths, unlisted = find_files(folder, stop)
    cid = course.identity

    def read(path: Path) -> bytes | str:
        if stop():
            raise ReadStopped
        return _read_bytes(path, root)

    # The reads wait on the disk (a network share, a sync engine's folder): in parallel, all
    # of them first. Parsing and checking is Python work, done here once they are in: threads
    # parsing at the same time only took turns at the interpreter, and slowed it down.
    with ThreadPoolExecutor(READ_WORKERS) as pool:
        root = folder.resolve()
        contents = list(pool.map(read, paths))
    # Checking a document and making its row is most of the work, so only the JSON is parsed
    # for every file first, enough to put the learners in order; each learner's files are
    # then checked just before their row is made, and the first rows are out before the rest.
    skipped: list[tuple[int, Skipped]] = []
    by_learner: dict[str, list[tuple[int, _Parsed | _Found]]] = {}
    for index, path in enumerate(paths):
        raw, contents[index] = contents[index], b""  # its bytes go as soon as it is parsed
        parsed: _Parsed | _Found | Skipped = _parse(path, raw, folder)
        if isinstance(parsed, _Parsed) and len(raw) > CHECK_AT_ONCE_BYTES:
            parsed = _check(parsed, cid)
        del raw
        if isinstance(parsed, Skipped):
            skipped.append((index, parsed))
        else:
            by_learner.setdefault(parsed.learner, []).append((index, parsed))
    rows: list[LearnerRow] = []
    known = course.keys()
    for name in sorted(by_learner, key=lambda n: (n.casefold(), n)):
        if stop():
            raise ReadStopped
        found: list[_Found] = []
        for index, parsed in by_learner[name]:
            checked = parsed if isinstance(parsed, _Found) else _check(parsed, cid)
            if isinstance(checked, Skipped):
                skipped.append((index, checked))
            else:
                found.append(checked)
        if found:
            row = _row(course, found, known)
            rows.append(row)
            if on_row is not None:
                on_row(row)
    if not rows:
        files = counted(len(paths), "file")
        raise RosterError(
            f"no learner progress for {one_line(course.title) or cid} in {folder} "
            f"({files} looked at, none a learner store or export of this course)"
        )
    skipped.sort(key=lambda pair: pair[0])  # in the order the files were found
    return ClassRoster(course, folder, tuple(rows), (*unlisted, *(s for _, s in skipped)))


class RosterFuture(Future[ClassRoster]):
    """``prefetch_class``'s future, with the rows as they are made: the Class screen shows the
    first ones while the rest are made (``None`` ends them, also when the read fails).

    After the ``first`` rows (a screenful) the read waits until ``resume`` is set (or
    ``RESUME_AFTER`` seconds): the rest are made once the first rows are on the screen, not
    while Textual is imported and the screen drawn on the same interpreter. ``stop`` ends the
    read soon (with ``ReadStopped``): nobody wants the roster any more.
    """

    def __init__(self, first: int) -> None:
        super().__init__()
        self.first = max(first, 1)
        self.rows: SimpleQueue[LearnerRow | None] = SimpleQueue()
        self.resume = threading.Event()
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()
        self.resume.set()  # a read waiting for the screen waits no more

    def stopped(self) -> bool:
        return self._stop.is_set()


RESUME_AFTER = 5.0  # seconds: the rest of the roster is made even if no screen asks for it


def prefetch_class(course: Future[Course], folder: Path, first: int) -> RosterFuture:
    """Start ``read_class`` on the course being read (``course.cache.prefetch``'s future) in a
    background thread, and return its future: ``coursemate --class DIR`` starts it before it
    imports Textual, so the Class screen's first ``first`` rows are ready about when its first
    frame is (see ``RosterFuture``)."""
    future = RosterFuture(first)
    made = 0

    def on_row(row: LearnerRow) -> None:
        nonlocal made
        future.rows.put(row)
        made += 1
        if made == future.first:
            future.resume.wait(RESUME_AFTER)

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            future.rows.put(None)
            return
        try:
            future.set_result(read_class(course.result(), folder, on_row, future.stopped))
        except BaseException as exc:  # handed to whoever takes the result
            future.set_exception(exc)
        finally:
            future.rows.put(None)

    # A daemon: quitting before the folder is read must not wait for it.
    threading.Thread(target=run, name="coursemate-class-prefetch", daemon=True).start()
    return future


def learner_texts(course: Course, row: LearnerRow) -> list[tuple[str, str, str]]:
    """What the learner wrote, for ``--with-reflections``: (key, what it is about, text) for
    each note, each reflection field and each catch-up prompt, in course order; text cleaned
    of escape sequences but kept on its lines."""
    from coursemate.course.text import clean
    from coursemate.progress.checklist import PROMPT_LABELS, REFLECTION_LABELS

    cid = course.identity
    state = row.state
    out: list[tuple[str, str, str]] = []
    for item in course.items():
        note = clean(state.note(cid, item.key)).strip()
        if note:
            out.append((item.key, f"Note on {one_line(item.title)}", note))
    for entry in row.checklist.entries:
        reflection = entry.state.reflection if entry.state is not None else {}
        for name, label in REFLECTION_LABELS.items():
            text = clean(reflection.get(name, "")).strip()
            if text:
                out.append((entry.key, f"{label} ({entry.text})", text))
    for name, text in state.catchup_prompts(cid).items():
        if clean(text).strip():
            out.append(("", PROMPT_LABELS[name], clean(text).strip()))
    return out
