"""``coursemate class --from DIR`` as a trainer runs it (issue 17, part 2)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from coursemate.cli import main
from coursemate.course.model import Course
from helpers import (
    CLASS_NOTE,
    CLASS_REFLECTION,
    DATA,
    class_learner_file,
    make_class,
    no_traceback,
    run,
    tree_state,
)


@pytest.fixture
def folder(tmp_path: Path, course: Course) -> Path:
    return make_class(tmp_path / "class", course)


def class_output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["class", *args]) == 0
    return capsys.readouterr().out


def test_text_roster_in_a_subprocess_leaves_the_folder_as_it_was(folder: Path) -> None:
    before = tree_state(folder)
    result = run("class", "--from", str(folder))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert tree_state(folder) == before  # nothing written, created or removed in DIR
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Professional Scrum Product Owner")
    ana = next(line for line in lines if line.startswith("Ana María"))
    assert "1/0/1/1" in ana  # chosen/running/done/reflected, merged from two files
    assert "3 learners, 2 started" in result.stdout
    assert "Not started (1): Chen" in result.stdout
    assert "  2 × Define who your users and buyers are" in result.stdout
    assert "Skipped 3 files:" in result.stdout
    assert "  dee-other-course.json: holds progress for other courses only (99999)" in lines
    assert CLASS_NOTE not in result.stdout and CLASS_REFLECTION not in result.stdout


def test_json_matches_progress_json_for_each_learner(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(class_output(capsys, "--from", str(folder), "--json"))
    bo = next(row for row in data["learners"] if row["learner"] == "Bo")
    assert (
        main(
            [
                "progress",
                "--json",
                "--learner",
                "Bo",
                "--data-dir",
                str(folder.parent / "class-machines" / "bo"),
            ]
        )
        == 0
    )
    own = json.loads(capsys.readouterr().out)
    assert bo["resources"] == own["overall"]  # the course has no pre-reading
    assert [m["percent"] for m in bo["modules"]] == [m["percent"] for m in own["modules"]]
    assert bo["experiments"] == {"chosen": 2, "running": 0, "done": 0, "reflected": 0}
    assert data["not_started"] == ["Chen"]
    assert data["totals"]["learners"] == 3 and data["totals"]["experiments"]["chosen"] == 3
    assert data["most_chosen"][0]["experiments"][0]["learners"] == 2
    assert {s["path"] for s in data["skipped"]} == {
        "README.txt",
        "exports/broken.json",
        "dee-other-course.json",
    }
    assert all("texts" not in row for row in data["learners"])


def test_reflections_only_with_the_flag(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for form in ("--json", "--csv", "--markdown"):
        assert CLASS_REFLECTION not in class_output(capsys, "--from", str(folder), form)
    text = class_output(capsys, "--from", str(folder), "--with-reflections")
    assert CLASS_NOTE in text and CLASS_REFLECTION in text
    data = json.loads(class_output(capsys, "--from", str(folder), "--json", "--with-reflections"))
    ana = next(row for row in data["learners"] if row["learner"] == "Ana María")
    assert [t["text"] for t in ana["texts"]].count(CLASS_REFLECTION) == 4
    rows = list(
        csv.DictReader(
            io.StringIO(class_output(capsys, "--from", str(folder), "--csv", "--with-reflections"))
        )
    )
    assert CLASS_NOTE in rows[0]["notes_and_reflections"]


def test_csv_neutralises_formulas(
    tmp_path: Path, course: Course, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    names = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "Plain"]
    for name in names:
        class_learner_file(folder, course, name, "=cmd|' /C calc'!A0")
    out = class_output(capsys, "--from", str(folder), "--csv", "--with-reflections")
    rows = list(csv.DictReader(io.StringIO(out)))
    learners = sorted(row["learner"] for row in rows)
    assert learners == sorted(["'" + n for n in names[:4]] + ["Plain"])
    for row in rows:
        assert all(not value.startswith(("=", "+", "-", "@")) for value in row.values())
        assert row["resources_percent"].isdigit()


def test_markdown_keeps_learner_text_literal(
    tmp_path: Path, course: Course, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    class_learner_file(folder, course, "# Eve | [x](http://evil)")
    out = class_output(capsys, "--from", str(folder), "--markdown")
    row = next(line for line in out.splitlines() if "Eve" in line)
    # The link cannot close, the pipe cannot end the cell: six cells, as the header has.
    assert row.startswith("| # Eve \\| [x\\](http://evil) | ")
    assert row.replace("\\|", "").count("|") == out.splitlines()[2].count("|") == 7
    assert "\n# Eve" not in out


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing", "no such folder"),
        ("file", "is not a folder"),
        ("empty", "no learner progress for Professional Scrum Product Owner"),
    ],
)
def test_bad_folders_exit_1_with_a_message(tmp_path: Path, where: str, message: str) -> None:
    target = tmp_path / where
    if where == "file":
        target.write_text("{}")
    elif where == "empty":
        target.mkdir()
        (target / "notes.txt").write_text("hello")
    result = run("class", "--from", str(target))
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith("coursemate: ") and message in result.stderr


def test_a_course_with_no_modules_exits_1(tmp_path: Path, folder: Path) -> None:
    course = tmp_path / "empty.md"
    course.write_text("---\ntitle: Nothing yet\nid: '1234'\n---\nBody.\n")
    result = run("class", str(course), "--from", str(folder))
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr == "coursemate: Nothing yet has no modules\n"


def test_from_is_required(tmp_path: Path) -> None:
    result = run("class", str(DATA / "minimal.md"))
    assert result.returncode == 2 and "--from" in result.stderr


def test_the_text_view_fits_an_80_column_terminal(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 80 columns the rows fit (the year leaves the last activity, long names are
    shortened) and the list of who has not started wraps after its commas, names whole; piped,
    the text view keeps its full width."""
    chen = json.loads((folder / "chen.json").read_text())  # a store with nothing done
    (folder / "late").mkdir()
    for n in range(12):
        late = {**chen, "learner": f"Late Learner Number {n:02d}"}
        (folder / "late" / f"{n}.json").write_text(json.dumps(late))
    monkeypatch.setenv("COLUMNS", "80")
    out = class_output(capsys, "--from", str(folder))
    lines = out.splitlines()
    table = lines[2 : lines.index("", 2)]
    assert all(len(line) <= 80 for line in table), max(table, key=len)
    assert table[0].endswith("last (UTC)")
    waiting = lines[lines.index(next(x for x in lines if x.startswith("Not started"))) :]
    waiting = waiting[: next(i for i, x in enumerate(waiting[1:], 1) if not x.startswith("  "))]
    assert len(waiting) > 1 and all(len(line) <= 80 for line in waiting)
    names = ", ".join(line.strip() for line in waiting).replace(",,", ",")
    assert all(f"Late Learner Number {n:02d}" in names for n in range(12))
    monkeypatch.setenv("COLUMNS", "200")
    assert "last activity (UTC)" in class_output(capsys, "--from", str(folder))
