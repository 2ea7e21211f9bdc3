"""``coursemate plan`` (issue #15, part 3): what fits, the schedule, its JSON and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coursemate.cli import main
from coursemate.progress.learners import default_learner
from helpers import FIRST, SECOND, no_traceback, run, write_course

DAYS_BEFORE = "2025-11-02"  # five days before the reference course's first session


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["plan", "--today", DAYS_BEFORE, "--json", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    return data


def test_minutes_lists_what_fits_in_course_order_with_the_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(tmp_path / "data")
    assert main(["mark", FIRST, "--learner", "alice", "--data-dir", data_dir]) == 0
    capsys.readouterr()
    argv = ["plan", "--today", DAYS_BEFORE, "--minutes", "30", "--learner", "alice"]
    assert main([*argv, "--data-dir", data_dir]) == 0
    out = capsys.readouterr().out
    assert "Class 7–8 Nov: 6 days left · 540 min left · 90 min a day" in out
    fits = out.split("Fits in 30 min: ")[1].split("\n\n")[0].splitlines()
    # 7 + 15, then what is too long for the 8 minutes left is skipped: 6, then 2.
    assert fits[0] == "4 items, 30 min"
    assert [line.split()[0] for line in fits[1:]] == ["7", "15", "6", "2"]
    assert SECOND in fits[1] and FIRST not in out.split("Day by day")[0]
    assert "Today (2025-11-02)" in out


def test_json_has_the_issue_shape_and_sums_to_minutes_left(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = plan_json(capsys)
    assert data["today"] == DAYS_BEFORE
    assert data["deadline"] == "2025-11-08"
    assert data["days_left"] == 6
    assert data["minutes_left"] == 551
    assert data["minutes_per_day"] == 92
    days = data["days"]
    assert isinstance(days, list) and days[0]["date"] == DAYS_BEFORE
    assert sum(day["minutes"] for day in days) == 551
    assert all(day["minutes"] == sum(i["minutes"] for i in day["items"]) for day in days)
    assert data["next"] == days[0]["items"]  # without --minutes: today's share


def test_by_overrides_the_class(capsys: pytest.CaptureFixture[str]) -> None:
    data = plan_json(capsys, "--by", "2025-11-03", "--minutes", "10")
    assert data["deadline"] == "2025-11-03" and data["days_left"] == 2
    assert [d["date"] for d in data["days"]] == ["2025-11-02", "2025-11-03"]
    assert data["next"] == [
        {"key": SECOND, "title": "What is a Product?", "minutes": 7},
        {"key": "m5/r/the-surprising-truth-about-what-motivates-us",
         "title": "The Surprising Truth about what motivates us", "minutes": 2},
    ]  # fmt: skip


def test_a_past_deadline_says_so_and_shows_what_is_left(tmp_path: Path) -> None:
    result = run("plan", "--today", "2025-11-20", data_dir=tmp_path / "data")
    no_traceback(result)
    assert result.returncode == 1
    assert "Class 7–8 Nov has passed: 551 min left" in result.stdout
    assert "Day by day" not in result.stdout and "Left (31 items):" in result.stdout
    assert "deadline has passed" in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--minutes", "0"], "give a number above 0"),
        (["--minutes", "-5"], "give a number above 0"),
        (["--minutes", "ten"], "not a number of minutes"),
        (["--by", "7/11/2025"], "not a date as YYYY-MM-DD"),
        (["--today", "2025-02-31"], "not a date as YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_usage_error(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["plan", *args])
    assert exit_.value.code == 2
    assert said in capsys.readouterr().err


def test_a_course_with_nothing_to_read(tmp_path: Path) -> None:
    path = write_course(tmp_path / "empty.md", "title: Empty\nsyllabus:\n  - {id: 1, title: Talk}")
    result = run("plan", str(path), data_dir=tmp_path / "data")
    no_traceback(result)
    assert result.returncode == 1
    assert "Empty: nothing to read" in result.stderr


def test_all_read_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_course(
        tmp_path / "one.md",
        "title: One\nsyllabusBefore:\n  - {title: Guide, duration: 30}",
    )
    data_dir = str(tmp_path / "data")
    assert main(["mark", str(path), "pre/guide", "--data-dir", data_dir]) == 0
    capsys.readouterr()
    assert main(["plan", str(path), "--data-dir", data_dir]) == 0
    assert "All done: 1 resource read." in capsys.readouterr().out


def test_plan_never_changes_the_default_learner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    assert main(["mark", FIRST, "--learner", "alice", "--data-dir", str(data_dir)]) == 0
    assert (
        main(["plan", "--today", DAYS_BEFORE, "--learner", "carol", "--data-dir", str(data_dir)])
        == 0
    )
    assert default_learner(data_dir) == "alice"
    assert "carol ·" in capsys.readouterr().out
