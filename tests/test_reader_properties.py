"""Property-based tests: whatever the front matter holds, the reader raises only CourseError."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursemate.course import CourseError
from coursemate.course.cache import decode_course, encode_course
from coursemate.course.experiments import split_markdown, split_markdown_commonmark
from coursemate.course.model import Course
from coursemate.course.reader import Source, parse_source
from helpers import REFERENCE
from strategies import KNOWN_KEYS as KNOWN

FAKE_PATH = Path("/nonexistent/course.md")  # parse_source never touches the disk
PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "#", "#placeholder-x", "/resources/x", "./x/", "90 minutes", "1h 30m"]),
    st.sampled_from(["ten", "Europe/London", "Nope/Zone", "2025-11-07T09:00:00", "- a\n- b"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
)
keys = st.one_of(st.sampled_from(KNOWN), st.text(min_size=1, max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


def parse(text: str) -> Course | None:
    """The reader's verdict; any exception other than CourseError fails the test."""
    try:
        return parse_source(Source(FAKE_PATH, text.encode("utf-8", "surrogatepass")))
    except CourseError as exc:
        assert exc.message
        return None


def dump(data: Any) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\nbody\n"


@PROFILE
@given(st.dictionaries(keys, values, max_size=8))
def test_random_front_matter_raises_only_course_error(data: dict[str, Any]) -> None:
    parse(dump(data))


module = st.fixed_dictionaries(
    {},
    optional={
        k: values for k in ["id", "title", "duration", "content", "learningResources", "assignment"]
    },
)


@PROFILE
@given(st.lists(module, max_size=4), st.lists(values, max_size=3), values)
def test_random_syllabus_shapes_raise_only_course_error(
    modules: list[dict[str, Any]], before: list[Any], events: Any
) -> None:
    parse(dump({"title": "T", "syllabus": modules, "syllabusBefore": before, "events": events}))


REFERENCE_TEXT = REFERENCE.read_text(encoding="utf-8")
REFERENCE_DATA = yaml.safe_load(REFERENCE_TEXT.split("\n---", 1)[0].removeprefix("---\n"))


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _paths(v, (*prefix, i))
    return found


REFERENCE_PATHS = _paths(REFERENCE_DATA)[1:]


@PROFILE
@given(st.lists(st.tuples(st.sampled_from(REFERENCE_PATHS), values), min_size=1, max_size=4))
def test_mutated_reference_values_raise_only_course_error(
    changes: list[tuple[tuple[Any, ...], Any]],
) -> None:
    data = copy.deepcopy(REFERENCE_DATA)
    for path, value in changes:
        target = data
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    parse(dump(data))


@PROFILE
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "insert", "duplicate", "swap"]),
            st.integers(min_value=0, max_value=len(REFERENCE_TEXT)),
            st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#\n\t x1é")), max_size=6),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_mutated_reference_text_raises_only_course_error(
    edits: list[tuple[str, int, str]],
) -> None:
    text = REFERENCE_TEXT
    for op, at, chunk in edits:
        at = min(at, len(text))
        if op == "delete":
            text = text[:at] + text[at + len(chunk) + 1 :]
        elif op == "insert":
            text = text[:at] + chunk + text[at:]
        else:
            lines = text.split("\n")
            i = at % len(lines)
            j = (i + 1) % len(lines)
            if op == "duplicate":
                lines.insert(i, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    course = parse(text)
    if course is not None:
        keys = [item.key for item in course.items()]
        assert len(keys) == len(set(keys))  # keys stay unique whatever the file says
        assert decode_course(encode_course(course)) == course


@PROFILE
@given(st.dictionaries(keys, values, max_size=8))
def test_cache_encoding_round_trips_whatever_loads(data: dict[str, Any]) -> None:
    course = parse(dump(data))
    if course is not None:
        assert decode_course(encode_course(course)) == course


item_line = st.tuples(
    st.sampled_from(["- ", "* ", "+ ", "1. ", "2) ", "-\t", "-"]),
    st.text(
        alphabet=st.sampled_from(list("ab *_`[]()#>-=+1.")),
        max_size=12,
    ),
)


@PROFILE
@given(st.lists(st.tuples(item_line, st.booleans()), min_size=1, max_size=8))
def test_experiment_fast_path_agrees_with_commonmark(
    lines: list[tuple[tuple[str, str], bool]],
) -> None:
    text = "\n".join(marker + body + ("\n" if blank else "") for (marker, body), blank in lines)
    assert split_markdown(text) == split_markdown_commonmark(text)
