"""Hostile input is bounded: size, alias expansion, nesting, encodings, escapes, odd values."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
import yaml

from coursemate.course import CourseError, load_course, yamlsafe
from coursemate.course.cache import load_course_cached
from coursemate.course.reader import MAX_BYTES
from coursemate.course.text import clean

LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    + ["title: *a9"]
)


def write(tmp_path: Path, text: str, name: str = "c.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_c_loader_is_the_one_in_use() -> None:
    assert yaml.__with_libyaml__
    assert yamlsafe._Loader is yaml.CSafeLoader


def test_oversized_file_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    with path.open("wb") as handle:
        handle.write(b"---\ntitle: big\n---\n")
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(CourseError, match=r"limited to 5 MB") as info:
        load_course(path)
    assert info.value.file == path


def test_file_just_under_the_cap_loads(tmp_path: Path) -> None:
    body = "x" * (MAX_BYTES - 100)
    path = write(tmp_path, f"---\ntitle: ok\n---\n{body}")
    assert load_course(path).title == "ok"


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["C", "Python"])
def test_billion_laughs_refused_with_little_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader: type
) -> None:
    monkeypatch.setattr(yamlsafe, "_Loader", loader)
    path = write(tmp_path, f"---\n{LAUGHS}\n---\n")
    tracemalloc.start()
    try:
        with pytest.raises(CourseError, match="expands to too many values"):
            load_course(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # 10**9 expanded strings would need far more


def test_billion_laughs_in_syllabus_yaml_refused(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    folder.mkdir()
    write(folder, "---\ntitle: x\n---\n", "index.md")
    write(folder, LAUGHS.replace("title:", "syllabus:"), "syllabus.yaml")
    with pytest.raises(CourseError, match="too many values") as info:
        load_course(folder)
    assert info.value.file == folder / "syllabus.yaml"


def test_small_honest_aliases_still_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "---\ntitle: Aliases\nsyllabus:\n  - id: 1\n    title: A\n    duration: &std 60\n"
        "  - id: 2\n    title: B\n    duration: *std\n---\n",
    )
    assert [m.minutes for m in load_course(path).modules] == [60, 60]


def test_expansion_is_measured_even_when_anchors_hide_in_flow(tmp_path: Path) -> None:
    # "[&a" has no space before the ampersand: the anchor detector must still see it.
    doc = "a: [&x [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]\n" + "".join(
        f"b{i}: [{', '.join(['*x'] * 10)}]\n" for i in range(5)
    )
    with pytest.raises(yamlsafe.YamlTooLarge):
        yamlsafe.load_document(doc, limit=200)
    assert yamlsafe.load_document(doc).data["b0"][0] == list(range(1, 11))


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["C", "Python"])
@pytest.mark.parametrize(
    "nested",
    [
        "x: " + "[" * 5000 + "]" * 5000,
        "x: " + "{a: " * 3000 + "1" + "}" * 3000,
        "x:\n" + "".join("  " * i + "-\n" for i in range(1500)),
    ],
    ids=["flow-seq", "flow-map", "block"],
)
def test_deep_nesting_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader: type, nested: str
) -> None:
    monkeypatch.setattr(yamlsafe, "_Loader", loader)
    path = write(tmp_path, f"---\ntitle: deep\n{nested}\n---\n")
    with pytest.raises(
        CourseError, match=r"invalid YAML: .*(nesting depth|nested too deeply)"
    ) as info:
        load_course(path)
    assert info.value.file == path
    if loader is yaml.CSafeLoader:  # libyaml says where
        assert info.value.line is not None and info.value.line >= 3


def test_binary_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(256))
    with pytest.raises(CourseError, match="binary file"):
        load_course(path)


def test_utf16_file_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_bytes("---\ntitle: x\n---\n".encode("utf-16"))
    with pytest.raises(CourseError, match="binary file"):
        load_course(path)


def test_non_utf8_file_refused_with_position(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_bytes("---\ntitle: ok\ndescription: caf\xe9\n---\n".encode("latin-1"))
    with pytest.raises(CourseError, match="not UTF-8") as info:
        load_course(path)
    assert (info.value.line, info.value.column) == (3, 17)


def test_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_bytes(b"\xef\xbb\xbf---\ntitle: BOM\n---\n")
    assert load_course(path).title == "BOM"


def test_windows_line_endings_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_bytes(
        b"---\r\ntitle: CRLF\r\nsyllabus:\r\n  - title: A\r\n    duration: 5\r\n---\r\nBody\r\n"
    )
    course = load_course(path)
    assert (course.title, course.modules[0].minutes, course.body) == ("CRLF", 5, "Body")


def test_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="not a regular file"):
        load_course(Path("/dev/null"))


def test_escape_sequences_and_surrogates_are_stripped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '---\ntitle: "A\\e]0;pwned\\aB\\e[2J\\x9b31mCD"\n'
        'syllabus:\n  - title: "\\e[31mRed\\e[0m"\n    duration: 5\n'
        '    content: "line\\e[1A\\rover"\n---\nbody \x1b[5mblink\x1b[0m\n',
    )
    course = load_course(path)
    assert course.title == "ABCD"
    assert course.modules[0].title == "Red"
    assert course.modules[0].content == "lineover"
    assert course.body == "body blink"
    # and the cache round-trips it
    assert load_course_cached(path, cache_dir=tmp_path / "cache") == course
    assert load_course_cached(path, cache_dir=tmp_path / "cache") == course


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n")
    with pytest.raises(CourseError, match="invalid YAML"):
        load_course(path)


@pytest.mark.parametrize(
    ("fragment", "field", "words"),
    [
        ("date: 2025-13-45", None, "'2025-13-45' is not a real date; kept as text"),
        (
            "syllabus:\n  - title: x\n    duration: 100000000000000000000",
            "syllabus[0].duration",
            "far too long",
        ),
        ("syllabus:\n  - title: x\n    duration: .inf", "syllabus[0].duration", "whole number"),
        (
            "syllabus:\n  - title: x\n    learningResources:\n      - weight: .nan",
            "syllabus[0].learningResources[0].weight",
            "weight",
        ),
        (
            "syllabus:\n  - title: x\n    learningResources:\n      - weight: 1e999",
            "syllabus[0].learningResources[0].weight",
            "weight",
        ),
        ("title: {a: 1}\nid: [1]", "title", "expected a title as text"),
    ],
)
def test_odd_values_are_warnings(
    tmp_path: Path, fragment: str, field: str | None, words: str
) -> None:
    path = write(tmp_path, f"---\ncode: C\n{fragment}\n---\n")
    course = load_course(path)
    assert course.code == "C"
    (warning,) = [w for w in course.warnings if words in w.message]
    assert warning.field == field
    assert warning.line is not None and warning.line >= 3 and warning.column is not None


def test_structured_id_falls_back_to_title(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "---\ntitle: Named\nid: {nested: true}\nsyllabus:\n  - id: [1]\n    title: M\n---\n",
    )
    course = load_course(path)
    assert course.identity == "named"
    assert course.modules[0].key == "mm"


def test_lone_surrogates_are_stripped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml refuses "\\ud800" itself; PyYAML's pure-Python loader lets it through.
    monkeypatch.setattr(yamlsafe, "_Loader", yaml.SafeLoader)
    path = write(tmp_path, '---\ntitle: "A\\ud800B"\n---\n')
    course = load_course(path)
    assert course.title == "AB"
    assert clean("x\udfffy") == "xy"
