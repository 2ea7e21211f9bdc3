"""The course reader on the reference course and on small hand-written courses."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coursemate.course.cache import cache_file, load_course_cached, prefetch, wait_for_writes
from coursemate.course.errors import CourseError
from coursemate.course.model import Course
from coursemate.course.reader import load_course
from helpers import DATA, REFERENCE

KEY_CHARS = re.compile(r"^[a-z0-9\-/~.]+$")


@pytest.fixture(scope="module")
def reference() -> Course:
    return load_course(REFERENCE)


# The reference course, exactly.


def test_reference_modules(reference: Course) -> None:
    assert len(reference.modules) == 9
    assert [m.id for m in reference.modules] == [str(i) for i in range(1, 10)]
    assert reference.modules[0].title == "Agile Product Management I (Product vs. Project)"
    assert reference.identity == "41711"
    assert reference.code == "PSPO"
    assert reference.warnings == ()


def test_reference_learning_resources(reference: Course) -> None:
    resources = [r for m in reference.modules for r in m.resources]
    assert len(resources) == 31
    assert sum(r.minutes or 0 for r in resources) == 551
    assert [len(m.resources) for m in reference.modules] == [2, 4, 6, 0, 8, 4, 3, 4, 0]


def test_reference_experiments_in_modules_1_to_7(reference: Course) -> None:
    per_module = [len(m.assignment.experiments) if m.assignment else 0 for m in reference.modules]
    assert per_module == [8, 10, 10, 10, 6, 12, 12, 0, 0]
    assert sum(per_module) == 68
    first = reference.modules[0].assignment
    assert first is not None
    assert first.experiments[0].text.startswith("Define who your users and buyers are")


def test_reference_sessions(reference: Course) -> None:
    assert len(reference.events) == 1
    sessions = reference.events[0].sessions
    london = ZoneInfo("Europe/London")
    assert [(s.start, s.end) for s in sessions] == [
        (datetime(2025, 11, 7, 9, tzinfo=london), datetime(2025, 11, 7, 17, tzinfo=london)),
        (datetime(2025, 11, 8, 9, tzinfo=london), datetime(2025, 11, 8, 17, tzinfo=london)),
    ]
    assert all(s.start is not None and s.start.tzinfo is london for s in sessions)
    assert [s.module_keys for s in sessions] == [("m1", "m2", "m3"), ("m4", "m5", "m6")]
    assert [s.day for s in sessions] == [1, 2]
    assert reference.events[0].start_date == date(2025, 11, 7)
    assert reference.events[0].registration_link is None  # "#" is a placeholder


def test_reference_resources_ordered_by_weight_then_file_order(reference: Course) -> None:
    module3 = reference.modules[2]
    # "The Evidence-based Management Guide" (3rd in the file) has no weight: it goes last.
    assert module3.resources[-1].title == "The Evidence-based Management Guide"
    assert module3.resources[0].title == "The Elements of Value"


def test_reference_keys_unique_and_command_line_safe(reference: Course) -> None:
    keys = [item.key for item in reference.items()]
    assert len(keys) == len(set(keys))
    assert all(KEY_CHARS.match(k) for k in keys), [k for k in keys if not KEY_CHARS.match(k)]
    assert reference.find("m1/r/what-is-a-product") is not None


# Hand-written courses.


def test_minimal_course() -> None:
    course = load_course(DATA / "minimal.md")
    assert (course.identity, course.title, course.code, course.level) == (
        "minimal",
        "Minimal Course",
        "MIN",
        "beginner",
    )
    intro, practice = course.modules
    titles = [r.title for r in intro.resources]
    assert titles == ["First by weight", "Second by weight", "No weight"]
    assert practice.minutes == 90  # "1.5 hours"
    assert practice.content == "Practise what you learned."  # overview instead of content
    assert intro.assignment is not None
    assert [e.text for e in intro.assignment.experiments] == [
        "Ask a *colleague* what they think.",  # inline Markdown kept
        "Write it down.",
    ]
    assert practice.assignment is not None
    assert [e.text for e in practice.assignment.experiments] == [
        "First experiment",
        "Second experiment",
    ]
    session = course.events[0].sessions[0]
    assert session.start == datetime(2025, 3, 3, 9, tzinfo=ZoneInfo("America/New_York"))
    assert session.module_keys == ("mintro", "mpractice")
    assert course.body == "The body of the course."
    assert course.warnings == ()


def test_prereading_in_both_shapes() -> None:
    course = load_course(DATA / "minimal.md")
    guide, video = course.prereading
    assert (guide.title, guide.link, guide.minutes, guide.type) == (
        "Read the guide",
        "https://example.com/guide",
        20,
        "reading",
    )
    assert (video.title, video.link, video.minutes, video.type) == (
        "Watch the intro",
        "https://example.com/intro",
        30,
        "video",
    )
    assert video.description == "A short video."
    assert video.links[0].url == "https://example.com/intro"
    assert guide.key == "pre/read-the-guide"


def test_real_world_quirks_load() -> None:
    course = load_course(DATA / "real-world-quirks.md")
    assert course.title == "Quirks & Oddities"  # entity decoded, HTML comment dropped
    assert course.code == "QRK" and course.level == "advanced"  # the older offering block
    assert course.audience == "Everyone"  # the older delivery block
    assert course.introduction == 'Starts with a newline and says "hello".'
    assert "[Intro talk](https://www.youtube.com/embed/abc)" in course.overview
    assert "<!--" not in course.overview
    assert course.body == "Body text.\n\n---\n\nMore body after a rule."
    links = [r.link for r in course.modules[0].resources]
    assert links == ["/resources/guides/the-scrum-guide", "./technical-stuff/", None, None, None]
    assert course.modules[0].content == "Details instead of content."
    assert course.modules[1].title == "Empty things bell"  # escape sequences stripped
    assert course.modules[1].resources == () and course.modules[1].assignment is None
    assert course.modules[0].assignment is not None
    assert [e.text for e in course.modules[0].assignment.experiments] == [
        "A single paragraph that is one experiment."
    ]


def test_syllabus_yaml_takes_precedence_key_by_key() -> None:
    course = load_course(DATA / "folder-course")
    assert [m.id for m in course.modules] == ["a", "b", "c"]
    assert [r.title for r in course.prereading] == ["Kept from the front matter"]
    assert course.source == DATA / "folder-course" / "index.md"


# Errors: file, line:column relative to the whole file, field path, plain words.


def test_yaml_syntax_error_at_its_line_in_the_file() -> None:
    with pytest.raises(CourseError) as info:
        load_course(DATA / "yaml-error.md")
    err = info.value
    assert err.file == DATA / "yaml-error.md"
    assert (err.line, err.column) == (8, 7)
    assert "invalid YAML" in err.message
    assert "starts at line 7" in err.message  # where the unclosed "[" is


def test_a_bad_field_is_a_warning_and_the_rest_loads() -> None:
    course = load_course(DATA / "bad-duration.md")
    (warning,) = course.warnings  # and no second "has no duration" for the same field
    assert warning.severity == "warning"
    assert warning.field == "syllabus[2].learningResources[0].duration"
    assert warning.message == "expected minutes as a whole number, got 'ten'; treated as missing"
    line, column = warning.line, warning.column
    assert (line, column) == (16, 19) and line is not None and column is not None
    text = (DATA / "bad-duration.md").read_text().splitlines()[line - 1]
    assert text[column - 1 :] == "ten"
    assert str(warning).startswith(f"{DATA / 'bad-duration.md'}:16:19 (syllabus[2]")
    # The field is treated as missing; everything else is there.
    assert [m.minutes for m in course.modules] == [60, 60, 60]
    (resource,) = course.modules[2].resources
    assert (resource.title, resource.link, resource.minutes) == (
        "Ten minutes of reading",
        "https://example.com/ten",
        None,
    )


def test_bad_field_in_syllabus_yaml_names_that_file(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    shutil.copytree(DATA / "folder-course", folder)
    syllabus = folder / "syllabus.yaml"
    syllabus.write_text(syllabus.read_text().replace("duration: 30\n", "duration: soon\n", 1))
    course = load_course(folder)
    (warning,) = [w for w in course.warnings if w.field == "syllabus[0].duration"]
    assert warning.file == syllabus
    assert warning.line == 4
    assert course.modules[0].minutes is None


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("syllabus: 5\n", "syllabus", "expected a list, got 5; treated as missing"),
        ("syllabus:\n  - just text\n", "syllabus[0]", "expected a mapping of fields"),
        ("title: [a, b]\n", "title", "expected a title as text, got a list"),
        (
            "syllabus:\n  - title: x\n    learningResources:\n      - {title: y, type: [x]}\n",
            "syllabus[0].learningResources[0].type",
            "expected a type as text, got a list; treated as missing",
        ),
        (
            "events:\n  - sessions:\n      - timezone: [Europe/London]\n",
            "events[0].sessions[0].timezone",
            "expected a timezone name as text, got a list; treated as missing",
        ),
        (
            "syllabus:\n  - title: x\n    learningResources:\n      - title: y\n        link: 5\n",
            "syllabus[0].learningResources[0].link",
            "expected a link as text, got 5; treated as missing",
        ),
        ("trainers: [Ann, [a, b]]\n", "trainers[1]", "expected a name, got a list; skipped"),
        ("syllabus:\n  - title: x\n    assignment: [a]\n", "syllabus[0].assignment", "mapping"),
        (
            "events:\n  - sessions:\n      - start_datetime: 2025-11-31T09:00:00\n",
            "events[0].sessions[0].start_datetime",
            "'2025-11-31T09:00:00' is not a real date",
        ),
        ("syllabus:\n  - title: x\n    duration: -5\n", "syllabus[0].duration", "zero or more"),
        ("syllabus:\n  - title: x\n    duration: .nan\n", "syllabus[0].duration", "whole number"),
        (
            "syllabus:\n  - title: x\n    learningResources:\n"
            "      - title: y\n        weight: heavy\n",
            "syllabus[0].learningResources[0].weight",
            "expected a number for weight, got 'heavy'",
        ),
        (
            "events:\n  - sessions:\n      - start_datetime: tomorrow\n",
            "events[0].sessions[0].start_datetime",
            "expected a date and time",
        ),
    ],
)
def test_wrong_values_are_warnings_in_plain_words(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    path = tmp_path / "c.md"
    path.write_text(f"---\ncode: C\n{text}---\n")
    course = load_course(path)
    assert course.code == "C"
    (warning,) = [w for w in course.warnings if w.field == field]
    assert words in warning.message
    assert warning.line is not None and warning.line >= 3


def test_every_problem_is_reported_in_one_load(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_text(
        "---\ntitle: Many problems\n"
        "syllabus:\n"
        "  - just a string\n"
        "  - id: a\n    title: Alpha\n    duration: ten\n"
        "    learningResources:\n      - {title: R, link: 5, duration: 5, weight: heavy}\n"
        "  - id: b\n    title: [not, text]\n    duration: 30\n"
        "events:\n  - start_date: 2025-02-30\n    sessions:\n"
        "      - {start_datetime: soon, end_datetime: 2025-11-07T10:00:00, syllabus_ids: [a]}\n"
        "---\n"
    )
    course = load_course(path)
    fields = [w.field for w in course.warnings]
    for field in (
        "syllabus[0]",
        "syllabus[1].duration",
        "syllabus[1].learningResources[0].link",
        "syllabus[1].learningResources[0].weight",
        "syllabus[2].title",
        "events[0].start_date",
        "events[0].sessions[0].start_datetime",
    ):
        assert field in fields, field
    assert all(w.line and w.column for w in course.warnings)
    # What could be read is there: the two modules (numbered as loaded), the resource, the event.
    assert [(m.number, m.id, m.minutes) for m in course.modules] == [(1, "a", None), (2, "b", 30)]
    assert course.modules[0].resources[0].minutes == 5
    (session,) = course.events[0].sessions
    assert session.start is None and session.end == datetime(2025, 11, 7, 10, 0)
    assert session.module_keys == (course.modules[0].key,)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("no front matter here\n", "no front matter"),
        ("---\ntitle: x\n", "never closed"),
        ("---\n- a\n- b\n---\n", "must be a mapping"),
    ],
)
def test_file_level_errors(tmp_path: Path, text: str, words: str) -> None:
    course = tmp_path / "c.md"
    course.write_text(text)
    with pytest.raises(CourseError, match=words):
        load_course(course)


def test_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="no such file"):
        load_course(tmp_path / "nope.md")
    with pytest.raises(CourseError, match=r"no index\.md"):
        load_course(tmp_path)


# Warnings: what loads but looks wrong.


def test_warnings_name_what_and_where() -> None:
    course = load_course(DATA / "warnings.md")
    found = {(w.field, w.message) for w in course.warnings}
    assert ("syllabus[0].duraton", "unknown key 'duraton': did you mean 'duration'?") in found
    assert ("syllabus[1].id", "module id '1' is used twice (also by syllabus[0])") in found
    assert ("syllabus[0].duration", "module 'One' has no duration") in found
    assert (
        "syllabus[0].learningResources[0].link",
        "'Placeholder link' has no usable link ('#placeholder-link' is not a web address)",
    ) in found
    assert ("syllabus[0].learningResources[1].duration", "'No duration' has no duration") in found
    assert (
        "events[0].sessions[0].end_datetime",
        "the session ends (2025-05-01 09:00) before it starts (2025-05-01 17:00)",
    ) in found
    assert ("events[0].sessions[1]", "the session spans 2 days") in found
    assert (
        "events[0].sessions[1].timezone",
        "unknown timezone 'Mars/Olympus_Mons'; times are shown as written",
    ) in found
    assert ("events[0].sessions[1].syllabus_ids", "the session names unknown modules: 42") in found
    assert len(course.warnings) == 9  # and nothing about course_topics vs course-topics
    assert all(w.severity == "warning" and w.line and w.column for w in course.warnings)
    # A session naming a duplicated id schedules the first module with it.
    assert course.events[0].sessions[0].module_keys == ("m1",)


def test_warning_points_at_the_line(tmp_path: Path) -> None:
    course = load_course(DATA / "warnings.md")
    lines = (DATA / "warnings.md").read_text().splitlines()
    typo = next(w for w in course.warnings if w.field == "syllabus[0].duraton")
    assert typo.line is not None and typo.column is not None
    assert lines[typo.line - 1][typo.column - 1 :] == "duraton: 60"


def test_unknown_key_points_at_the_key_not_its_block_value(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_text(
        "---\ntitle: T\nsyllabus:\n  - title: M\n    duration: 5\n"
        "    learningResource:\n      - title: R\n---\n"
    )
    (typo,) = load_course(path).warnings
    assert typo.field == "syllabus[0].learningResource"
    assert (typo.line, typo.column) == (6, 5)


def test_taxonomy_weight_keys_are_not_misspellings(tmp_path: Path) -> None:
    # Hugo orders a page within a taxonomy by ``<taxonomy>_weight``; real course sites use
    # the corpus's taxonomies (course_vendors, delivery-audiences...) that way.
    path = tmp_path / "c.md"
    path.write_text(
        "---\ntitle: T\ncourse_vendors: [a]\ncourse_vendors_weight: 3\n"
        "delivery-audiences_weight: 2\nsyllabusBefore_weight: 1\n"
        "syllabus:\n  - title: M\n    duration: 5\n    learningResources_weight: 2\n"
        "course_vendor: [typo]\n---\n"
    )
    warnings = load_course(path).warnings
    assert [w.field for w in warnings] == ["course_vendor"]


def test_unknown_keys_are_never_errors(tmp_path: Path) -> None:
    course = tmp_path / "c.md"
    course.write_text(
        "---\ntitle: T\nwhatever: {deep: [1, 2]}\nsyllabus:\n"
        "  - title: M\n    duration: 5\n    colour: blue\n---\n"
    )
    loaded = load_course(course)
    assert loaded.title == "T"
    assert loaded.warnings == ()  # neither is a near-miss of a known key


# Stable keys.

REORDERED = """---
title: Keys
syllabus:
  - id: 2
    title: Second module, now first
    duration: 30
    learningResources:
      - title: Beta
        link: https://example.com/b
        duration: 5
      - title: Alpha
        link: https://example.com/a
        duration: 5
    assignment:
      examples: |
        - Experiment three.
        - Experiment one.
        - Experiment two.
  - id: 1
    title: First module, renamed
    duration: 60
---
"""

ORIGINAL = """---
title: Keys
syllabus:
  - id: 1
    title: First module
    duration: 60
  - id: 2
    title: Second module
    duration: 30
    learningResources:
      - title: Alpha
        link: https://example.com/a
        duration: 5
      - title: Beta
        link: https://example.com/b
        duration: 5
    assignment:
      examples: |
        - Experiment one.
        - Experiment two.
        - Experiment three.
---
"""


def test_keys_survive_reordering_and_edits_elsewhere(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(ORIGINAL)
    b.write_text(REORDERED)
    before, after = load_course(a), load_course(b)

    def by_title(course: Course) -> dict[str, str]:
        return {item.title: item.key for item in course.items() if item.kind != "module"}

    assert by_title(before) == by_title(after)
    assert {m.id: m.key for m in before.modules} == {m.id: m.key for m in after.modules}
    assert before.keys() == after.keys()


def test_experiment_key_survives_rewrapping_but_not_rewording(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(ORIGINAL)
    b.write_text(
        ORIGINAL.replace("- Experiment one.", "- experiment\n          ONE").replace(
            "- Experiment two.", "- Experiment 2."
        )
    )
    one_a, two_a, three_a = load_course(a).modules[1].assignment.experiments  # type: ignore[union-attr]
    one_b, two_b, three_b = load_course(b).modules[1].assignment.experiments  # type: ignore[union-attr]
    assert one_a.key == one_b.key
    assert three_a.key == three_b.key
    assert two_a.key != two_b.key


def test_duplicate_titles_get_suffixed_keys(tmp_path: Path) -> None:
    course = tmp_path / "c.md"
    course.write_text(
        "---\nsyllabus:\n  - id: 1\n    duration: 5\n    learningResources:\n"
        "      - {title: Same, link: 'https://a.example', duration: 1, weight: 2}\n"
        "      - {title: Same, link: 'https://b.example', duration: 1, weight: 1}\n---\n"
    )
    resources = load_course(course).modules[0].resources
    # Keys follow file order, so changing a weight does not swap them.
    assert [(r.link, r.key) for r in resources] == [
        ("https://b.example", "m1/r/same~2"),
        ("https://a.example", "m1/r/same"),
    ]


# The parse cache.


def test_cache_round_trip_and_reuse(reference_path: Path, tmp_path: Path) -> None:
    fresh = load_course(reference_path)
    first = load_course_cached(reference_path, cache_dir=tmp_path)
    wait_for_writes()  # the entry is written off the critical path
    entry = cache_file(reference_path, tmp_path)
    assert entry.is_file()
    assert b"pickle" not in entry.read_bytes()[:200]
    second = load_course_cached(reference_path, cache_dir=tmp_path)
    assert first == fresh and second == fresh


def test_cache_uses_the_cache_dir_setting(reference_path: Path, tmp_path: Path) -> None:
    import os

    load_course_cached(reference_path)
    wait_for_writes()
    assert cache_file(reference_path, Path(os.environ["COURSEMATE_CACHE_DIR"])).is_file()


def test_cache_entry_is_actually_used(tmp_path: Path) -> None:
    course = tmp_path / "c.md"
    shutil.copy(DATA / "minimal.md", course)
    cache = tmp_path / "cache"
    load_course_cached(course, cache_dir=cache)
    wait_for_writes()
    entry = cache_file(course, cache)
    # Hand-edit the payload *and* fix its checksum: a valid entry is trusted.
    import hashlib
    import json

    head, _, payload = entry.read_bytes().partition(b"\n")
    payload = payload.replace(b"Minimal Course", b"From the cache")
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(payload).hexdigest()
    entry.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    assert load_course_cached(course, cache_dir=cache).title == "From the cache"


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b.replace(b"Minimal Course", b"Minimal Curse"),  # payload changed
        lambda b: b"\x00\xff garbage",
        lambda b: b"",
        lambda b: b'{"format": "coursemate-course-cache", "key": 1}\n[]',
    ],
)
def test_damaged_cache_is_never_trusted(tmp_path: Path, damage: object) -> None:
    course = tmp_path / "c.md"
    shutil.copy(DATA / "minimal.md", course)
    cache = tmp_path / "cache"
    expected = load_course_cached(course, cache_dir=cache)
    wait_for_writes()
    entry = cache_file(course, cache)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert load_course_cached(course, cache_dir=cache) == expected
    wait_for_writes()
    assert load_course_cached(course, cache_dir=cache) == load_course(course)
    wait_for_writes()
    # ... and the entry was rewritten whole.
    assert b"Minimal Course" in entry.read_bytes()


def test_stale_cache_is_never_trusted(tmp_path: Path) -> None:
    course = tmp_path / "c.md"
    shutil.copy(DATA / "minimal.md", course)
    cache = tmp_path / "cache"
    load_course_cached(course, cache_dir=cache)
    wait_for_writes()
    course.write_text(course.read_text().replace("Minimal Course", "Edited Course"))
    assert load_course_cached(course, cache_dir=cache).title == "Edited Course"


def test_cache_notices_syllabus_yaml_edits(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    shutil.copytree(DATA / "folder-course", folder)
    cache = tmp_path / "cache"
    assert len(load_course_cached(folder, cache_dir=cache).modules) == 3
    wait_for_writes()
    syllabus = folder / "syllabus.yaml"
    syllabus.write_text(syllabus.read_text() + "  - id: d\n    title: D\n    duration: 5\n")
    assert len(load_course_cached(folder, cache_dir=cache).modules) == 4
    syllabus.unlink()
    assert [m.id for m in load_course_cached(folder, cache_dir=cache).modules] == ["old"]


def test_cache_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir should be")
    course = load_course_cached(DATA / "minimal.md", cache_dir=blocker)
    wait_for_writes()
    assert course == load_course(DATA / "minimal.md")


def test_cache_keeps_warnings_and_errors_are_not_cached(tmp_path: Path) -> None:
    cached = load_course_cached(DATA / "warnings.md", cache_dir=tmp_path)
    wait_for_writes()
    again = load_course_cached(DATA / "warnings.md", cache_dir=tmp_path)
    assert again.warnings == cached.warnings and len(again.warnings) == 9
    with pytest.raises(CourseError):
        load_course_cached(DATA / "yaml-error.md", cache_dir=tmp_path)
    wait_for_writes()
    assert not cache_file(DATA / "yaml-error.md", tmp_path).exists()


def test_cache_is_written_after_the_load_returns_and_then_reused(
    reference_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coursemate.course import cache as cache_module

    first = load_course_cached(reference_path, cache_dir=tmp_path)
    wait_for_writes()
    assert cache_file(reference_path, tmp_path).is_file()

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a valid cache entry must not be parsed again")

    monkeypatch.setattr(cache_module, "parse_source", no_parsing)
    assert load_course_cached(reference_path, cache_dir=tmp_path) == first


def test_prefetch_reads_in_the_background_and_leaves_later_loads_alone(
    reference_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coursemate.course import cache as cache_module

    future = prefetch(reference_path, cache_dir=tmp_path, write_delay=0)
    assert future.result(timeout=30) == load_course_cached(reference_path, cache_dir=tmp_path)
    wait_for_writes()
    assert cache_file(reference_path, tmp_path).is_file()
    # The result goes to whoever holds the future (the app, through its options): a later
    # load reads the files again rather than taking a result left behind in the module.
    prefetch(reference_path, cache_dir=tmp_path).result(timeout=30)
    monkeypatch.setattr(cache_module, "read_source", lambda path: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        load_course_cached(reference_path, cache_dir=tmp_path)


def test_prefetch_passes_course_errors_on(tmp_path: Path) -> None:
    future = prefetch(DATA / "yaml-error.md", cache_dir=tmp_path)
    with pytest.raises(CourseError):
        future.result(timeout=30)


def test_empty_list_entries_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_text(
        "---\ntitle: Nulls\n"
        "syllabus:\n"
        "  - {id: 1, title: One, duration: 30}\n"
        "  - null\n"
        "  - {id: 3, title: Three, duration: 30,\n"
        "     learningResources: [~, {title: R, link: 'https://x.org', duration: 5}]}\n"
        "syllabusBefore:\n  -\n  - {title: P, link: 'https://y.org', duration: 5,\n"
        "     resources: [null]}\n"
        "events:\n  - null\n  - sessions: [null, {start_datetime: 2025-01-02T09:00:00,\n"
        "      end_datetime: 2025-01-02T10:00:00, timezone: UTC, syllabus_ids: [1, 3]}]\n"
        "---\n"
    )
    course = load_course(path)
    assert [(m.number, m.title) for m in course.modules] == [(1, "One"), (2, "Three")]
    assert [r.title for r in course.modules[1].resources] == ["R"]
    assert [r.title for r in course.prereading] == ["P"]
    assert [(e.key, [s.key for s in e.sessions]) for e in course.events] == [("e2", ["e2/s2"])]
    skipped = {
        w.field: (w.line, w.message)
        for w in course.warnings
        if "expected a mapping of fields" in w.message
    }
    null = "expected a mapping of fields, got nothing (null); skipped"
    assert skipped == {
        "syllabus[1]": (5, null),
        "syllabus[2].learningResources[0]": (7, null),
        "syllabusBefore[0]": (9, null),
        "syllabusBefore[1].resources[0]": (11, null),
        "events[0]": (13, null),
        "events[1].sessions[0]": (14, null),
    }
    # Nothing else: no module without a duration, no id used twice.
    assert len(course.warnings) == len(skipped), course.warnings
