"""The store commands as users run them: mark, progress, export, import, learners."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coursemate.cli import main
from coursemate.course.reader import load_course
from coursemate.progress.store import SCHEMA_VERSION, Store
from helpers import DATA, no_traceback, run

MINIMAL = DATA / "minimal.md"


@pytest.fixture
def data_dir() -> Path:
    return Path(os.environ["COURSEMATE_DATA_DIR"])  # conftest's temporary one


def test_mark_progress_and_undo_in_a_subprocess(reference_path: Path, data_dir: Path) -> None:
    course = load_course(reference_path)
    first, second = (r.key for r in list(course.all_resources())[:2])
    _m, exp = next(course.all_experiments())
    result = run("mark", first, second, exp.key, "--learner", "Ana María")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert f"done      {first}" in result.stdout and f"chosen    {exp.key}" in result.stdout

    # No --learner: the last one used.
    progress = run("progress", "--json")
    assert progress.returncode == 0, progress.stderr
    report = json.loads(progress.stdout)
    assert report["learner"] == "Ana María"
    assert report["done_keys"] == sorted([first, second])
    assert report["chosen_keys"] == [exp.key]
    assert report["overall"]["items_done"] == 2 and report["overall"]["items_total"] == 31

    assert run("mark", str(reference_path), first, "--undo").returncode == 0
    text = run("progress", str(reference_path))
    assert text.returncode == 0
    assert text.stdout.startswith("Ana María · Professional Scrum Product Owner")
    assert f"[{first}]" in text.stdout  # next unfinished
    assert "Experiments chosen: 1" in text.stdout
    # A module title too long for its column ends in an ellipsis, the columns stay in line.
    rows = [line for line in text.stdout.splitlines() if line[:3] in ("1. ", "2. ")]
    assert rows[1].startswith("2. Agile Product Management II (Business St…")
    assert rows[0].index(" items ") == rows[1].index(" items ")
    store = Store.open(data_dir, "Ana María")
    assert store.done_keys(course.identity) == {second}
    assert store.title(course.identity, exp.key) == exp.text  # remembered for reports


def test_unknown_keys_write_nothing(data_dir: Path) -> None:
    result = run(
        "mark", str(MINIMAL), "pre/read-the-guide", "no/such/key", "mintro", "--learner", "Bo"
    )
    no_traceback(result)
    assert result.returncode == 1
    assert "unknown key 'no/such/key'" in result.stderr
    assert "mintro is a module" in result.stderr
    assert "outline --keys" in result.stderr
    assert not data_dir.exists() or not list(data_dir.glob("*.json"))


def test_course_argument_is_recognised(tmp_path: Path, data_dir: Path) -> None:
    course = load_course(MINIMAL)
    key = course.prereading[0].key
    # A relative course path from its folder, then only keys after it.
    ok = run("mark", "minimal.md", key, "--learner", "Bo", cwd=DATA)
    assert ok.returncode == 0, ok.stderr
    # Without a course, keys belong to the bundled course: this one is unknown there.
    bundled = run("mark", key, "--learner", "Bo")
    assert bundled.returncode == 1 and f"unknown key '{key}'" in bundled.stderr
    # --course says it explicitly.
    explicit = run("mark", "--course", str(MINIMAL), key, "--undo", "--learner", "Bo")
    assert explicit.returncode == 0, explicit.stderr
    assert Store.open(data_dir, "Bo").done_keys(course.identity) == frozenset()
    # Options may stand between the course and its keys, as for every other command.
    between = run("mark", str(MINIMAL), "--learner", "Bo", key, "--undo")
    assert between.returncode == 0, between.stderr
    assert f"{key}" in between.stdout
    # An unknown option is still a usage error, not a key.
    unknown = run("mark", str(MINIMAL), "--learner", "Bo", key, "--bogus")
    assert unknown.returncode == 2 and "unrecognized arguments: --bogus" in unknown.stderr
    # Only a course, no keys: a usage error.
    only = run("mark", str(MINIMAL))
    assert only.returncode == 2 and "no keys given" in only.stderr


def test_export_json_then_import_into_another_learner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    course = load_course(MINIMAL)
    keys = [r.key for r in course.all_resources()][:3]
    common = ["--data-dir", str(data_dir)]
    assert main(["mark", str(MINIMAL), *keys, "--learner", "Ana", *common]) == 0
    exported = tmp_path / "ana.json"
    assert main(["export", str(MINIMAL), "--format", "json", "-o", str(exported), *common]) == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["learner"] == "Ana" and data["done_keys"] == sorted(keys)

    assert main(["mark", str(MINIMAL), keys[0], "--undo", "--learner", "Bo", *common]) == 0
    capsys.readouterr()
    assert main(["import", str(exported), "--learner", "Bo", *common]) == 0
    assert "imported" in capsys.readouterr().out
    # Bo's undo of keys[0] came after Ana's mark: it wins; the other marks arrive.
    assert Store.open(data_dir, "Bo").done_keys(course.identity) == set(keys[1:])
    assert main(["import", str(exported), "--learner", "Bo", *common]) == 0
    assert "already had everything" in capsys.readouterr().out

    md = tmp_path / "ana.md"
    assert main(["export", str(MINIMAL), "--learner", "Ana", "-o", str(md), *common]) == 0
    assert md.read_text(encoding="utf-8").startswith("# Progress: Minimal Course")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a coursemate learner store"),
        ('{"store": {"schema_version": 99, "learner": "x", "courses": {}}}', "newer coursemate"),
        ('{"schema_version": 1, "learner": "x", "courses": {"c": 5}}', "courses.c"),
    ],
)
def test_import_bad_files_exit_1_without_traceback(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run("import", str(bad), "--learner", "Bo")
    no_traceback(result)
    assert result.returncode == 1 and message in result.stderr


def test_bad_learner_names_and_data_dirs_exit_1(tmp_path: Path) -> None:
    empty = run("progress", "--learner", "  ")
    no_traceback(empty)
    assert empty.returncode == 1 and "learner name cannot be empty" in empty.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = run("progress", "--data-dir", str(blocker / "sub"), "--learner", "Bo")
    no_traceback(result)
    assert result.returncode == 1 and "cannot create the data directory" in result.stderr
    missing = run("import", str(tmp_path / "nope.json"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    unwritable = run("export", "-o", str(blocker / "x.md"), "--learner", "Bo")
    no_traceback(unwritable)
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr


def test_newer_store_is_reported_and_not_written(data_dir: Path, reference_path: Path) -> None:
    store = Store.open(data_dir, "Cy")
    store.set_done("41711", "x", True)
    store.save()
    doc = json.loads(store.path.read_text(encoding="utf-8"))
    doc["schema_version"] = SCHEMA_VERSION + 1
    store.path.write_text(json.dumps(doc), encoding="utf-8")
    before = store.path.read_bytes()
    key = next(load_course(reference_path).all_resources()).key
    result = run("mark", key, "--learner", "Cy")
    no_traceback(result)
    assert result.returncode == 1 and "read-only" in result.stderr
    assert "newer coursemate" in result.stderr
    assert store.path.read_bytes() == before


def test_learners_lists_names_courses_and_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    key = load_course(MINIMAL).prereading[0].key
    for name in ("Zoë", "Ana"):
        assert (
            main(["mark", str(MINIMAL), key, "--learner", name, "--data-dir", str(data_dir)]) == 0
        )
    capsys.readouterr()
    assert main(["learners", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("* Ana  (last activity ") and "courses: minimal" in lines[0]
    assert lines[1].startswith("  Zoë")
    assert main(["learners", "--json", "--data-dir", str(data_dir)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["default"], r["courses"]) for r in rows] == [
        ("Ana", True, ["minimal"]),
        ("Zoë", False, ["minimal"]),
    ]


RESTORED = ["m1/r/what-is-a-product", "m1/r/whats-driving-your-need-for-agility"]


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["progress"], 0),
        (["export", "--format", "json"], 0),
        (["mark", "m9/r/no-such-resource"], 1),
    ],
)
def test_a_restored_backup_is_never_lost(data_dir: Path, command: list[str], code: int) -> None:
    learner = ["--learner", "r"]
    assert run("mark", *RESTORED, *learner).returncode == 0
    assert run("mark", "m2/r/how-great-leaders-inspire-action", *learner).returncode == 0
    (path,) = (p for p in data_dir.glob("r-*.json") if "." not in p.stem)
    path.write_text('{"broken', encoding="utf-8")

    first = run(*command, *learner)  # restores the backup, then exits without saving
    no_traceback(first)
    assert first.returncode == code
    assert "progress was restored from the previous good version" in first.stderr
    second = run("progress", "--json", *learner)
    assert second.returncode == 0 and second.stderr == ""
    assert json.loads(second.stdout)["done_keys"] == sorted(RESTORED)

    more = ["m3/r/the-elements-of-value", "m3/r/4-steps-to-optimize-product-value"]
    for key in more:
        assert run("mark", key, *learner).returncode == 0
    everything = sorted(RESTORED + more)
    assert json.loads(run("progress", "--json", *learner).stdout)["done_keys"] == everything
    store = json.loads(path.read_text(encoding="utf-8"))
    backup = json.loads(path.with_name(f"{path.stem}.bak.json").read_text(encoding="utf-8"))
    for doc in (store, backup):  # the restored marks are in every file
        assert set(RESTORED) <= set(doc["courses"]["41711"]["items"])


def test_import_with_a_hostile_key_is_refused_and_merges_nothing(
    tmp_path: Path, data_dir: Path
) -> None:
    key = next(r.key for r in load_course(MINIMAL).all_resources())
    assert run("mark", str(MINIMAL), key, "--learner", "Bo").returncode == 0
    exported = tmp_path / "bo.json"
    assert run("export", str(MINIMAL), "--format", "json", "-o", str(exported)).returncode == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    course_id = next(iter(data["store"]["courses"]))
    items = data["store"]["courses"][course_id]["items"]
    items["m1/r/fine"] = items[key]  # merged only if nothing else were wrong
    items["\x1b]0;pwned\x07"] = items[key]
    exported.write_text(json.dumps(data), encoding="utf-8")
    (store_file,) = (p for p in data_dir.glob("bo-*.json") if "." not in p.stem)
    before = store_file.read_bytes()

    result = run("import", str(exported), "--learner", "Bo")
    no_traceback(result)
    assert result.returncode == 1
    assert 'courses.minimal.items["\\u001b]0;pwned\\u0007"]: not an item key' in result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    assert store_file.read_bytes() == before


def test_import_of_an_edited_export_reports_the_conflict(tmp_path: Path) -> None:
    common = ["--data-dir", str(tmp_path / "data"), "--learner", "Ana"]
    key = next(r.key for r in load_course(MINIMAL).all_resources())
    assert run("mark", str(MINIMAL), key, *common).returncode == 0
    exported = tmp_path / "ana.json"
    assert (
        run("export", str(MINIMAL), "--format", "json", "-o", str(exported), *common).returncode
        == 0
    )
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["store"]["courses"]["minimal"]["items"][key]["done"]["value"] = False  # stamp left
    exported.write_text(json.dumps(data), encoding="utf-8")

    result = run("import", str(exported), *common)
    assert result.returncode == 0, result.stderr
    assert "already had everything" not in result.stdout
    assert "1 conflict" in result.stdout
    assert f'kept true for courses.minimal.items["{key}"].done (not false)' in result.stdout


def test_learners_survives_a_stamp_from_year_9999_and_a_hostile_course_id(
    data_dir: Path,
) -> None:
    key = load_course(MINIMAL).prereading[0].key
    assert run("mark", str(MINIMAL), key, "--learner", "Bo").returncode == 0
    (path,) = (p for p in data_dir.glob("bo-*.json") if "." not in p.stem)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["updated"] = "9999-12-31T23:59:59.999999Z"  # east of UTC, local time overflows
    doc["courses"]["\x1b[2Jwiped"] = {}
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "coursemate", "learners"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "TZ": "Asia/Tokyo"},
        timeout=120,
    )
    no_traceback(result)
    assert result.returncode == 0
    assert result.stdout.startswith("* Bo  (last activity -; courses: minimal)")
    assert "\x1b" not in result.stdout
