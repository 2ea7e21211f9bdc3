"""``coursemate class [COURSE] --from DIR [--json | --csv | --markdown] [--with-reflections]``.

The trainer's view of a class (``coursemate.progress.roster``): one row per learner found in
DIR's store and export files, the class's totals, who has not started, the experiments the
class chose most per module, and the files skipped and why. Names and progress only, unless
``--with-reflections`` (learners share their notes and reflections on purpose). DIR is only
read. Every text from a file is shown cleaned, Markdown-escaped in ``--markdown``, and
neutralised in ``--csv`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursemate.commands.common import CommandError, add_course_argument, load_cached
from coursemate.plural import counted

if TYPE_CHECKING:
    from coursemate.progress.maths import ModuleProgress
    from coursemate.progress.roster import ClassRoster, LearnerRow

NAME_WIDTH = 24  # the most a learner's name takes in the text view
MIN_NAME_WIDTH = 12
MOST_CHOSEN_SHOWN = 3  # per module in the text and Markdown views; --json lists every one
TEXT_WIDTH = 100  # the most an experiment's text takes in the text view
# The text view fits the terminal; piped, it is this wide (--csv, --json and --markdown are
# the views for other programs).
PIPED_WIDTH = 100


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "class",
        help="the class's progress, from a folder of learners' stores and exports",
        description="One row per learner found in DIR (learner store files and "
        "'export --format json' files, in any sub-folder): pre-reading and resources, "
        "modules, experiments, last activity; class totals, who has not started and the "
        "experiments chosen most. DIR is only read.",
    )
    add_course_argument(parser)
    parser.add_argument(
        "--from", dest="folder", metavar="DIR", required=True, help="the class's shared folder"
    )
    form = parser.add_mutually_exclusive_group()
    for name, what in (
        ("json", "JSON, one learner per line"),
        ("csv", "CSV for a spreadsheet (cells that would start a formula are made text)"),
        ("markdown", "a Markdown table and lists"),
    ):
        form.add_argument(f"--{name}", action="store_const", const=name, dest="form", help=what)
    parser.add_argument(
        "--with-reflections",
        action="store_true",
        help="include the learners' notes, reflections and catch-up prompts",
    )
    parser.set_defaults(func=run, form="text")


def run(args: argparse.Namespace) -> int:
    from coursemate.progress.roster import RosterError, check_folder, read_class

    folder = Path(args.folder).expanduser()
    try:
        check_folder(folder)  # before the course: a typo in DIR is the likelier mistake
        course = load_cached(args.course)
        roster = read_class(course, folder)
    except RosterError as exc:
        raise CommandError(str(exc)) from exc
    render = {"json": _json, "csv": _csv, "markdown": _markdown, "text": _text}[args.form]
    sys.stdout.write(render(roster, args.with_reflections))
    return 0


# --- JSON ------------------------------------------------------------------------------------


def _stamp(row: LearnerRow) -> str | None:
    return row.last_activity.isoformat(timespec="seconds") if row.last_activity else None


def _json(roster: ClassRoster, with_reflections: bool) -> str:
    from coursemate.export import progress_figures
    from coursemate.progress.roster import learner_texts

    course = roster.course
    totals = roster.totals()
    titles = {m.key: m.title for m in course.modules}

    def learner(row: LearnerRow) -> dict[str, Any]:
        out: dict[str, Any] = {
            "learner": row.learner,
            "files": [{"path": s.path, "kind": s.kind} for s in row.sources],
            "started": row.started,
            "prereading": progress_figures(row.prereading),
            "resources": progress_figures(row.resources),
            "modules": [{"key": p.key, **progress_figures(p)} for p in row.modules],
            "strip": row.strip,
            "experiments": {
                "chosen": row.chosen,
                "running": row.running,
                "done": row.done,
                "reflected": row.reflected,
            },
            "last_activity": _stamp(row),
        }
        if with_reflections:
            out["texts"] = [
                {"key": key, "about": about, "text": text}
                for key, about, text in learner_texts(course, row)
            ]
        return out

    data = {
        "course": {"identity": course.identity, "title": course.title, "code": course.code},
        "folder": str(roster.folder),
        "learners": [learner(row) for row in roster.learners],
        "totals": {
            "learners": totals.learners,
            "started": totals.started,
            "prereading_finished": totals.prereading_finished,
            "prereading_percent": totals.prereading_percent,
            "resources_percent": totals.resources_percent,
            "modules_finished": [
                {"key": m.key, "learners": n}
                for m, n in zip(course.modules, totals.modules_finished, strict=True)
            ],
            "experiments": {
                "chosen": totals.chosen,
                "running": totals.running,
                "done": totals.done,
                "reflected": totals.reflected,
            },
        },
        "not_started": [row.learner for row in roster.not_started],
        "most_chosen": [
            {
                "module": key,
                "title": titles[key],
                "experiments": [
                    {"key": c.key, "text": c.text, "own": c.own, "learners": c.learners}
                    for c in counts
                ],
            }
            for key, counts in roster.most_chosen()
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in roster.skipped],
    }
    return _json_lines(data)


def _json_lines(data: dict[str, Any]) -> str:
    """``data`` as JSON with each top-level field, and each item of a top-level list, on a line
    of its own: readable, diffable and greppable, and written by Python's fast encoder (an
    indented dump of 300 learners took longer than reading them)."""
    from coursemate.course.text import json_text

    fields = []
    for name, value in data.items():
        head = f"  {json_text(name, None)}: "
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {json_text(item, None)}" for item in value)
            fields.append(f"{head}[\n{items}\n  ]")
        else:
            fields.append(head + json_text(value, None))
    return "{\n" + ",\n".join(fields) + "\n}\n"


# --- CSV -------------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...), +cmd|...);
# tab and carriage return start one in some of them too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """``value`` safe in a spreadsheet: text that would start a formula gets a leading ``'``
    (the spreadsheet convention for "this is text"); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(roster: ClassRoster, with_reflections: bool) -> str:
    import csv
    import io

    from coursemate.course.text import one_line
    from coursemate.progress.roster import learner_texts

    course = roster.course
    header = [
        "learner",
        "prereading_percent",
        "prereading_minutes_left",
        "resources_percent",
        "resources_minutes_left",
        *(f"module {m.number}: {one_line(m.title)} %" for m in course.modules),
        "modules",
        "experiments_chosen",
        "experiments_running",
        "experiments_done",
        "experiments_reflected",
        "last_activity",
        "files",
    ]
    if with_reflections:
        header.append("notes_and_reflections")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in roster.learners:
        cells: list[object] = [
            row.learner,
            row.prereading.percent,
            row.prereading.minutes_left,
            row.resources.percent,
            row.resources.minutes_left,
            *(p.percent for p in row.modules),
            row.strip,
            row.chosen,
            row.running,
            row.done,
            row.reflected,
            _stamp(row) or "",
            " ".join(s.path for s in row.sources),
        ]
        if with_reflections:
            cells.append(
                "\n\n".join(f"{about}:\n{text}" for _, about, text in learner_texts(course, row))
            )
        writer.writerow([csv_cell(cell) for cell in cells])
    return out.getvalue()


# --- text and Markdown -----------------------------------------------------------------------


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap_list(line: str, width: int) -> list[str]:
    """``line`` in lines of at most ``width``, broken only after the commas of its list (who
    has not started: a name is never cut in two), the later lines indented."""
    lines = [""]
    for part in line.split(", "):
        joined = f"{lines[-1]}, {part}" if lines[-1] else part
        if not lines[-1] or len(joined) < width:
            lines[-1] = joined
        else:
            lines[-1] += ","
            lines.append(f"  {part}")
    return lines


def _figure(p: ModuleProgress) -> str:
    """``62% 45 min`` (percent and minutes left); ``—`` when there is nothing to read."""
    return f"{p.percent:>3}% {p.minutes_left:>4} min" if p.items_total else "—"


def _when(row: LearnerRow, short: bool) -> str:
    if row.last_activity is None:
        return "never"
    return row.last_activity.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")


def _experiments(row: LearnerRow) -> str:
    return f"{row.chosen}/{row.running}/{row.done}/{row.reflected}"


def _text(roster: ClassRoster, with_reflections: bool) -> str:
    import shutil

    from coursemate.course.text import one_line
    from coursemate.progress.roster import learner_texts

    width = shutil.get_terminal_size((PIPED_WIDTH, 24)).columns
    course = roster.course
    title = one_line(course.title) or one_line(course.identity)
    strip_width = max(len(course.modules), len("modules"))
    # Columns right of the name; at 80 columns the year goes from the last activity first.
    fixed = 1 + 13 + 1 + 13 + 1 + strip_width + 1 + 11 + 2
    short = width < fixed + NAME_WIDTH + len("2025-11-08 09:00")
    last = "last (UTC)" if short else "last activity (UTC)"
    when_width = len("11-08 09:00") if short else len("2025-11-08 09:00")
    name_width = min(NAME_WIDTH, max(MIN_NAME_WIDTH, width - 1 - fixed - when_width))
    out = [f"{title} · class from {one_line(str(roster.folder))}", ""]
    out.append(
        f"{'learner':<{name_width}} {'pre-reading':>13} {'resources':>13} "
        f"{'modules':<{strip_width}} {'exp c/r/d/r':>11}  {last}"
    )
    for row in roster.learners:
        out.append(
            f"{_shorten(row.learner, name_width):<{name_width}} {_figure(row.prereading):>13} "
            f"{_figure(row.resources):>13} {row.strip:<{strip_width}} "
            f"{_experiments(row):>11}  {_when(row, short)}"
        )
    out.append("")
    for line in roster.summary_lines():
        out += _wrap_list(line, max(width - 1, 40))
    out.append("Modules: one mark each, · nothing done, ▂ ▄ ▆ some, █ all, - nothing to read")
    out += ["", "Most chosen experiments:"]
    numbers = {m.key: m for m in course.modules}
    most = roster.most_chosen()
    for key, counts in most:
        module = numbers[key]
        out.append(f"  {module.number}. {one_line(module.title)}")
        for c in counts[:MOST_CHOSEN_SHOWN]:
            text = _shorten(one_line(c.text), min(TEXT_WIDTH, max(width - 12, 20)))
            out.append(f"     {c.learners:>3} × {text}")
    if not most:
        out.append("  none chosen yet")
    if with_reflections:
        for row in roster.learners:
            texts = learner_texts(course, row)
            if texts:
                out += ["", f"{row.learner}:"]
                for _, about, text in texts:
                    out.append(f"  {about}:")
                    out += [f"    {line}" for line in text.splitlines()]
    if roster.skipped:
        out += ["", f"Skipped {counted(len(roster.skipped), 'file')}:"]
        out += [f"  {s.path}: {s.reason}" for s in roster.skipped]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    """Text in a Markdown table cell: escaped, and its pipes cannot end the cell."""
    from coursemate.export import md_inline

    return md_inline(text).replace("|", "\\|")


def _markdown(roster: ClassRoster, with_reflections: bool) -> str:
    from coursemate.export import md_inline, md_line
    from coursemate.progress.roster import learner_texts

    course = roster.course
    out = [f"# Class progress: {md_inline(course.title or course.identity)}", ""]
    out += [
        "| learner | pre-reading | resources | modules | experiments chosen/running/done/"
        "reflected | last activity |",
        "|---|---|---|---|---|---|",
    ]
    for row in roster.learners:
        out.append(
            f"| {_cell(row.learner)} | {_figure(row.prereading)} | {_figure(row.resources)} | "
            f"`{row.strip}` | {_experiments(row)} | {_when(row, short=False)} |"
        )
    out += ["", "## Class", ""]
    out += [f"- {md_line(line)}" for line in roster.summary_lines()]
    out += ["", "## Most chosen experiments", ""]
    numbers = {m.key: m for m in course.modules}
    for key, counts in roster.most_chosen():
        module = numbers[key]
        out.append(f"- {module.number}. {md_inline(module.title)}")
        out += [f"  - {c.learners} × {md_line(c.text)}" for c in counts[:MOST_CHOSEN_SHOWN]]
    if with_reflections:
        out += ["", "## Notes and reflections"]
        for row in roster.learners:
            texts = learner_texts(course, row)
            if texts:
                out += ["", f"### {md_inline(row.learner)}", ""]
                for _, about, text in texts:
                    out.append(f"- {md_line(about)}:")
                    out += [f"  > {md_line(line)}" for line in text.splitlines()]
    if roster.skipped:
        out += ["", "## Skipped files", ""]
        out += [f"- {md_line(s.path)}: {md_inline(s.reason)}" for s in roster.skipped]
    return "\n".join(out) + "\n"
