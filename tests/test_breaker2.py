"""Found by trying to break what landed with #15.4-7, #16.1-5 and #17: hostile timers and
settings files in the config folder, hostile conflict copies in a data folder, hostile files
in a class folder, odd ``--now`` and ``learners --use`` values. Each test failed before its fix."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from coursemate.progress.timers import TIMERS_FILE, TimerBoard
from helpers import (
    COURSE_ID,
    FIRST,
    SECOND,
    FakeClock,
    no_traceback,
    run,
)

CLASS_DAY = datetime.fromisoformat("2025-11-07T09:02+00:00").timestamp()
DEEP = "[" * 100_000 + "]" * 100_000


def _timers_file(folder: Path, entry: dict[str, object]) -> None:
    day = date.fromtimestamp(CLASS_DAY).isoformat()
    data = {"version": 1, "day": day, "courses": {"c": {"m1": entry}}}
    (folder / TIMERS_FILE).write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        # Each finite, together infinite: the countdown raised OverflowError.
        ({"run_seconds": 1.7e308, "running_since": -1.7e308}, "run_seconds"),
        # A countdown 304 digits long.
        ({"run_seconds": 1e300, "running_since": None}, "run_seconds"),
        # "Running" yet frozen for ever: the start is far in the future.
        ({"run_seconds": 0, "running_since": 1e300}, "running_since"),
        ({"run_seconds": 0, "running_since": -1e300}, "running_since"),
    ],
)
def test_timer_values_no_day_holds_are_refused_with_their_path(
    tmp_path: Path, entry: dict[str, object], field: str
) -> None:
    _timers_file(tmp_path, entry)
    board, problems = TimerBoard.load(tmp_path, "c", FakeClock(CLASS_DAY))
    assert len(problems) == 1
    assert f"courses.c.m1.{field}" in problems[0]
    assert str(tmp_path / TIMERS_FILE) in problems[0]
    timer = board.timer("m1", 30)
    assert timer.display() == "30:00"
    assert board.running() == []


def test_a_timers_file_nested_thousands_deep_is_ignored_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / TIMERS_FILE).write_text(DEEP, encoding="utf-8")
    board, problems = TimerBoard.load(tmp_path, "c", FakeClock(CLASS_DAY))
    assert len(problems) == 1 and "nested too deeply" in problems[0]
    assert board.running() == []


def _coursemate(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coursemate", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEMATE_")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        COURSEMATE_CONFIG_DIR=str(tmp_path / "config"),
        COURSEMATE_CACHE_DIR=str(tmp_path / "cache"),
    )
    env.update(extra)
    return env


def test_a_settings_file_nested_thousands_deep_is_a_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(DEEP, encoding="utf-8")
    result = _coursemate("progress", "--learner", "ann", env=_env(tmp_path))
    assert "Traceback" not in result.stderr
    assert "settings.json" in result.stderr and "using defaults" in result.stderr
    assert "Overall" in result.stdout


def _saved_store(data: Path, learner: str, key: str) -> Path:
    """A learner's store file in ``data`` with ``key`` done."""
    from coursemate.progress.store import Store

    store = Store.open(data, learner)
    store.set_done(COURSE_ID, key, True)
    store.save()
    return store.path


def test_a_conflict_copy_holding_another_learners_store_is_not_merged(tmp_path: Path) -> None:
    """Bob's store copied under a Syncthing conflict name of alice's: his marks stayed hers."""
    from coursemate.progress.store import Store

    alice = _saved_store(tmp_path, "alice", FIRST)
    bob = _saved_store(tmp_path, "bob", SECOND)
    copy = tmp_path / f"{alice.stem}.sync-conflict-20251107-101010-ABCDEFG.json"
    copy.write_bytes(bob.read_bytes())

    again = Store.open(tmp_path, "alice")
    assert again.done_keys(COURSE_ID) == {FIRST}
    assert copy.exists(), "left where it is"
    assert any("another learner's store" in m and str(copy) in m for m in again.messages)
    assert SECOND not in alice.read_text(encoding="utf-8")


def test_class_skips_a_named_pipe_and_links_out_of_the_folder(tmp_path: Path) -> None:
    """A FIFO (or a link to /dev/tty) hung ``class`` for ever; a link out of the shared folder
    showed the trainer's own files as a learner's."""
    import os

    data, shared = tmp_path / "data", tmp_path / "class"
    ann = _saved_store(data, "ann", FIRST)
    trainer = _saved_store(data, "trainer", FIRST)
    shared.mkdir()
    (shared / "ann.json").write_bytes(ann.read_bytes())
    os.mkfifo(shared / "pipe.json")
    (shared / "mine.json").symlink_to(trainer)
    (shared / "again.json").symlink_to("ann.json")  # inside the folder: read as usual
    result = subprocess.run(
        [sys.executable, "-m", "coursemate", "class", "--from", str(shared)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "pipe.json: not a regular file" in result.stdout
    assert "mine.json: a link to a file outside the folder" in result.stdout
    assert "trainer" not in result.stdout
    assert "ann" in result.stdout and "again.json" not in result.stdout


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:58+00:00", "0001-01-01T00:00-23:59", "1969-12-31T23:59+00:00"]
)
def test_now_refuses_a_year_the_running_clock_would_leave(value: str) -> None:
    """``--now 9999-12-31T23:59:58+00:00`` then ``p``: 'year 10000 is out of range'."""
    result = run("--now", value)
    assert result.returncode == 2
    assert f"argument --now: '{value}': the year should be from 1970 to 9998" in result.stderr
    no_traceback(result)


def test_learners_use_of_a_name_nobody_has_says_who_there_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``learners --use carrol`` (a typo for carol) made carrol every command's learner
    without a word."""
    from coursemate.cli import main

    data = str(tmp_path / "data")
    assert main(["mark", FIRST, "--learner", "carol", "--data-dir", data]) == 0
    capsys.readouterr()
    assert main(["learners", "--use", "carrol", "--data-dir", data]) == 0
    captured = capsys.readouterr()
    assert captured.out == "the default learner is now carrol\n"
    assert "no learner 'carrol' yet (learners: carol)" in captured.err


def test_a_named_pipe_for_a_timers_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    """The presenter opened the timers file and waited for a writer for ever."""
    import os

    os.mkfifo(tmp_path / TIMERS_FILE)
    board, problems = TimerBoard.load(tmp_path, "c", FakeClock(CLASS_DAY))
    assert problems == [
        f"presenter timers {tmp_path / TIMERS_FILE}: not a regular file; starting fresh"
    ]
    assert board.running() == []


def test_a_huge_timers_file_is_ignored_without_being_read_whole(tmp_path: Path) -> None:
    (tmp_path / TIMERS_FILE).write_bytes(b" " * (2**20 + 1))
    _board, problems = TimerBoard.load(tmp_path, "c", FakeClock(CLASS_DAY))
    assert problems == [
        f"presenter timers {tmp_path / TIMERS_FILE}: larger than 1 MB; ignored, timers start fresh"
    ]


def test_a_data_dir_setting_that_is_not_text_is_reported_not_silently_dropped(
    tmp_path: Path,
) -> None:
    """``"data_dir": ["~/Sync/coursemate"]``: marks went to the platform's folder, not the
    synced one, without a word."""
    (tmp_path / "config").mkdir()
    settings = tmp_path / "config" / "settings.json"
    settings.write_text(json.dumps({"data_dir": [str(tmp_path / "sync")]}), encoding="utf-8")
    result = _coursemate("mark", FIRST, "--learner", "ann", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"settings {settings}: data_dir should be text; ignored" in result.stderr


def test_a_data_dir_setting_with_a_nul_character_is_reported_not_a_traceback(
    tmp_path: Path,
) -> None:
    """``"data_dir": "sync\\u0000"`` (a stray escape in a hand-edited file): every command that
    opened a store ended in ``ValueError: embedded null byte``."""
    (tmp_path / "config").mkdir()
    settings = tmp_path / "config" / "settings.json"
    settings.write_text(json.dumps({"data_dir": f"{tmp_path}/sync\0"}), encoding="utf-8")
    result = _coursemate("mark", FIRST, "--learner", "ann", env=_env(tmp_path))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert f"settings {settings}: data_dir holds a NUL character" in result.stderr


def test_merged_conflicts_as_a_link_does_not_carry_copies_out_of_the_data_folder(
    tmp_path: Path,
) -> None:
    from coursemate.progress.store import Store

    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    elsewhere.mkdir()
    alice = _saved_store(data, "alice", FIRST)
    copy = data / f"{alice.stem}.sync-conflict-20251107-101010-ABCDEFG.json"
    copy.write_bytes(alice.read_bytes())
    (data / "merged-conflicts").symlink_to(elsewhere)

    again = Store.open(data, "alice")
    assert list(elsewhere.iterdir()) == []
    assert copy.exists()
    assert any("could not be moved away" in m and "is a link" in m for m in again.messages)


def test_merged_conflicts_as_a_file_is_named_in_the_message(tmp_path: Path) -> None:
    """The copy is merged but cannot be filed away: the message said only "(File exists)"."""
    from coursemate.progress.store import Store

    data = tmp_path / "data"
    alice = _saved_store(data, "alice", FIRST)
    copy = data / f"{alice.stem}.sync-conflict-20251107-101010-ABCDEFG.json"
    copy.write_bytes(alice.read_bytes())
    (data / "merged-conflicts").write_text("notes")

    again = Store.open(data, "alice")
    assert copy.exists() and (data / "merged-conflicts").read_text() == "notes"
    [told] = [m for m in again.messages if "could not be moved away" in m]
    assert f"{data / 'merged-conflicts'} is a file, not a folder: move it away" in told
