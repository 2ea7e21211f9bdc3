"""Hypothesis strategies for whole course files, and the checks every generated file must pass.

Importable outside pytest, so a soak run can use many more examples than the suite does::

    import sys; sys.path.insert(0, "tests")
    from strategies import course_documents, exercise

    @given(course_documents())
    def soak(text: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            exercise(text, Path(folder))

``course_documents()`` draws the text of a course file: front matter in which every field the
reader knows (top level, syllabus modules, their resources and assignment, pre-reading,
events and their sessions) holds either a plausible value or any YAML value at all (null,
bools, huge and non-finite numbers, text, dates from year 1 to 9999, aware and naive times,
impossible dates, lists, mappings, nested junk). ``exercise(text, folder)`` writes it, reads
it, and runs everything built on a loaded course.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from coursemate.agenda import build_agenda, local_when, session_when
from coursemate.commands.agenda import agenda_lines
from coursemate.commands.check import Result, report_json, write_report
from coursemate.commands.outline import outline_json, outline_lines
from coursemate.course.cache import decode_course, encode_course
from coursemate.course.errors import CourseError
from coursemate.course.model import Course
from coursemate.course.reader import load_course
from coursemate.course.schema import (
    ASSIGNMENT_KEYS,
    EVENT_KEYS,
    MODULE_KEYS,
    PREREADING_KEYS,
    RESOURCE_KEYS,
    SESSION_KEYS,
    TOP_KEYS,
)
from coursemate.export import catchup_markdown, progress_json, progress_markdown
from coursemate.ics import build_ics
from coursemate.progress.catchup import catchup, reminder, scheduled_catchup
from coursemate.progress.maths import course_progress
from coursemate.progress.store import Store

__all__ = ["KNOWN_KEYS", "course_documents", "dump", "exercise", "yaml_values"]


class Plain(str):
    """A scalar written into the YAML exactly as is (unquoted): ``2025-02-30``, ``.nan``."""


class _Dumper(yaml.SafeDumper):
    pass


def _plain(dumper: yaml.SafeDumper, value: Plain) -> yaml.ScalarNode:
    # Tagged with what the text resolves to, so the emitter writes it plain, unquoted. (The
    # PyYAML stubs leave ``resolve`` unannotated.)
    tag: str = dumper.resolve(yaml.ScalarNode, str(value), (True, False))  # type: ignore[no-untyped-call]
    return dumper.represent_scalar(tag, str(value))


_Dumper.add_representer(Plain, _plain)

# Fixed offsets at and beyond the extremes real zones use (UTC-12 to UTC+14).
_OFFSETS = st.sampled_from(
    [
        None,
        UTC,
        timezone(timedelta(hours=14)),
        timezone(timedelta(hours=-12)),
        timezone(timedelta(hours=23, minutes=59)),
        timezone(-timedelta(hours=23, minutes=59)),
    ]
)
EDGE_DATES = [date.min, date.max, date(1, 1, 2), date(9999, 12, 17), date(9999, 12, 18)]
EDGE_TIMES = [
    datetime.min,
    datetime.max,
    datetime(9999, 12, 31, 23, 0),
    datetime(1, 1, 1, 0, 30),
    datetime(2025, 3, 30, 1, 30),  # inside London's spring-forward gap
    datetime(2025, 10, 26, 1, 30),  # London's repeated autumn hour
    datetime(2025, 3, 9, 2, 30),  # New York's spring gap
]
dates_ = st.one_of(st.sampled_from(EDGE_DATES), st.dates())
times_ = st.one_of(
    st.sampled_from(EDGE_TIMES),
    st.datetimes(timezones=_OFFSETS),
    st.builds(datetime.combine, st.dates(), st.times(), _OFFSETS),
)
# Text the YAML loader turns into something other than a plain string, or refuses to.
plain_scalars = st.sampled_from(
    [
        "2025-02-30",
        "2025-13-45T09:00:00",
        "0000-01-01",
        "2025-11-07T09:00:00+25:00",
        "2025-11-07 09:00:00 -23:59",
        ".nan",
        ".inf",
        "-.inf",
        "1e999",
        "0x1F",
        "0o17",
        "1_000",
        "~",
        "yes",
        "9999-12-31T23:59:59.999999Z",
        "0001-01-01T00:00:00+14:00",
    ]
).map(Plain)
interesting_text = st.sampled_from(
    [
        "",
        " ",
        "#",
        "#placeholder",
        "ten",
        "90",
        "90 minutes",
        "1.5 hours",
        "1h 30m",
        "99999999999999999999 hours",
        "-5",
        "/resources/x",
        "./x",
        "../x",
        "//example.com/x",
        "www.example.com/x",
        "example.com:8080/x",
        "https://example.com/x",
        "http://[broken",
        "file:///etc/passwd",
        "javascript:alert(document.cookie)",
        "data:text/html,<b>x</b>",
        "mailto:a@example.com",
        "Europe/London",
        "America",
        "a" * 300,
        "../../etc/passwd",
        "2025-11-07T09:00:00",
        "9999-12-31T23:00:00",
        "0001-01-01T00:00:00",
        "2025-11-07",
        "tomorrow",
        "- a\n- b\n",
        "[bold red]markup[/]",
        "\x1b[31mred\x1b[0m\x07",
        "<!-- comment --><iframe src='https://x.example' title='t'></iframe>",
        "&amp;&lt;",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=20),
    interesting_text,
    plain_scalars,
    dates_,
    times_,
)
# Every key the course format knows, at any level.
KNOWN_KEYS = sorted(
    TOP_KEYS
    | MODULE_KEYS
    | RESOURCE_KEYS
    | ASSIGNMENT_KEYS
    | EVENT_KEYS
    | SESSION_KEYS
    | PREREADING_KEYS
)
junk_keys = st.one_of(
    st.sampled_from(KNOWN_KEYS),
    st.text(min_size=1, max_size=12),
    st.sampled_from(["duraton", "titel", "learningResource", "course_vendors_weight"]),
)


def yaml_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any YAML value: scalars of every type, and lists and mappings of them, nested."""
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(junk_keys, inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


junk = yaml_values()


def _either(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value for the field; sometimes anything at all."""
    return st.one_of(plausible, plausible, junk)


def _record(
    fields: dict[str, st.SearchStrategy[Any]], full: tuple[str, ...] = ()
) -> st.SearchStrategy[Any]:
    """A mapping with any of ``fields`` (half the time all of ``full``), a stray key now and
    then, or (rarely) not a mapping at all."""
    optional = {k: v for k, v in fields.items() if k not in full}
    shapes = [
        st.fixed_dictionaries({}, optional=fields),
        st.fixed_dictionaries({k: fields[k] for k in full}, optional=optional),
    ]
    mapping = st.builds(
        lambda known, extra: {**extra, **known},
        st.one_of(shapes),
        st.dictionaries(junk_keys, junk, max_size=2),
    )
    return st.one_of(mapping, mapping, mapping, mapping, junk)


def _list_of(item: st.SearchStrategy[Any], max_size: int = 4) -> st.SearchStrategy[Any]:
    return _either(
        st.one_of(st.lists(item, max_size=max_size), st.lists(item, min_size=1, max_size=max_size))
    )


MODULE_IDS = [1, 2, 3, "a", "b", 1.0, "missing"]
ZONES = [
    "Europe/London",
    "America/New_York",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",
    "UTC",
    "Mars/Olympus",
    "America",
    "",
]
text_ = st.one_of(st.text(max_size=30), interesting_text)
minutes_ = st.one_of(
    st.integers(min_value=0, max_value=600),
    st.sampled_from([0, 1_000_000, 1_000_001, -1, 90.5, "90", "1h 30m", "ten", None]),
)
link_ = st.one_of(
    st.sampled_from(["https://example.com/a", "http://example.org/b"]), interesting_text
)
weight_ = st.one_of(st.integers(-5, 5), st.floats(), st.sampled_from(["1", "heavy"]))
time_ = st.one_of(times_, times_, times_, dates_, plain_scalars, interesting_text)

resource = _record(
    {
        "title": _either(text_),
        "link": _either(link_),
        "url": _either(link_),
        "duration": _either(minutes_),
        "type": _either(st.sampled_from(["video", "blog", "guide"])),
        "weight": _either(weight_),
        "description": _either(text_),
    }
)
prereading = _record(
    {
        "title": _either(text_),
        "link": _either(link_),
        "duration": _either(minutes_),
        "timeRequired": _either(minutes_),
        "type": _either(text_),
        "weight": _either(weight_),
        "description": _either(text_),
        "resources": _list_of(
            _record({"title": _either(text_), "url": _either(link_), "type": _either(text_)})
        ),
    }
)
assignment = _record(
    {
        "title": _either(text_),
        "content": _either(text_),
        "examples": _either(
            st.one_of(st.lists(text_, max_size=4), st.sampled_from(["- a\n- b\n", "one idea"]))
        ),
    }
)
module = _record(
    {
        "id": _either(st.sampled_from(MODULE_IDS)),
        "title": _either(text_),
        "duration": _either(minutes_),
        "content": _either(text_),
        "overview": _either(text_),
        "learningResources": _list_of(resource),
        "assignment": _either(assignment),
        "weight": _either(weight_),
    },
    full=("id", "title", "duration", "learningResources", "assignment"),
)
session = _record(
    {
        "start_datetime": _either(time_),
        "end_datetime": _either(time_),
        "timezone": _either(st.sampled_from(ZONES)),
        "syllabus_ids": _either(st.lists(st.sampled_from(MODULE_IDS), max_size=4)),
    },
    full=("start_datetime", "end_datetime", "timezone", "syllabus_ids"),
)
event = _record(
    {
        "start_date": _either(st.one_of(dates_, plain_scalars)),
        "location": _either(text_),
        "registration_link": _either(link_),
        "sessions": _list_of(session),
    },
    full=("start_date", "sessions"),
)
_TOP = {
    "title": _either(text_),
    "id": _either(st.one_of(st.integers(), text_)),
    "code": _either(text_),
    "level": _either(text_),
    "description": _either(text_),
    "trainers": _either(st.lists(text_, max_size=3)),
    "syllabusBefore": _list_of(prereading, 3),
    "syllabus": _list_of(module, 4),
    "events": _list_of(event, 3),
}
front_matter = st.builds(
    lambda known, extra: {**extra, **known},
    st.one_of(
        st.fixed_dictionaries({}, optional=_TOP),
        st.fixed_dictionaries(
            {k: _TOP[k] for k in ("title", "syllabus", "events")},
            optional={k: v for k, v in _TOP.items() if k not in ("title", "syllabus", "events")},
        ),
    ),
    st.dictionaries(junk_keys, junk, max_size=3),
)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def course_documents() -> st.SearchStrategy[str]:
    """The text of a course file: generated front matter (now and then not a mapping at all)
    and a Markdown body."""
    data = st.one_of(*[front_matter] * 7, junk)
    return st.builds(lambda d, body: f"---\n{dump(d)}---\n{body}\n", data, text_)


# Viewers at the extremes of the world's offsets, and the system's own zone (None).
VIEWERS = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", None)
TODAYS = (date.min, date(2025, 11, 20), date.max)
NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)


def exercise(text: str, folder: Path) -> Course | None:
    """Write ``text`` as a course, read it, and use whatever loads the way the app does.

    The reader may refuse the file only with its own ``CourseError``; everything built on a
    loaded course (agenda, .ics, catch-up, exports, progress maths, the check and outline
    reports, the parse cache) must
    not raise at all.
    """
    path = folder / "course.md"
    path.write_text(text, encoding="utf-8")
    try:
        course = load_course(path)
    except CourseError as exc:
        assert exc.message and exc.file == path
        return None
    assert all(w.severity == "warning" and w.message for w in course.warnings)
    keys = [item.key for item in course.items()]
    assert len(keys) == len(set(keys))
    assert decode_course(encode_course(course)) == course
    # What check and outline print, as text and JSON.
    report = report_json([Result(path, course, course.warnings)], strict=True)
    json.dumps(report, ensure_ascii=False)
    write_report([Result(path, course, course.warnings)], io.StringIO())
    list(outline_lines(course, keys=True))
    json.dumps(outline_json(course), ensure_ascii=False)

    for tz in VIEWERS:
        agenda = build_agenda(course, tz)
        list(agenda_lines(agenda))
        list(agenda.warnings())
        agenda.flow()
        for plan in agenda.sessions:
            session_when(plan)
            local_when(plan, agenda.viewer)
        export = build_ics(agenda, now=NOW)
        assert export.data.startswith(b"BEGIN:VCALENDAR")
    scheduled_catchup(course)

    done = frozenset(keys[::2])
    progress = course_progress(course, done)
    assert 0 <= progress.overall.percent <= 100
    progress.next_unfinished()
    before = course_progress(course, frozenset())
    assert course_progress(course, done, since=before, changed=done) == progress

    store = Store.open(folder / "data", "fuzz")
    for key in keys[::3]:
        store.set_done(course.identity, key, True)
    for _, experiment in list(course.all_experiments())[:2]:
        store.set_chosen(course.identity, experiment.key, True, title=experiment.text)
    for today in TODAYS:
        catchup(course, store)
        reminder(course, store, today)
        catchup_markdown(course, store, today)
        progress_markdown(course, store, today)
    progress_json(course, store, now=NOW)
    return course
