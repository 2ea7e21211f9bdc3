"""Hostile text from a learner store, an import or a file name never reaches the terminal raw.

The store is written straight into the data directory, as a hand edit, an older version or an
old import could have left it: keys, a course id, notes, reflections, prompts and an own
experiment carry terminal escapes (title, clipboard, clear screen), BiDi and invisible
characters, and Markdown that would add headings, list items, links, images and HTML to the
reports. The real commands run in subprocesses; the app runs with the pilot.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList, Static, TextArea

from coursemate.course.model import Course
from coursemate.progress.names import LearnerNameError, learner_stem, normalise_learner
from coursemate.progress.store import Store
from coursemate.ui.app import CoursemateApp
from coursemate.ui.screens.catchup import CatchupScreen, ChecklistView
from coursemate.ui.screens.error import ErrorScreen
from coursemate.ui.screens.learner import LearnerScreen
from coursemate.ui.screens.picker import CourseList, PickerScreen
from coursemate.ui.screens.reflection import ReflectionScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import (
    COURSE_ID,
    FIRST,
    go,
    make_app,
    run,
    study,
    tree_of,
    until_screen,
    write_course,
)

# Window title, clipboard write (OSC 52), clear screen, 8-bit CSI, right-to-left override,
# zero-width space, BOM.
ESCAPES = "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b31m\u202e\u200b\ufeff"
MARKDOWN = (
    "# INJECTED\n"
    "- [x] injected item\n"
    "1. injected step\n"
    "> injected quote\n"
    "[a link](https://evil.example) ![an image](https://evil.example/i.png)\n"
    "<img src=x onerror=alert(1)> \\[x](https://evil.example)\n"
    "```\n"
    "---\n"
    "Setext\n"
    "===\n"
)
NOTE = f"{ESCAPES}my note\n{MARKDOWN}"
EVIL_KEY = f"m1/r/gone{ESCAPES}\n{MARKDOWN}"
EVIL_COURSE = f"evil{ESCAPES}\n# INJECTED course"
OWN_KEY = "m1/a/own/0a1b2c3d"
ORPHANS = 300  # unknown keys, as an import of another course's progress brings them
# What no terminal output may hold: C0 controls but tab and newline, DEL, C1 controls, BiDi
# controls and invisible format characters.
FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
AT = "2025-11-08T10:12:03.123456Z"


def reg(value: object) -> dict[str, object]:
    return {"at": AT, "value": value}


def experiment_key(course: Course) -> str:
    assignment = course.modules[0].assignment
    assert assignment is not None
    return assignment.experiments[0].key


def store_document(course: Course, *, hostile: bool = True) -> dict[str, Any]:
    """A learner store as a hand edit could leave it; ``hostile=False`` is its plain twin, with
    the same keys and the same shape, for comparing the reports' structure."""
    note = NOTE if hostile else "my note"
    # The twin's key and course id are as unusable (so set aside on load) but harmless.
    key = EVIL_KEY if hostile else "m1/r/gone!"
    course_id = EVIL_COURSE if hostile else "plain\n"
    reflection = {name: reg(note) for name in ("did", "happened", "learned", "next")}
    items: dict[str, Any] = {
        FIRST: {"done": reg(True), "note": reg(note)},
        experiment_key(course): {"chosen": reg(True), "reflection": reflection},
        OWN_KEY: {
            "own": reg({"assignment": "m1/a", "text": note}),
            "chosen": reg(True),
            "reflection": reflection,
        },
        key: {"done": reg(True), "chosen": reg(True), "note": reg(note)},
    }
    items.update({f"m99/r/gone-{i:03}": {"done": reg(True)} for i in range(ORPHANS)})
    return {
        "schema_version": 1,
        "learner": "alice",
        "created": AT,
        "updated": AT,
        "courses": {
            COURSE_ID: {"items": items, "prompts": {"questions": reg(note)}},
            course_id: {"items": {"x": {"done": reg(True)}}},
        },
    }


def write_store(data_dir: Path, doc: dict[str, Any], learner: str = "alice") -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{learner_stem(learner)}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def assert_clean(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    assert not found, f"terminal controls in the output: {found}"


# --- the commands -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["progress"],
        ["progress", "--json"],
        ["learners"],
        ["learners", "--json"],
        ["export", "--format", "markdown"],
        ["export", "--format", "json"],
        ["export", "--catchup"],
    ],
    ids=" ".join,
)
def test_commands_print_stored_text_without_terminal_controls(
    tmp_path: Path, course: Course, reference_path: Path, args: list[str]
) -> None:
    data_dir = tmp_path / "data"
    write_store(data_dir, store_document(course))
    command, *rest = args
    result = run(
        command,
        *(() if command == "learners" else (str(reference_path),)),
        *rest,
        "--learner",
        "alice",
        data_dir=data_dir,
    )
    assert result.returncode == 0, result.stderr
    assert_clean(result.stdout)
    assert_clean(result.stderr)
    if "--json" in args or "json" in args:
        data = json.loads(result.stdout)  # still JSON: characters escaped, not dropped
        if command == "export":
            items = data["store"]["courses"][COURSE_ID]["items"]
            assert items[FIRST]["note"]["value"] == NOTE
            # A key coursemate never makes is set aside on load (kept in the file, never
            # shown): it reaches no export.
            assert EVIL_KEY not in items and EVIL_KEY not in data["orphaned_keys"]


def test_progress_counts_unknown_keys_and_names_a_few(
    tmp_path: Path, course: Course, reference_path: Path
) -> None:
    data_dir = tmp_path / "data"
    write_store(data_dir, store_document(course))
    result = run("progress", str(reference_path), "--learner", "alice", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    kept = [line for line in result.stdout.splitlines() if line.startswith("Kept for")]
    assert len(kept) == 1 and len(kept[0]) < 500, kept
    # Every stored key the course does not have (the hostile one is set aside on load).
    assert kept[0].startswith(f"Kept for {ORPHANS} keys no longer in the course: m99/r/gone-000, ")
    assert kept[0].endswith(f" and {ORPHANS - 5} more (see --json)")
    assert "# INJECTED" not in result.stdout


def markdown_structure(text: str) -> list[tuple[str, str, int]]:
    """Every block and inline token that makes structure (not text), in order."""
    structural = re.compile(r"heading|list|item|blockquote|link|image|html|fence|code|hr")

    def walk(tokens: list[Token]) -> list[tuple[str, str, int]]:
        out: list[tuple[str, str, int]] = []
        for token in tokens:
            if structural.search(token.type):
                out.append((token.type, token.tag, token.level))
            out += walk(token.children or [])
        return out

    return walk(MarkdownIt("commonmark").parse(text))


def headings(text: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(text)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


@pytest.mark.parametrize("kind", [["--format", "markdown"], ["--catchup"]], ids=" ".join)
def test_reports_hold_only_their_own_markdown_structure(
    tmp_path: Path, course: Course, reference_path: Path, kind: list[str]
) -> None:
    reports = []
    for hostile in (True, False):
        data_dir = tmp_path / ("hostile" if hostile else "plain")
        write_store(data_dir, store_document(course, hostile=hostile))
        target = tmp_path / f"report-{hostile}.md"
        args = ["export", str(reference_path), *kind, "-o", str(target), "--learner", "alice"]
        result = run(*args, data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert f"Wrote {target}" in result.stderr  # says where it went (issue #13.7)
        reports.append(target.read_text(encoding="utf-8"))
    hostile_report, plain_report = reports
    assert_clean(hostile_report)
    # The same headings, lists, items and quotes as the plain twin: none added by the text.
    assert markdown_structure(hostile_report) == markdown_structure(plain_report)
    assert not [h for h in headings(hostile_report) if h.startswith(("INJECTED", "Setext"))]
    # The text itself is all there, shown literally.
    plain = MarkdownIt("commonmark").render(hostile_report)
    assert "# INJECTED" in plain and "[a link](https://evil.example)" in plain
    assert "&lt;img src=x onerror=alert(1)&gt;" in plain and "<img" not in plain


def test_ordinary_titles_read_naturally_in_reports() -> None:
    from coursemate.export import md_inline

    for title in ("What is a Product?", "C++ (intro)", "Scrum: 2 days, 3 roles & 5 events"):
        assert md_inline(title) == title
    assert md_inline("a < b, see [1] and [red]x[/red]") == "a < b, see [1] and [red]x[/red]"
    assert md_inline("[a](b) ![c](d) [e][f] <b>") == "[a\\](b) ![c\\](d) [e\\][f] \\<b>"


def test_error_messages_and_usage_errors_quote_arguments_cleaned(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    missing = tmp_path / f"course{ESCAPES}.md"
    for args in (
        ["outline", str(missing)],  # the reader's error names the file
        ["progress", "--learner", f"bob{ESCAPES}"],  # the store's error quotes the name
        ["outline", "course.md", f"extra{ESCAPES}"],  # argparse echoes the argument
    ):
        result = run(*args, data_dir=data_dir)
        assert result.returncode in (1, 2), result
        assert result.stderr.startswith(("coursemate: ", "usage: ")), result.stderr
        assert "Traceback" not in result.stderr
        assert_clean(result.stderr)
        assert_clean(result.stdout)


def test_a_damaged_store_is_reported_without_the_escapes_it_holds(
    tmp_path: Path, reference_path: Path
) -> None:
    data_dir = tmp_path / "data"
    doc = {"schema_version": 1, "learner": "alice", "courses": {EVIL_COURSE: "not an object"}}
    write_store(data_dir, doc)
    result = run("progress", str(reference_path), "--learner", "alice", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "was damaged" in result.stderr
    assert_clean(result.stderr)


def test_check_and_agenda_name_hostile_files_cleaned(tmp_path: Path, reference_path: Path) -> None:
    folder = tmp_path / "courses"
    folder.mkdir()
    shutil.copy(reference_path, folder / f"pspo{ESCAPES}.md")
    for args in (["check", str(folder)], ["check", "--json", str(folder)]):
        result = run(*args, data_dir=tmp_path / "data")
        assert result.returncode == 0, result.stderr
        assert_clean(result.stdout)
    ics = tmp_path / f"agenda{ESCAPES}.ics"
    result = run("agenda", str(reference_path), "--ics", str(ics), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert ics.is_file() and "Wrote " in result.stderr
    assert_clean(result.stderr)


def test_import_names_a_hostile_file_cleaned(tmp_path: Path, course: Course) -> None:
    other = Store.open(tmp_path / "other", "bob")
    other.set_done(course.identity, next(course.all_resources()).key, True)
    other.save()
    export = tmp_path / f"export{ESCAPES}.json"
    shutil.copy(other.path, export)
    result = run("import", str(export), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout
    assert_clean(result.stdout + result.stderr)


# --- learner names ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["\u202eecila", "al\u200bice", "ali\u2066ce", "\ufeffalice"])
def test_learner_names_with_bidi_or_invisible_characters_are_refused(name: str) -> None:
    with pytest.raises(LearnerNameError, match="invisible or text-direction"):
        normalise_learner(name)


# --- the app ----------------------------------------------------------------------------


def painted(widget: Widget) -> str:
    """What the widget draws, line by line, as the terminal would receive its text."""
    lines = widget.render_lines(Region(0, 0, *widget.outer_size))
    return "\n".join(line.text for line in lines)


async def pane_showing(pilot: Pilot[int], screen: StudyScreen, words: str) -> str:
    """What the reading pane draws once it shows ``words`` (it fills after a refresh)."""
    pane = screen.query_one("#detail-markdown", Static)
    for _ in range(20):
        shown = painted(pane)
        if words in shown:
            return shown
        await pilot.pause()
    raise AssertionError(f"the reading pane never showed {words!r}")


@pytest.fixture
def app(tmp_path: Path, course: Course) -> CoursemateApp:
    """The app on the reference course, for the learner whose store holds the hostile text."""
    write_store(tmp_path / "data", store_document(course))
    return make_app(tmp_path)


async def test_note_pane_and_tree_show_stored_text_without_controls(
    tmp_path: Path, app: CoursemateApp
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        shown = await pane_showing(pilot, screen, "My note")
        assert "my note" in shown
        assert_clean(shown)
        await go(pilot, screen, OWN_KEY)
        label = str(tree_of(screen).cursor_node.label)  # type: ignore[union-attr]
        assert "my note" in label
        assert_clean(label)
        shown = await pane_showing(pilot, screen, "What I did")
        assert "my note" in shown
        assert_clean(shown)
        await pilot.press("e")  # the reflection form, prefilled from the store
        form = await until_screen(pilot, ReflectionScreen)
        for area in form.query(TextArea).results(TextArea):
            assert "my note" in area.text
            assert_clean(painted(area))
        await pilot.press("escape")
    # Looking is not editing: the store still holds what it held.
    store = Store.open(tmp_path / "data", "alice")
    assert store.note(COURSE_ID, FIRST) == NOTE
    own = store.experiment(COURSE_ID, OWN_KEY)
    assert own is not None and own.reflection["did"] == NOTE


async def test_catchup_checklist_shows_stored_text_without_controls(
    tmp_path: Path, app: CoursemateApp
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press("C")
        screen = await until_screen(pilot, CatchupScreen)
        checklist = painted(screen.query_one(ChecklistView))
        assert "own: my note" in checklist
        assert_clean(checklist)
        prompt = screen.query_one("#catchup-questions", TextArea)
        assert prompt.text.startswith("my note")
        assert_clean(painted(prompt))
        await pilot.press("escape")
    store = Store.open(tmp_path / "data", "alice")
    assert store.catchup_prompts(COURSE_ID)["questions"] == NOTE


async def test_picker_and_error_screen_show_hostile_file_names_cleaned(
    tmp_path: Path, reference_path: Path
) -> None:
    folder = tmp_path / f"courses{ESCAPES}"
    folder.mkdir()
    shutil.copy(reference_path, folder / f"pspo{ESCAPES}.md")
    broken = folder / f"broken{ESCAPES}.md"
    broken.write_text("---\ntitle: a: b\n---\n", encoding="utf-8")
    app = make_app(tmp_path, course=folder)
    async with app.run_test(size=(120, 30)) as pilot:
        picker = await until_screen(pilot, PickerScreen)
        options = painted(picker.query_one(CourseList))
        assert "broken" in options and "pspo" in options
        assert_clean(options)
        assert_clean(str(picker.query_one("#picker-box").border_title))
        await pilot.press("b", "r", "o", "enter")  # the filter leaves only broken…
        error = await until_screen(pilot, ErrorScreen)
        details = painted(error.query_one("#error-details", Static))
        assert "broken" in details
        assert_clean(details)


async def test_learner_list_shows_hand_written_names_cleaned(
    tmp_path: Path, app: CoursemateApp
) -> None:
    other = {"schema_version": 1, "learner": f"mallory{ESCAPES}", "courses": {}}
    (tmp_path / "data" / "mallory-0000000000.json").write_text(json.dumps(other), encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press("l")
        screen = await until_screen(pilot, LearnerScreen)
        names = painted(screen.query_one(OptionList))
        assert "mallory" in names
        assert_clean(names)


async def test_notifications_show_store_problems_cleaned(tmp_path: Path) -> None:
    doc = {"schema_version": 1, "learner": "alice", "courses": {EVIL_COURSE: "not an object"}}
    write_store(tmp_path / "data", doc)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await study(pilot)
        await pilot.pause()
        toasts = [painted(toast) for toast in app.screen.query("Toast")]
        assert any("was damaged" in toast for toast in toasts), toasts
        for toast in toasts:
            assert_clean(toast)


async def test_the_apps_export_stays_in_the_exports_folder_whatever_the_course_id(
    tmp_path: Path,
) -> None:
    course = write_course(
        tmp_path / "climb.md",
        """
id: "../../outside"
title: Climber
syllabus:
  - {id: 1, title: One, duration: 30}
""",
    )
    app = make_app(tmp_path, course=course)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        app.export("markdown")
        await app.workers.wait_for_complete()
    # The only file written is in the exports folder, named by the id's slug.
    written = [p.relative_to(tmp_path) for p in tmp_path.rglob("*outside*")]
    assert written == [Path("data/exports/outside-alice-markdown.md")]
