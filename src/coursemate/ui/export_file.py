"""Writing an export (progress as Markdown or JSON, the catch-up report) to the learner's
exports folder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pathlib import Path

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
    from coursemate.progress.atomic import write_atomic

    target = export_path(kind, course, store, data_dir)
    text = export_text(kind, course, store)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, (text.rstrip("\n") + "\n").encode("utf-8"))
    return target
