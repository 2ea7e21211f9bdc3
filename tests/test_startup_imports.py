"""Start-up stays light: the CLI imports no parser, UI or calendar library before a command runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import make_app, study

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


def test_the_course_package_imports_and_re_exports_nothing() -> None:
    # Importing one module of it (``course.errors``, say) must not pull in the reader; names
    # are imported from the module that defines them, each spelled once.
    code = "import coursemate.course as c\nprint([n for n in dir(c) if not n.startswith('__')])"
    names = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert names == "[]"
    modules = _modules_after("import coursemate.course")
    assert sorted(m for m in modules if m.startswith("coursemate.course.")) == []


def test_the_app_options_and_factory_import_no_textual() -> None:
    # ``coursemate open`` builds its options and starts reading the course before Textual.
    code = "import coursemate.ui, coursemate.ui.options, coursemate.ui.factory"
    assert _heavy(_modules_after(code)) == []


async def test_the_app_takes_its_first_course_from_the_read_started_before_it(
    reference_path: Path, tmp_path: Path
) -> None:
    from coursemate.course.cache import prefetch

    copy = tmp_path / "course.md"
    copy.write_bytes(reference_path.read_bytes())
    future = prefetch(copy, cache_dir=tmp_path / "cache", write_delay=0)
    expected = future.result(timeout=30)
    copy.unlink()  # reading it again now would fail: the app must take the prefetched course
    app = make_app(tmp_path, course=copy, cache_dir=tmp_path / "cache", prefetched=future)
    async with app.run_test() as pilot:
        await study(pilot)
        assert app.course is expected
        await pilot.press("q")


def test_opening_the_reference_course_needs_no_markdown_parser(reference_path: Path) -> None:
    # Its experiments are plain one-line lists: the fast path splits them, and the ~25 ms
    # import of markdown-it stays off every start-up (the reading pane imports it later).
    code = (
        "from pathlib import Path\nfrom coursemate.course.reader import load_course\n"
        f"course = load_course(Path({str(reference_path)!r}))\n"
        "assert sum(len(m.assignment.experiments) for m in course.modules if m.assignment) > 10\n"
        "import coursemate.ui.app, coursemate.ui.screens.study"
    )
    modules = _modules_after(code)
    assert "markdown_it" not in modules
    assert "webbrowser" not in modules
