"""Progress exports (JSON, Markdown) and the catch-up report. No Textual here.

The JSON export embeds the learner's store document for the course, so ``coursemate import``
merges it back by the same rules two processes use. The Markdown outputs are meant to be read
as plain text too: no tables, no HTML. Course and learner text (titles, keys, names, notes,
reflections) is escaped where it could make Markdown structure (``md_inline``, ``md_line``),
and the learner's own text is quoted line by line, so the only headings, list items and
quotes are the report's own, and no text adds a link, an image or HTML.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal

from coursemate.course.model import Course, Resource
from coursemate.course.text import clean, json_text, one_line
from coursemate.plural import noun
from coursemate.progress.catchup import catchup
from coursemate.progress.checklist import (
    NOTES,
    ORPHANED,
    PROMPT_LABELS,
    PROMPTS,
    ChecklistEntry,
    ChecklistNote,
    build_checklist,
)
from coursemate.progress.maths import ModuleProgress, course_progress

if TYPE_CHECKING:
    from collections.abc import Callable

    from coursemate.progress.maths import CourseProgress
    from coursemate.progress.store import Store

EXPORT_FORMAT = "coursemate-progress"

# What can be exported: progress as Markdown or JSON, or the catch-up report.
ExportKind = Literal["markdown", "json", "catchup"]


def render(kind: ExportKind, course: Course, store: Store) -> str:
    """The text of one export, ending in a newline: what ``coursemate export`` prints and the
    app writes to a file."""
    if kind == "catchup":
        return catchup_markdown(course, store)
    if kind == "json":
        return json_text(progress_json(course, store)) + "\n"
    return progress_markdown(course, store)


def progress_figures(p: ModuleProgress) -> dict[str, int]:
    return {
        "items_done": p.items_done,
        "items_total": p.items_total,
        "minutes_done": p.minutes_done,
        "minutes_total": p.minutes_total,
        "minutes_left": p.minutes_left,
        "percent": p.percent,
    }


def progress_summary(course: Course, store: Store) -> dict[str, Any]:
    """What ``coursemate progress --json`` prints: figures, done keys, chosen, orphaned."""
    cid = course.identity
    progress = course_progress(course, store.done_keys(cid))
    known = course.keys()
    return {
        "learner": store.learner,
        "course": {"identity": cid, "title": course.title, "code": course.code},
        "prereading": progress_figures(progress.prereading),
        "modules": [
            {"key": m.key, "title": m.title, **progress_figures(progress.modules[m.key])}
            for m in course.modules
        ],
        "overall": progress_figures(progress.overall),
        "next_unfinished": progress.next_unfinished(),
        "done_keys": sorted(store.done_keys(cid) & known),
        "chosen_keys": sorted(store.chosen_keys(cid)),
        "orphaned_keys": store.orphaned_keys(course),
    }


def progress_json(course: Course, store: Store, now: datetime | None = None) -> dict[str, Any]:
    """The ``export --format json`` document: the summary plus the store's own record."""
    return {
        "format": EXPORT_FORMAT,
        "exported": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        **progress_summary(course, store),
        "store": store.course_document(course.identity),
    }


def next_line(
    course: Course, progress: CourseProgress, inline: Callable[[str], str] = one_line
) -> str | None:
    """The line naming the first unfinished item (``Next: <title> [<key>]``), None when all is
    done. ``inline`` makes course text safe where it goes: ``one_line`` for the terminal,
    ``md_inline`` for the Markdown export."""
    key = progress.next_unfinished()
    # A resource's key (what ``next_unfinished`` gives); anything else names nothing to read.
    found = course.find(key) if key else None
    if key is None or not isinstance(found, Resource):
        return None
    return f"Next: {inline(found.title)} [{inline(key)}]"


# Anywhere in a line: a "](" or "][" that would close a link or an image, a "<" that would open
# an HTML tag or an autolink, and a backslash that would cancel an escape after it. A bracket
# alone ("[red]", "[1]") stays: with no "[label]: url" definition (a line cannot start with
# "[", see _MD_BLOCK) it links nowhere.
_MD_INLINE = re.compile(r"\\(?=[!-/:-@\[-`{-~])|\](?=[(\[])|<(?=[A-Za-z/!?])")
# At the start of a line (after up to any indent): an ATX heading, a bullet, a quote, a fence,
# a link reference definition.
_MD_BLOCK = re.compile(r"#{1,6}(?:[ \t]|$)|[-+*](?:[ \t]|$)|>|`{3}|~{3}|\[")
# "1. " or "1) ": an ordered list item (escaped at its delimiter: "1\. ").
_MD_ORDERED = re.compile(r"\d{1,9}(?=[.)](?:[ \t]|$))")
# A line of only these is a thematic break or, under a line of text, a setext underline.
_MD_RULE_CHARS = frozenset("-*_= \t")


def _escape_inline(line: str) -> str:
    return _MD_INLINE.sub(r"\\\g<0>", line)


def _escape_start(line: str) -> str:
    """``line`` (already escaped inline) unable to begin a block: "\\# x", "1\\. x"."""
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)]
    if not body:
        return line
    if set(body) <= _MD_RULE_CHARS or _MD_BLOCK.match(body):
        return f"{indent}\\{body}"
    ordered = _MD_ORDERED.match(body)
    if ordered:
        return f"{indent}{body[: ordered.end()]}\\{body[ordered.end() :]}"
    return line


def md_inline(text: str) -> str:
    """Course or learner text on one line inside a line of the report (after "- Learner: ",
    in a heading): literal, whatever Markdown it holds. Ordinary text reads unchanged."""
    return _escape_inline(one_line(text))


def md_line(text: str) -> str:
    """Course or learner text on one line that starts a list item of the report: as
    ``md_inline``, and it cannot begin a heading, a list, a quote, a fence or a rule either."""
    return _escape_start(md_inline(text))


def _quote(text: str) -> list[str]:
    """The learner's text as a quote, line by line (its line breaks and indents kept)."""
    lines = clean(text).strip().splitlines()
    return ["> " + _escape_start(_escape_inline(line)) if line.strip() else ">" for line in lines]


def _minutes(minutes: int | None) -> str:
    return "no duration" if minutes is None else f"{minutes} min"


def _figures_line(p: ModuleProgress) -> str:
    return (
        f"{p.items_done}/{p.items_total} {noun(p.items_total, 'item')}, "
        f"{p.minutes_done}/{p.minutes_total} min ({p.percent}%), {p.minutes_left} min left"
    )


def progress_markdown(course: Course, store: Store, today: date | None = None) -> str:
    """The learner's progress in one course, as Markdown that reads well as plain text."""
    cid = course.identity
    done = store.done_keys(cid)
    progress = course_progress(course, done)
    checklist = build_checklist(course, store)
    out = [
        f"# Progress: {md_inline(course.title) or md_inline(cid)}",
        "",
        f"- Learner: {md_inline(store.learner)}",
        f"- Exported: {(today or date.today()).isoformat()}",
        f"- Overall: {_figures_line(progress.overall)}",
    ]
    nxt = next_line(course, progress, md_inline)
    if nxt is not None:
        out.append(f"- {nxt}")

    def resource_lines(resources: Any) -> None:
        for res in resources:
            mark = "x" if res.key in done else " "
            out.append(
                f"- [{mark}] {md_inline(res.title) or '(untitled)'} ({_minutes(res.minutes)})"
            )
            note = store.note(cid, res.key)
            if note:
                out.extend("  " + line for line in _quote(note))

    if course.prereading:
        out += ["", f"## Pre-reading: {_figures_line(progress.prereading)}", ""]
        resource_lines(course.prereading)
    for module in course.modules:
        out += ["", f"## {module.number}. {md_inline(module.title)}", ""]
        if module.resources:
            out += [_figures_line(progress.modules[module.key]), ""]
            resource_lines(module.resources)
        else:
            out.append("No resources.")
        group = checklist.group_of(module.key)
        if group is not None:
            out += ["", "Chosen experiments:", ""]
            out += [f"- {_experiment_heading(e)}" for e in group.entries]
    orphans = store.orphaned_keys(course)
    if orphans:
        out += ["", "## Kept for items no longer in the course", ""]
        out += [f"- {md_line(key)}{_orphan_state(store, cid, key)}" for key in orphans]
    return "\n".join(out) + "\n"


def _orphan_state(store: Store, cid: str, key: str) -> str:
    states = [
        name
        for name, on in (
            ("done", store.is_done(cid, key)),
            ("chosen", store.is_chosen(cid, key)),
            ("note", bool(store.note(cid, key))),
        )
        if on
    ]
    return f" ({', '.join(states)})" if states else ""


# --- catch-up report ---------------------------------------------------------------------


def _experiment_heading(entry: ChecklistEntry) -> str:
    return f"[{entry.status}] {md_inline(entry.text)} ({entry.kind})"


def _experiment_block(entry: ChecklistEntry) -> list[str]:
    """One experiment: its heading, status history, what is written of its reflection and,
    once, the questions still to answer. Blocks inside are separated by one blank line."""
    out = [f"### {_experiment_heading(entry)}"]
    if entry.history:
        out += ["", f"Status: {md_inline(entry.history)}"]
    if entry.gone:
        out += ["", f"This experiment ({md_inline(entry.key)}) is no longer in the course file."]
    for label, text in entry.reflection:
        out += ["", f"{label}:", *_quote(text)]
    if entry.unwritten:
        lead = "Still to write" if entry.reflection else "Not reflected yet"
        out += ["", f"{lead}: {', '.join(entry.unwritten)}."]
    return out


def _note_lines(note: ChecklistNote) -> list[str]:
    """A note as a list item naming where it is, its text quoted under it."""
    return [f"- {md_line(note.where)}", *("  " + line for line in _quote(note.text))]


def catchup_markdown(course: Course, store: Store, today: date | None = None) -> str:
    """The report to share at the catch-up (issue 5): the checklist the catch-up screen shows.

    Built as blocks joined by exactly one blank line, so no part can leave two."""
    cid = course.identity
    info = catchup(course, store)
    if info.when is None:
        when = "not scheduled"
    elif info.source == "learner":
        when = f"{info.when.isoformat()} (set by the learner)"
    else:
        when = f"{info.when.isoformat()} (14 days after the last session)"
    title = md_inline(course.title) or md_inline(cid)
    blocks: list[list[str]] = [
        [f"# Catch-up report: {title}"],
        [
            f"- Learner: {md_inline(store.learner)}",
            f"- Course: {title}" + (f" ({md_inline(course.code)})" if course.code else ""),
            f"- Catch-up: {when}",
            f"- Written: {(today or date.today()).isoformat()}",
            f"- Experiments: {info.line}",
        ],
    ]
    checklist = build_checklist(course, store)
    for group in checklist.groups:
        if group.module is not None:
            blocks.append([f"## Module {group.module.number}: {md_inline(group.module.title)}"])
        else:
            blocks.append([f"## {ORPHANED}"])
            blocks.append(
                ["These chosen experiments belong to parts the course file no longer has."]
            )
        blocks += [_experiment_block(entry) for entry in group.entries]
    if not info.chosen:
        blocks.append(["No experiments chosen yet."])
    if checklist.notes:
        blocks.append([f"## {NOTES}"])
        blocks.append([line for note in checklist.notes for line in _note_lines(note)])
    prompts = store.catchup_prompts(cid)
    blocks.append(["## Since the course"])
    for name in PROMPTS:
        text = prompts[name]
        blocks.append(
            [f"{PROMPT_LABELS[name]}:", *(_quote(text) if text.strip() else ["> (nothing yet)"])]
        )
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
