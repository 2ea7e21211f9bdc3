"""Finding the courses in a folder, for the app's course picker.

A course is a subfolder holding an ``index.md`` (the site layout, maybe with a
``syllabus.yaml``), or a ``*.md`` file that starts with front matter. Only the folder's
direct children are looked at: a picker must stay fast on a big folder, so nothing is parsed
beyond the ``title:`` and ``code:`` lines that ``peek_fields`` reads.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from coursemate.course.text import one_line

_SNIFF_BYTES = 8  # enough for a byte-order mark and "---"
_BINARY_SNIFF = 8 * 1024  # a NUL byte this early means a binary file (as git decides)
# Real files put ``title`` in their first lines; a title further down than this is not worth
# reading the whole (possibly 5 MB) file for: the picker falls back to the file name.
_PEEK_BYTES = 16 * 1024
_TITLE_CHARS = 200


def _starts_with_front_matter(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf")
    return head.startswith(b"---") and head[3:4] in (b"\n", b"\r", b"-", b" ", b"\t", b"")


def find_courses(folder: Path) -> list[Path]:
    """Course folders and files directly under ``folder``, sorted by name (case-insensitive).

    Hidden entries (``.git``) are skipped. A folder that cannot be listed gives ``[]``.
    """
    found: list[Path] = []
    try:
        entries = list(Path(folder).expanduser().iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                if (entry / "index.md").is_file():
                    found.append(entry)
            elif (
                entry.suffix.lower() == ".md"
                and entry.is_file()
                and _starts_with_front_matter(entry)
            ):
                found.append(entry)
        except OSError:
            continue
    return sorted(found, key=lambda p: (p.name.casefold(), p.name))


def skipped_entries(folder: Path, courses: list[Path]) -> list[tuple[Path, str]]:
    """The other entries of ``folder`` (hidden ones aside), each with why it is not a course.

    For ``coursemate check FOLDER``, so an author sees what was left out; the picker never
    needs this, so ``find_courses`` stays a cheap listing.
    """
    found = set(courses)
    try:
        entries = sorted(
            Path(folder).expanduser().iterdir(), key=lambda p: (p.name.casefold(), p.name)
        )
    except OSError:
        return []
    return [
        (entry, why_not_a_course(entry))
        for entry in entries
        if not entry.name.startswith(".") and entry not in found
    ]


def why_not_a_course(entry: Path) -> str:
    """Why ``find_courses`` passes over ``entry``, in plain words."""
    try:
        if entry.is_dir():
            return "a folder without an index.md course file"
        if not entry.is_file():
            return "not a regular file"
        with entry.open("rb") as handle:
            head = handle.read(_BINARY_SNIFF)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not head:
        return "an empty file"
    if b"\x00" in head:
        return "a binary file"
    if entry.suffix.lower() != ".md":
        return "not a Markdown (.md) file"
    return "no front matter: a course file starts with a line of three dashes (---)"


def course_file(course: Path) -> Path:
    """The file holding a course's front matter: the folder's ``index.md``, or the file itself."""
    return course / "index.md" if course.is_dir() else course


def peek_title(course: Path) -> str | None:
    """The course's ``title`` from its front matter's top-level ``title:`` line, cleaned to
    one line; ``None`` when it is not in the first few kilobytes or is not a plain string."""
    return peek_fields(course, ("title",)).get("title")


def peek_fields(course: Path, names: tuple[str, ...] = ("title", "code")) -> dict[str, str]:
    """The top-level front-matter fields ``names`` that are plain one-line strings (or
    numbers: ``code: 101``), cleaned to one line; a field not in the first few kilobytes is
    left out.

    Only those single lines go through YAML (safe loader), so a hostile file costs nothing.
    """
    found: dict[str, str] = {}
    try:
        with course_file(course).open("rb") as handle:
            head = handle.read(_PEEK_BYTES)
    except OSError:
        return found
    lines = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").splitlines()
    if not lines or lines[0].rstrip() != "---":
        return found
    prefixes = tuple(f"{name}:" for name in names)
    for line in lines[1:]:
        if line.rstrip() in ("---", "..."):
            break
        if not line.startswith(prefixes):
            continue
        try:
            value = yaml.safe_load(line)
        except yaml.YAMLError:
            continue
        if not isinstance(value, dict) or len(value) != 1:
            continue
        ((name, field),) = value.items()
        if name in names and name not in found and isinstance(field, (str, int, float)):
            text = one_line(str(field))[:_TITLE_CHARS]
            if text and not isinstance(field, bool):
                found[name] = text
        if len(found) == len(names):
            break
    return found
