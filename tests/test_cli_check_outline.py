"""``coursemate check`` and ``coursemate outline`` run as a user runs them: in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import DATA, no_traceback, run


def test_check_bundled_course_by_default() -> None:
    result = run("check")
    no_traceback(result)
    assert result.returncode == 0
    assert "professional-scrum-product-owner.md: ok" in result.stdout
    assert "9 modules, 31 resources, 68 experiments" in result.stdout
    assert result.stdout.strip().endswith("1 course checked: 1 loaded, 0 failed, 0 warnings")


def test_check_reports_error_with_file_line_column_and_field() -> None:
    result = run("check", str(DATA / "bad-duration.md"), str(DATA / "minimal.md"))
    no_traceback(result)
    assert result.returncode == 1
    assert (
        f"{DATA / 'bad-duration.md'}:16:19 (syllabus[2].learningResources[0].duration): "
        "error: expected minutes as a whole number, got 'ten'"
    ) in result.stdout
    assert "bad-duration.md: cannot be loaded" in result.stdout
    assert "minimal.md: ok" in result.stdout
    assert "2 courses checked: 1 loaded, 1 failed" in result.stdout


def test_check_yaml_error_and_missing_file() -> None:
    result = run("check", str(DATA / "yaml-error.md"), str(DATA / "nope.md"))
    no_traceback(result)
    assert result.returncode == 1
    assert f"{DATA / 'yaml-error.md'}:8:7: error: invalid YAML" in result.stdout
    assert "no such file or folder" in result.stdout


def test_warnings_pass_unless_strict() -> None:
    plain = run("check", str(DATA / "warnings.md"))
    strict = run("check", "--strict", str(DATA / "warnings.md"))
    no_traceback(plain)
    assert plain.returncode == 0
    assert strict.returncode == 1
    assert "warning: unknown key 'duraton': did you mean 'duration'?" in plain.stdout
    assert "9 warnings" in plain.stdout


def test_check_json_shape() -> None:
    result = run("check", "--json", str(DATA / "warnings.md"), str(DATA / "bad-duration.md"))
    no_traceback(result)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert set(report) == {"files", "summary"}
    ok, bad = report["files"]
    assert ok["ok"] is True and ok["errors"] == [] and len(ok["warnings"]) == 9
    assert ok["course"]["modules"] == 2
    assert bad["ok"] is False and "course" not in bad
    (error,) = bad["errors"]
    assert error == {
        "severity": "error",
        "file": str(DATA / "bad-duration.md"),
        "line": 16,
        "column": 19,
        "field": "syllabus[2].learningResources[0].duration",
        "message": "expected minutes as a whole number, got 'ten'",
    }
    assert report["summary"] == {
        "checked": 2,
        "loaded": 1,
        "failed": 1,
        "warnings": 9,
        "strict": False,
        "ok": False,
    }


def test_check_a_folder_of_courses(tmp_path: Path) -> None:
    result = run("check", "--json", str(DATA))
    report = json.loads(result.stdout)
    names = [Path(f["path"]).name for f in report["files"]]
    assert names == [
        "bad-duration.md",
        "folder-course",
        "minimal.md",
        "real-world-quirks.md",
        "warnings.md",
        "yaml-error.md",
    ]
    assert result.returncode == 1


def test_usage_errors_exit_2() -> None:
    for args in (("check", "--bogus"), ("outline", "a", "b"), ("outline", "--nope")):
        result = run(*args)
        assert result.returncode == 2, args
        assert "usage:" in result.stderr
        no_traceback(result)


def test_outline_bundled_course_plain_text() -> None:
    result = run("outline")
    no_traceback(result)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Professional Scrum Product Owner (PSPO) Course with Certification"
    assert lines[1] == "PSPO · intermediate · 9 modules · 1080 min"
    assert "  1. Agile Product Management I (Product vs. Project) (120 min)" in lines
    assert "    - What is a Product? (video, 7 min)" in lines
    assert "    Assignment: How can you move more towards a product mindset?" in lines
    experiments = [ln for ln in lines if ln.startswith("      * ")]
    assert len(experiments) == 68
    assert "[m1]" not in result.stdout


def test_outline_keys() -> None:
    result = run("outline", "--keys", str(DATA / "minimal.md"))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "  - Read the guide (reading, 20 min)  [pre/read-the-guide]" in lines
    assert "  1. Introduction (60 min)  [mintro]" in lines
    assert "    - First by weight (video, 10 min)  [mintro/r/first-by-weight]" in lines
    assert "    Assignment: Try it  [mintro/a]" in lines
    assert any(ln.startswith("      * Write it down.  [mintro/a/x/") for ln in lines)


def test_outline_json_shape() -> None:
    result = run("outline", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    course = data["course"]
    assert course["identity"] == "41711"
    assert course["title"].startswith("Professional Scrum Product Owner")
    assert (course["code"], course["level"], course["minutes"]) == ("PSPO", "intermediate", 1080)
    assert course["source"].endswith("professional-scrum-product-owner.md")
    items = data["items"]
    assert all(set(i) == {"key", "kind", "title", "minutes", "parent"} for i in items)
    kinds = [i["kind"] for i in items]
    assert kinds.count("module") == 9
    assert kinds.count("resource") == 31
    assert kinds.count("experiment") == 68
    assert kinds.count("assignment") == 8
    assert sum(i["minutes"] for i in items if i["kind"] == "resource") == 551
    by_key = {i["key"]: i for i in items}
    assert all(i["parent"] is None or i["parent"] in by_key for i in items)


def test_outline_bad_course_is_a_message_not_a_traceback() -> None:
    result = run("outline", str(DATA / "bad-duration.md"))
    no_traceback(result)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "expected minutes as a whole number, got 'ten'" in result.stderr
    assert ":16:19 (syllabus[2].learningResources[0].duration)" in result.stderr


def test_outline_prints_no_escape_sequences() -> None:
    result = run("outline", str(DATA / "real-world-quirks.md"))
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "2. Empty things bell (no duration)" in result.stdout


def test_outline_piped_into_head_exits_quietly() -> None:
    # A reader that goes away early must not produce a BrokenPipeError traceback.
    result = subprocess.run(
        f"{sys.executable} -m coursemate outline --keys | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.splitlines()[0].startswith("Professional Scrum Product Owner")
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr


def test_outline_json_piped_into_head_exits_quietly(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    modules = "".join(f"  - id: {i}\n    title: Module {i}\n    duration: 5\n" for i in range(3000))
    big.write_text(f"---\ntitle: Big\nsyllabus:\n{modules}---\n")
    result = subprocess.run(
        f"{sys.executable} -m coursemate outline --json {big} | head -c 100",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.startswith("{")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_opening_a_missing_course_fails_before_the_app_starts(tmp_path: Path) -> None:
    missing = run(str(tmp_path / "nope.md"))
    no_traceback(missing)
    assert missing.returncode == 1
    expected = f"coursemate: {tmp_path / 'nope.md'}: no such course file or folder"
    assert missing.stderr.strip() == expected
    typo = run("frobnicate")
    no_traceback(typo)
    assert typo.returncode == 2
    assert "'frobnicate' is neither a command" in typo.stderr and "outline" in typo.stderr
