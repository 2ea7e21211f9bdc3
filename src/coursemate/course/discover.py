"""Finding the courses in a folder, for the app's course picker.

A course is a subfolder holding an ``index.md`` (the site layout, maybe with a
``syllabus.yaml``), or a ``*.md`` file that starts with front matter. Only the folder's
direct children are looked at: a picker must stay fast on a big folder, and nothing is parsed.
"""

from __future__ import annotations

from pathlib import Path

_SNIFF_BYTES = 8  # enough for a byte-order mark and "---"


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
