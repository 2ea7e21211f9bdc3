"""``coursemate check [COURSE ...] [--json] [--strict]``: does each course load, what is off.

Exit codes: 0 every course loads (and, with ``--strict``, none has warnings); 1 otherwise;
2 usage errors (from argparse).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursemate.commands.common import add_course_argument, add_site_url_argument, course_path
from coursemate.plural import counted

if TYPE_CHECKING:
    from coursemate.course.model import Course, Problem


@dataclass(frozen=True)
class Result:
    path: Path
    course: Course | None
    problems: tuple[Problem, ...]  # the error (if any) then the warnings

    @property
    def ok(self) -> bool:
        return self.course is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "check",
        help="report errors and warnings in course files",
        description="Load each course and report its errors and warnings. "
        "Exit codes: 0 every course loads, 1 any cannot (or, with --strict, has warnings), "
        "2 usage error.",
    )
    add_course_argument(parser, many=True)  # a folder of courses checks each one
    parser.add_argument("--json", action="store_true", help="print a JSON report for machines")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    add_site_url_argument(parser)
    parser.set_defaults(func=run)


def check_one(path: Path, site_url: str | None = None) -> Result:
    from coursemate.course.errors import CourseError
    from coursemate.course.reader import load_course

    try:
        course = load_course(path, site_url=site_url)
    except CourseError as exc:
        return Result(path, None, (exc.problem,))
    return Result(path, course, in_file_order(course.warnings))


def in_file_order(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Each file's problems by line and column, as an author reads the file; a course's
    files in the order they were first reported, and problems without a place last (the
    reader reports them in the order it reads fields, not the order they are written)."""
    files: dict[Path | None, int] = {}
    for problem in problems:
        files.setdefault(problem.file, len(files))

    def place(problem: Problem) -> tuple[int, bool, int, int]:
        line, column = problem.line, problem.column
        return files[problem.file], line is None, line or 0, column or 0

    return tuple(sorted(problems, key=place))  # stable: ties keep the reader's order


Skipped = tuple[Path, str]  # an entry of a folder of courses that is not one, and why


def expand(values: list[str]) -> tuple[list[Path], list[Skipped]]:
    """The courses named, and what was skipped: a folder without ``index.md`` stands for the
    courses inside it, and its other entries are listed with the reason they are not."""
    from coursemate.course.discover import find_courses, skipped_entries

    result: list[Path] = []
    skipped: list[Skipped] = []
    candidates: list[str | None] = [*values] or [None]
    for value in candidates:
        path = course_path(value)
        if path.is_dir() and not (path / "index.md").exists():
            inside = find_courses(path)
            skipped.extend(skipped_entries(path, inside))
            result.extend(inside or [path])  # none: the folder's own error says so
        else:
            result.append(path)
    return result, skipped


def run(args: argparse.Namespace) -> int:
    paths, skipped = expand(args.courses)
    results = [check_one(p, getattr(args, "site_url", None)) for p in paths]
    failed = sum(not r.ok for r in results)
    warned = sum(len(r.warnings) for r in results)
    if args.json:
        from coursemate.course.text import json_text

        print(json_text(report_json(results, strict=args.strict, skipped=skipped)))
    else:
        write_report(results, sys.stdout, skipped)
    return 1 if failed or (args.strict and warned) else 0


def _problem_line(problem: Problem) -> str:
    from coursemate.course.text import one_line

    return one_line(str(problem))


def _summary(course: Course) -> str:
    resources = sum(len(m.resources) for m in course.modules)
    experiments = sum(1 for _ in course.all_experiments())
    parts = [
        counted(len(course.modules), "module"),
        counted(resources, "resource"),
        counted(experiments, "experiment"),
    ]
    if course.prereading:
        parts.insert(0, f"{len(course.prereading)} pre-reading")
    if course.drafts:
        parts.append(drafts_text(len(course.drafts)))
    return ", ".join(parts)


def drafts_text(count: int) -> str:
    """What the reader left out: items marked ``draft: true`` are not published."""
    return f"{counted(count, 'draft item')} left out"


def write_report(results: list[Result], out: Any, skipped: list[Skipped] | None = None) -> None:
    """One block per course: its status line, then each problem on its own line; then each
    skipped entry of a folder with the reason."""
    from coursemate.course.text import one_line

    for r in results:
        if r.course is not None:
            status = f"ok: {one_line(r.course.title) or r.course.identity} ({_summary(r.course)})"
        else:
            status = "cannot be loaded"
        print(one_line(f"{r.path}: {status}"), file=out)
        for problem in r.problems:
            print(f"  {_problem_line(problem)}", file=out)
    for path, reason in skipped or []:
        print(one_line(f"{path}: skipped: {reason}"), file=out)
    failed = sum(not r.ok for r in results)
    warned = sum(len(r.warnings) for r in results)
    loaded = len(results) - failed
    left_out = f", {len(skipped)} skipped" if skipped else ""
    print(
        f"{counted(len(results), 'course')} checked: "
        f"{loaded} loaded, {failed} failed, "
        f"{counted(warned, 'warning')}{left_out}",
        file=out,
    )


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "severity": problem.severity,
        "file": str(problem.file) if problem.file else None,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": problem.message,
    }


def report_json(
    results: list[Result], *, strict: bool, skipped: list[Skipped] | None = None
) -> dict[str, Any]:
    files = []
    for r in results:
        entry: dict[str, Any] = {
            "path": str(r.path),
            "ok": r.ok,
            "errors": [problem_json(p) for p in r.errors],
            "warnings": [problem_json(p) for p in r.warnings],
        }
        if r.course is not None:
            entry["course"] = {
                "identity": r.course.identity,
                "title": r.course.title,
                "modules": len(r.course.modules),
                "resources": sum(len(m.resources) for m in r.course.modules),
                "prereading": len(r.course.prereading),
                "experiments": sum(1 for _ in r.course.all_experiments()),
                "minutes": r.course.minutes,
                "drafts_left_out": list(r.course.drafts),
            }
        files.append(entry)
    failed = sum(not r.ok for r in results)
    warned = sum(len(r.warnings) for r in results)
    return {
        "files": files,
        "skipped": [{"path": str(path), "reason": reason} for path, reason in skipped or []],
        "summary": {
            "checked": len(results),
            "loaded": len(results) - failed,
            "failed": failed,
            "warnings": warned,
            "skipped": len(skipped or []),
            "strict": strict,
            "ok": not failed and not (strict and warned),
        },
    }
