"""Who the learner is: only writing commands (and ``learners --use``) change the default
learner, ``learners`` titles each course, and a name differing only by case is pointed out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursemate.cli import main
from coursemate.course.reader import load_course
from coursemate.progress.learners import default_learner, list_learners
from helpers import FIRST, SECOND

Capture = pytest.CaptureFixture[str]
PSPO = "Professional Scrum Product Owner (PSPO) Course with Certification"  # the bundled one


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def cm(data_dir: Path, *args: str) -> int:
    return main([*args, "--data-dir", str(data_dir)])


@pytest.mark.parametrize(
    "command",
    [
        ["progress"],
        ["progress", "--json"],
        ["export", "--format", "json"],
        ["export", "--catchup"],
    ],
)
def test_a_command_that_only_reads_never_changes_the_default_learner(
    data_dir: Path, command: list[str], capsys: Capture
) -> None:
    assert cm(data_dir, "mark", FIRST, "--learner", "alice") == 0
    assert default_learner(data_dir) == "alice"
    capsys.readouterr()
    assert cm(data_dir, *command, "--learner", "carol") == 0  # a typo for "alice", say
    assert default_learner(data_dir) == "alice"
    assert [s.name for s in list_learners(data_dir)] == ["alice"]  # nothing made for carol


def test_reading_an_unknown_learner_says_who_exists(data_dir: Path, capsys: Capture) -> None:
    assert cm(data_dir, "mark", FIRST, "--learner", "alice") == 0
    capsys.readouterr()
    assert cm(data_dir, "progress", "--learner", "carol") == 0
    err = capsys.readouterr().err
    assert "no learner 'carol' yet (learners: alice)" in err


@pytest.mark.parametrize("first", ["alice", "bob"])
def test_writing_makes_the_learner_the_default(
    data_dir: Path, tmp_path: Path, first: str, capsys: Capture
) -> None:
    assert cm(data_dir, "mark", FIRST, "--learner", first) == 0
    assert default_learner(data_dir) == first
    assert cm(data_dir, "mark", SECOND, "--learner", "dana") == 0
    assert default_learner(data_dir) == "dana"
    export = tmp_path / "alice.json"
    assert cm(data_dir, "export", "--format", "json", "--learner", first, "-o", str(export)) == 0
    assert default_learner(data_dir) == "dana"
    assert cm(data_dir, "import", str(export), "--learner", "erin") == 0
    assert default_learner(data_dir) == "erin"


def test_learners_use_sets_the_default(data_dir: Path, capsys: Capture) -> None:
    assert cm(data_dir, "mark", FIRST, "--learner", "alice") == 0
    assert cm(data_dir, "mark", SECOND, "--learner", "bob") == 0
    capsys.readouterr()
    assert cm(data_dir, "learners", "--use", "alice") == 0
    assert capsys.readouterr().out == "the default learner is now alice\n"
    assert default_learner(data_dir) == "alice"
    assert cm(data_dir, "learners") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("* alice") and lines[1].startswith("  bob")


def test_learners_use_refuses_a_name_that_cannot_be_one(data_dir: Path, capsys: Capture) -> None:
    assert cm(data_dir, "learners", "--use", " ") == 2
    assert "--use: a learner name cannot be empty" in capsys.readouterr().err


def test_learners_shows_course_titles_with_their_ids(
    data_dir: Path, corpus_dir: Path, capsys: Capture
) -> None:
    other = corpus_dir / "scrumorg-professional-scrum-with-kanban"
    course = load_course(other)
    key = next(course.all_resources()).key
    assert cm(data_dir, "mark", FIRST, "--learner", "alice") == 0
    assert cm(data_dir, "mark", str(other), key, "--learner", "alice") == 0
    capsys.readouterr()

    assert cm(data_dir, "learners") == 0  # the bundled course is known, the other by id only
    out = capsys.readouterr().out
    assert f"{PSPO} (41711)" in out
    assert f"; {course.identity})" in out or f": {course.identity};" in out

    assert cm(data_dir, "learners", str(corpus_dir)) == 0  # a folder of courses: each one
    out = capsys.readouterr().out
    assert f"{course.title} ({course.identity})" in out
    assert cm(data_dir, "learners", "--json", str(other)) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["course_titles"] == {
        "41711": PSPO,
        course.identity: course.title,
    }


def test_a_name_differing_only_by_case_is_warned_about_and_still_created(
    data_dir: Path, capsys: Capture
) -> None:
    assert cm(data_dir, "mark", FIRST, "--learner", "alice") == 0
    capsys.readouterr()
    assert cm(data_dir, "mark", SECOND, "--learner", "Alice") == 0
    err = capsys.readouterr().err
    assert "creating learner 'Alice', but 'alice' exists" in err
    assert "use --learner 'alice'" in err
    assert [s.name for s in list_learners(data_dir)] == ["Alice", "alice"]
    capsys.readouterr()
    assert cm(data_dir, "mark", FIRST, "--learner", "Alice") == 0  # exists now: no warning
    assert capsys.readouterr().err == ""


def test_an_unreadable_course_for_titles_is_named_and_the_list_still_shown(
    data_dir: Path, tmp_path: Path, capsys: Capture
) -> None:
    assert cm(data_dir, "mark", FIRST, "--learner", "alice") == 0
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [\n---\n", encoding="utf-8")
    capsys.readouterr()
    assert cm(data_dir, "learners", str(broken)) == 0
    captured = capsys.readouterr()
    assert "broken.md" in captured.err and "Traceback" not in captured.err
    assert f"{PSPO} (41711)" in captured.out


@pytest.mark.parametrize("command", [["learners"], ["learners", "--json"]])
def test_learners_in_a_data_directory_that_is_a_file_is_an_error(
    tmp_path: Path, command: list[str], capsys: Capture
) -> None:
    """A data_dir setting pointing at a file: "no learners yet in ...", exit 0, as if all
    were well (``mark`` says it cannot create the directory)."""
    data_dir = tmp_path / "notes.txt"
    data_dir.write_text("x")
    assert cm(data_dir, *command) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"the data directory {data_dir} is not a folder" in captured.err
