"""Writing an export (progress as Markdown or JSON, the catch-up report) to the learner's
exports folder, or (the catch-up screen's ``x``) to a file the learner names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datetime import date

    from coursemate.course.model import Course
    from coursemate.progress.store import Store

ExportKind = Literal["markdown", "json", "catchup"]


def export_text(kind: ExportKind, course: Course, store: Store) -> str:
    from coursemate import export
    from coursemate.course.text import json_text

    if kind == "catchup":
        return export.catchup_markdown(course, store)
    if kind == "json":
        return json_text(export.progress_json(course, store))
    return export.progress_markdown(course, store)


def export_path(kind: ExportKind, course: Course, store: Store, data_dir: Path) -> Path:
    from coursemate.course.keys import slug

    suffix = "json" if kind == "json" else "md"
    # The id is the course file's own ("../../x" is one): slugged, like the learner's name.
    owner = f"{slug(course.identity, 120) or 'course'}-{slug(store.learner) or 'learner'}"
    return data_dir / "exports" / f"{owner}-{kind}.{suffix}"


def write_export(kind: ExportKind, course: Course, store: Store, data_dir: Path) -> Path:
    """Write the export atomically and return where; OSError when the folder or file cannot
    be written."""
    target = export_path(kind, course, store, data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_to(kind, course, store, target)


def report_name(course: Course, store: Store, today: date) -> str:
    """``pspo-ana-2025-11-20-catchup.md``: course code (else its id), learner and date."""
    from coursemate.course.keys import slug

    course_part = slug(course.code) or slug(course.identity, 60) or "course"
    return f"{course_part}-{slug(store.learner) or 'learner'}-{today.isoformat()}-catchup.md"


def write_to(kind: ExportKind, course: Course, store: Store, target: Path) -> Path:
    """Write the export atomically to ``target`` (``~`` expanded, relative to the current
    directory) and return the absolute path; OSError when it cannot be written there (no
    such folder, a folder of that name, no permission). Folders are never created: a typo
    in a path should be told, not made."""
    from coursemate.progress.atomic import write_atomic

    target = target.expanduser().absolute()
    if target.is_dir():
        raise IsADirectoryError(21, "that is a folder; add a file name", str(target))
    text = export_text(kind, course, store)
    write_atomic(target, (text.rstrip("\n") + "\n").encode("utf-8"))
    return target
