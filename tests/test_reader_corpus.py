"""Every real course in the shared corpus loads, or fails with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coursemate.course.cache import load_course_cached, wait_for_writes
from coursemate.course.discover import find_courses, peek_title
from coursemate.course.errors import CourseError
from coursemate.course.reader import load_course


def _folders(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_dir())


def test_every_corpus_course_loads_or_says_why(corpus_dir: Path) -> None:
    folders = _folders(corpus_dir)
    assert len(folders) == 31
    failures: list[str] = []
    for folder in folders:
        try:
            course = load_course(folder)
        except CourseError as exc:
            # A clear error names the file and says what is wrong; none is expected today.
            assert exc.file is not None and exc.message
            failures.append(str(exc))
            continue
        assert course.title, folder.name
        assert course.identity, folder.name
        assert len({item.key for item in course.items()}) == sum(1 for _ in course.items())
    assert failures == []


def test_syllabus_yaml_courses_load_all_their_modules(corpus_dir: Path) -> None:
    with_syllabus = [f for f in _folders(corpus_dir) if (f / "syllabus.yaml").is_file()]
    assert len(with_syllabus) >= 7
    for folder in with_syllabus:
        raw = yaml.safe_load((folder / "syllabus.yaml").read_text(encoding="utf-8"))
        course = load_course(folder)
        assert len(course.modules) == len(raw["syllabus"]), folder.name
        assert [m.title for m in course.modules] == [m["title"] for m in raw["syllabus"]]
        assert len(course.prereading) == len(raw.get("syllabusBefore") or [])
        expected = sum(len(m.get("learningResources") or []) for m in raw["syllabus"])
        assert sum(len(m.resources) for m in course.modules) == expected, folder.name


def test_corpus_warnings_are_useful_not_noise(corpus_dir: Path) -> None:
    warnings = [w for f in _folders(corpus_dir) for w in load_course(f).warnings]
    # The corpus is real, published content: a warning should be rare and specific.
    assert len(warnings) <= 10, [str(w) for w in warnings]
    for w in warnings:
        assert w.file is not None and w.line is not None and w.field
        assert "course_" not in w.message and "course-" not in w.message
    messages = [w.message for w in warnings]
    assert any("'Slaying Technical Debt' has no usable link" in m for m in messages)


def test_cache_round_trips_every_corpus_course(corpus_dir: Path, tmp_path: Path) -> None:
    for folder in _folders(corpus_dir):
        fresh = load_course(folder)
        assert load_course_cached(folder, cache_dir=tmp_path) == fresh, folder.name
        wait_for_writes()  # so the second load is answered from the entry
        assert load_course_cached(folder, cache_dir=tmp_path) == fresh, folder.name


def test_find_courses_on_the_corpus(corpus_dir: Path) -> None:
    found = find_courses(corpus_dir)
    assert found == _folders(corpus_dir)  # SOURCES.tsv is not a course
    assert [p.name for p in found] == sorted(p.name.casefold() for p in found)


def test_peek_title_agrees_with_the_reader_on_the_corpus(corpus_dir: Path) -> None:
    for folder in _folders(corpus_dir):
        peeked = peek_title(folder)
        assert peeked is not None, folder.name
        assert peeked == load_course(folder).title, folder.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('---\ntitle: "Red \\e[31mtitle\\e[0m [b]x[/b]"\n---\n', "Red title [b]x[/b]"),
        ("---\ncode: X\n---\ntitle: body, not front matter\n", None),
        ("---\ntitle: [a, list]\n---\n", None),
        ("---\ntitle: 'unterminated\n---\n", None),
        ("---\ntitle: *alias\n---\n", None),
        ("no front matter\ntitle: X\n", None),
        ("\ufeff---\r\ntitle: With BOM and CRLF\r\n---\r\n", "With BOM and CRLF"),
    ],
)
def test_peek_title_reads_only_a_plain_title_line(
    tmp_path: Path, text: str, expected: str | None
) -> None:
    course = tmp_path / "c.md"
    course.write_text(text, encoding="utf-8")
    assert peek_title(course) == expected
    assert peek_title(tmp_path / "missing.md") is None


def test_find_courses_mixed_folder(tmp_path: Path, reference_path: Path) -> None:
    (tmp_path / "b-folder").mkdir()
    (tmp_path / "b-folder" / "index.md").write_text("---\ntitle: B\n---\n")
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "A-file.md").write_bytes(reference_path.read_bytes())
    (tmp_path / "c-notes.md").write_text("# Just notes, no front matter\n")
    (tmp_path / "d.txt").write_text("---\ntitle: not markdown\n---\n")
    (tmp_path / ".hidden.md").write_text("---\ntitle: hidden\n---\n")
    assert [p.name for p in find_courses(tmp_path)] == ["A-file.md", "b-folder"]
    assert find_courses(tmp_path / "missing") == []


@pytest.mark.parametrize("name", ["scrumorg-professional-scrum-product-owner"])
def test_corpus_copy_of_reference_course_matches_in_shape(corpus_dir: Path, name: str) -> None:
    course = load_course(corpus_dir / name)
    assert len(course.modules) == 9
    assert course.events and course.events[0].sessions
