"""A parse cache: the built ``Course`` as JSON, so a large course opens without re-reading YAML.

Safe to delete at any time. One file per course path in ``paths.cache_dir()/courses``:

    line 1: a JSON header {"format", "key", "sha256"}
    rest:   the Course as JSON (never pickle: a cache file is data, not code)

``key`` is a sha256 over the course file's bytes, ``syllabus.yaml``'s bytes (or its absence),
the course path, the site URL, coursemate's version, ``SCHEMA``, the reader's ``RULES`` and the
model's field names, so any edit, upgrade or reader change makes the entry stale. ``sha256``
covers the payload bytes, so a truncated or damaged file is detected before it is trusted. A
stale, unreadable or damaged entry is ignored: the course is parsed and the entry rewritten
atomically (temp file, then ``os.replace``). Failing to write the cache never fails the load.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import threading
import time
from concurrent.futures import Future
from datetime import date, datetime
from itertools import starmap
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from coursemate import __version__, paths
from coursemate.course.model import (
    Assignment,
    Course,
    Event,
    Experiment,
    Item,
    Link,
    Module,
    Problem,
    Resource,
    Session,
)
from coursemate.course.reader import RULES, Source, parse_source, read_source

SCHEMA = 4  # bump when the encoding below or what the reader keeps of the text changes
FORMAT = "coursemate-course-cache"
_MODEL = (Problem, Link, Resource, Experiment, Assignment, Module, Session, Event, Item, Course)


def load_course_cached(
    path: Path | str, *, site_url: str | None = None, cache_dir: Path | None = None
) -> Course:
    """``load_course``, answered from the cache when an entry for these exact bytes exists.

    On a miss the course is returned as soon as it is parsed; the entry is written by a
    background thread (not a daemon, so a short-lived command still finishes the write).
    """
    return _load(path, site_url, cache_dir, write_delay=0.0)


def _load(
    path: Path | str, site_url: str | None, cache_dir: Path | None, *, write_delay: float
) -> Course:
    source = read_source(path)
    key = cache_key(source, site_url)
    entry = cache_file(source.file, cache_dir)
    cached = read_entry(entry, key)
    if cached is not None:
        return cached
    course = parse_source(source, site_url=site_url)
    _write_in_background(entry, key, course, write_delay)
    return course


# --- off the critical path ------------------------------------------------------------------

_lock = threading.Lock()
_writers: list[threading.Thread] = []


def prefetch(
    path: Path | str,
    *,
    site_url: str | None = None,
    cache_dir: Path | None = None,
    write_delay: float = 0.5,
) -> Future[Course]:
    """Start ``load_course_cached(path, ...)`` in a background thread and return its future.

    ``coursemate open`` starts the read before it imports Textual and hands the future to the
    app in its options (``ui.options.AppOptions.prefetched``). A miss waits ``write_delay``
    seconds before writing the entry, so the write does not compete with the first paint.
    Results reflect the files as they were when the read started.
    """
    future: Future[Course] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(_load(path, site_url, cache_dir, write_delay=write_delay))
        except BaseException as exc:  # handed to whoever takes the result
            future.set_exception(exc)

    # A daemon: quitting before the course is read must not wait for the parse.
    threading.Thread(target=run, name="coursemate-course-prefetch", daemon=True).start()
    return future


def _write_in_background(entry: Path, key: str, course: Course, delay: float) -> None:
    def run() -> None:
        if delay > 0:
            time.sleep(delay)
        write_entry(entry, key, course)

    thread = threading.Thread(target=run, name="coursemate-cache-write", daemon=False)
    with _lock:
        _writers[:] = [t for t in _writers if t.is_alive()]
        _writers.append(thread)
    thread.start()


def wait_for_writes(timeout: float | None = None) -> None:
    """Wait until every cache write started so far has finished (tests, benchmarks)."""
    with _lock:
        writers = list(_writers)
    for thread in writers:
        thread.join(timeout)


@functools.cache
def _model_fingerprint() -> str:
    shape = [(cls.__name__, [f.name for f in dataclasses.fields(cls)]) for cls in _MODEL]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def cache_key(source: Source, site_url: str | None) -> str:
    digest = hashlib.sha256()
    header = [FORMAT, SCHEMA, RULES, __version__, _model_fingerprint(), str(source.file.resolve())]
    header += [site_url or "", str(source.syllabus_file or ""), len(source.data)]
    digest.update(json.dumps(header).encode())
    digest.update(b"\0course\0" + source.data)
    if source.syllabus_data is not None:
        digest.update(b"\0syllabus\0" + source.syllabus_data)
    return digest.hexdigest()


def cache_file(course_file: Path, cache_dir: Path | None = None) -> Path:
    """Where the entry for this course path lives (one entry per path, overwritten)."""
    base = cache_dir if cache_dir is not None else paths.cache_dir()
    name = hashlib.sha256(str(course_file.resolve()).encode()).hexdigest()[:32]
    return base / "courses" / f"{name}.json"


def read_entry(entry: Path, key: str) -> Course | None:
    """The cached course, or None when the entry is missing, stale or damaged."""
    try:
        raw = entry.read_bytes()
        head, _, payload = raw.partition(b"\n")
        header = json.loads(head)
        if (
            not isinstance(header, dict)
            or header.get("format") != FORMAT
            or header.get("key") != key
            or header.get("sha256") != hashlib.sha256(payload).hexdigest()
        ):
            return None
        return decode_course(json.loads(payload))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        # Anything wrong with the entry means "not cached": it is rebuilt and rewritten.
        return None


def write_entry(entry: Path, key: str, course: Course) -> None:
    """Write atomically; a cache that cannot be written is simply not used."""
    tmp: str | None = None
    try:
        payload = json.dumps(encode_course(course), separators=(",", ":")).encode("ascii")
        header = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()}
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(header).encode("ascii") + b"\n" + payload)
        os.replace(tmp, entry)
        tmp = None
    except (OSError, ValueError, TypeError):
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


# Encoding: compact JSON arrays, one per object, fields in the dataclass's own order, so that
# decoding is ``json.loads`` of one blob plus positional constructor calls (no per-field dict
# look-ups; ``starmap`` keeps the loops in C). Only JSON types, ASCII output (lone surrogates
# survive); ``decode_course(encode_course(c)) == c``. Change the layout -> bump ``SCHEMA``.


def _enc_stamp(value: datetime | None) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value.tzinfo, ZoneInfo):
        return [value.replace(tzinfo=None).isoformat(), value.tzinfo.key]
    return [value.isoformat(), None]  # naive, or a fixed offset kept in the ISO text


def _dec_stamp(value: list[Any] | None) -> datetime | None:
    if value is None:
        return None
    stamp = datetime.fromisoformat(value[0])
    return stamp.replace(tzinfo=ZoneInfo(value[1])) if value[1] else stamp


def _enc_resources(resources: tuple[Resource, ...]) -> list[list[Any]]:
    return [
        [
            r.key,
            r.kind,
            r.title,
            r.link,
            r.minutes,
            r.type,
            r.weight,
            r.description,
            [[lk.title, lk.url, lk.type] for lk in r.links] if r.links else None,
            r.parent_key,
            r.content,
        ]
        for r in resources
    ]


def _dec_resources(rows: list[list[Any]]) -> tuple[Resource, ...]:
    for row in rows:
        links = row[8]
        row[8] = tuple(starmap(Link, links)) if links else ()
    return tuple(starmap(Resource, rows))


def _enc_module(m: Module) -> list[Any]:
    a = m.assignment
    assignment = None
    if a is not None:
        experiments = [[e.key, e.text, e.parent_key] for e in a.experiments]
        assignment = [a.key, a.title, a.content, experiments, a.parent_key]
    resources = _enc_resources(m.resources)
    return [m.key, m.id, m.number, m.title, m.minutes, m.content, resources, assignment]


def _dec_modules(rows: list[list[Any]]) -> tuple[Module, ...]:
    for row in rows:
        row[6] = _dec_resources(row[6])
        a = row[7]
        if a is not None:
            a[3] = tuple(starmap(Experiment, a[3]))
            row[7] = Assignment(*a)
    return tuple(starmap(Module, rows))


def _enc_event(e: Event) -> list[Any]:
    sessions = [
        [
            s.key,
            s.day,
            _enc_stamp(s.start),
            _enc_stamp(s.end),
            s.timezone,
            list(s.module_ids),
            list(s.module_keys),
        ]
        for s in e.sessions
    ]
    start = e.start_date.isoformat() if e.start_date else None
    return [e.key, start, e.location, sessions, e.registration_link]


def _dec_event(row: list[Any]) -> Event:
    for s in row[3]:
        s[2], s[3] = _dec_stamp(s[2]), _dec_stamp(s[3])
        s[5], s[6] = tuple(s[5]), tuple(s[6])
    row[3] = tuple(starmap(Session, row[3]))
    row[1] = date.fromisoformat(row[1]) if row[1] else None
    return Event(*row)


def _enc_problem(p: Problem) -> list[Any]:
    file = str(p.file) if p.file is not None else None
    return [p.severity, p.message, file, p.line, p.column, p.field]


def _dec_problem(row: list[Any]) -> Problem:
    row[2] = Path(row[2]) if row[2] is not None else None
    return Problem(*row)


# Positions in the Course row of the fields that need more than a JSON value.
_COURSE_FIELDS = tuple(f.name for f in dataclasses.fields(Course))
_TRAINERS, _PREREADING, _MODULES, _EVENTS, _SOURCE, _WARNINGS, _DRAFTS = map(
    _COURSE_FIELDS.index,
    ("trainers", "prereading", "modules", "events", "source", "warnings", "drafts"),
)


def encode_course(course: Course) -> list[Any]:
    row: list[Any] = [getattr(course, name) for name in _COURSE_FIELDS]
    row[_TRAINERS] = list(course.trainers)
    row[_PREREADING] = _enc_resources(course.prereading)
    row[_MODULES] = [_enc_module(m) for m in course.modules]
    row[_EVENTS] = [_enc_event(e) for e in course.events]
    row[_SOURCE] = str(course.source) if course.source is not None else None
    row[_WARNINGS] = [_enc_problem(p) for p in course.warnings]
    row[_DRAFTS] = list(course.drafts)
    return row


def decode_course(row: list[Any]) -> Course:
    if len(row) != len(_COURSE_FIELDS):
        raise ValueError("cache entry does not match the course model")
    row[_TRAINERS] = tuple(row[_TRAINERS])
    row[_PREREADING] = _dec_resources(row[_PREREADING])
    row[_MODULES] = _dec_modules(row[_MODULES])
    row[_EVENTS] = tuple(_dec_event(e) for e in row[_EVENTS])
    row[_SOURCE] = Path(row[_SOURCE]) if row[_SOURCE] is not None else None
    row[_WARNINGS] = tuple(_dec_problem(p) for p in row[_WARNINGS])
    row[_DRAFTS] = tuple(row[_DRAFTS])
    return Course(*row)
