"""Start-up stays light: the CLI imports no parser, UI or calendar library before a command runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("yaml", "markdown_it", "frontmatter", "textual", "icalendar", "filelock")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_importing_the_cli_imports_nothing_heavy() -> None:
    assert _heavy(_modules_after("import coursemate.cli")) == []


def test_building_the_parser_imports_nothing_heavy() -> None:
    # Registering every subcommand's parser must not pull in what its run() needs.
    code = "import coursemate.cli\ncoursemate.cli.build_parser()"
    assert _heavy(_modules_after(code)) == []


def test_course_package_names_still_resolve_lazily() -> None:
    modules = _modules_after("import coursemate.course")
    assert "coursemate.course.reader" not in modules
    import coursemate.course as course

    assert callable(course.load_course)
    assert course.CourseError.__module__ == "coursemate.course.errors"
    assert set(course.__all__) <= set(dir(course))


def test_opening_the_reference_course_needs_no_markdown_parser(reference_path: Path) -> None:
    # Its experiments are plain one-line lists: the fast path splits them, and the ~25 ms
    # import of markdown-it stays off every start-up (the reading pane imports it later).
    code = (
        "from pathlib import Path\nfrom coursemate.course import load_course\n"
        f"course = load_course(Path({str(reference_path)!r}))\n"
        "assert sum(len(m.assignment.experiments) for m in course.modules if m.assignment) > 10\n"
        "import coursemate.ui.app, coursemate.ui.screens.study"
    )
    modules = _modules_after(code)
    assert "markdown_it" not in modules
    assert "webbrowser" not in modules
