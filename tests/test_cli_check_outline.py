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


def test_check_reports_a_bad_field_as_a_warning_with_line_column_and_field() -> None:
    result = run("check", str(DATA / "bad-duration.md"), str(DATA / "minimal.md"))
    no_traceback(result)
    assert result.returncode == 0  # the course loads: a learner can still use it
    assert (
        f"{DATA / 'bad-duration.md'}:16:19 (syllabus[2].learningResources[0].duration): "
        "warning: expected minutes as a whole number, got 'ten'; treated as missing"
    ) in result.stdout
    assert "bad-duration.md: ok: Bad duration (3 modules, 1 resource," in result.stdout
    assert "minimal.md: ok" in result.stdout
    assert "2 courses checked: 2 loaded, 0 failed, 1 warning" in result.stdout
    strict = run("check", "--strict", str(DATA / "bad-duration.md"))
    assert strict.returncode == 1


def test_one_check_lists_every_problem_of_a_file(tmp_path: Path) -> None:
    course = tmp_path / "many.md"
    course.write_text(
        "---\ntitle: Many\nsyllabus:\n"
        "  - {id: 1, title: One, duration: ten}\n"
        "  - {id: 2, title: [a, b], duration: 30}\n"
        "  - id: 3\n    title: Three\n    duration: 5\n    learningResources:\n"
        "      - {title: Local, link: 'file:///etc/passwd', duration: 1}\n"
        "      - {title: Script, link: 'javascript:alert(document.cookie)', duration: 1}\n"
        "      - {title: Data, link: 'data:text/html,<b>x</b>', duration: 1}\n"
        "      - {title: Site, link: /resources/guide, duration: 1}\n"
        "events:\n  - sessions:\n"
        "      - {start_datetime: 2025-11-07T17:00:00, end_datetime: 2025-11-07T09:00:00,"
        " timezone: Europe/London, syllabus_ids: [1]}\n"
        "      - {start_datetime: 9999-12-31T23:00:00, end_datetime: 9999-12-31T23:30:00,"
        " timezone: Europe/London, syllabus_ids: [3]}\n"
        "---\n",
        encoding="utf-8",
    )
    result = run("check", "--json", str(course))
    no_traceback(result)
    assert result.returncode == 0
    text = course.read_text(encoding="utf-8").splitlines()
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["ok"] and entry["course"]["modules"] == 3
    found = {w["field"]: (w["line"], w["column"], w["message"]) for w in entry["warnings"]}
    assert len(found) == len(entry["warnings"]) == 7
    line, column, message = found["syllabus[0].duration"]
    assert (line, column) == (4, 35) and "got 'ten'; treated as missing" in message
    line, column, message = found["syllabus[1].title"]
    assert (line, column) == (5, 20) and "expected a title as text" in message
    resources = "syllabus[2].learningResources"
    for index, scheme in enumerate(["file:", "javascript:", "data:"]):
        line, column, message = found[f"{resources}[{index}].link"]
        assert line == 10 + index and text[line - 1][column - 1 :].startswith(f"'{scheme}")
        assert f"the link '{scheme}" in message and "only web links (http/https)" in message
    assert f"{resources}[3].link" not in found  # site-relative: resolves with --site-url
    assert "before it starts" in found["events[0].sessions[0].end_datetime"][2]
    assert (
        "catch-up two weeks later cannot be scheduled"
        in (found["events[0].sessions[1].start_datetime"][2])
    )
    assert run("check", "--strict", str(course)).returncode == 1


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
    result = run("check", "--json", str(DATA / "warnings.md"), str(DATA / "yaml-error.md"))
    no_traceback(result)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert set(report) == {"files", "skipped", "summary"}
    ok, bad = report["files"]
    assert ok["ok"] is True and ok["errors"] == [] and len(ok["warnings"]) == 9
    assert ok["course"]["modules"] == 2
    assert bad["ok"] is False and "course" not in bad
    (error,) = bad["errors"]
    assert set(error) == {"severity", "file", "line", "column", "field", "message"}
    assert (error["severity"], error["file"]) == ("error", str(DATA / "yaml-error.md"))
    assert (error["line"], error["column"]) == (8, 7)
    assert error["message"].startswith("invalid YAML")
    assert report["skipped"] == []
    assert report["summary"] == {
        "checked": 2,
        "loaded": 1,
        "failed": 1,
        "warnings": 9,
        "skipped": 0,
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
    assert report["skipped"] == []


def test_check_a_folder_lists_what_it_skipped_and_why(tmp_path: Path) -> None:
    (tmp_path / "course.md").write_bytes((DATA / "minimal.md").read_bytes())
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "notes.md").write_text("# Just notes\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "list.txt").write_text("not a course\n", encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / ".git").mkdir()  # hidden: not worth a line
    result = run("check", str(tmp_path))
    no_traceback(result)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert f"{tmp_path / 'binary.md'}: skipped: a binary file" in lines
    assert f"{tmp_path / 'empty.md'}: skipped: an empty file" in lines
    assert f"{tmp_path / 'photo.png'}: skipped: a binary file" in lines
    assert f"{tmp_path / 'list.txt'}: skipped: not a Markdown (.md) file" in lines
    assert f"{tmp_path / 'drafts'}: skipped: a folder without an index.md course file" in lines
    assert any(
        line.startswith(f"{tmp_path / 'notes.md'}: skipped: no front matter") for line in lines
    )
    assert ".git" not in result.stdout
    assert lines[-1] == "1 course checked: 1 loaded, 0 failed, 0 warnings, 6 skipped"
    report = json.loads(run("check", "--json", str(tmp_path)).stdout)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert reasons["empty.md"] == "an empty file" and len(reasons) == 6
    assert report["summary"]["skipped"] == 6


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
    # Kinds are read from the site's icon names, as in the app.
    assert "    - The Evidence-based Management Guide (guide, 10 min)" in lines
    assert "handshake-angle" not in result.stdout
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
    result = run("outline", str(DATA / "yaml-error.md"))
    no_traceback(result)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{DATA / 'yaml-error.md'}:8:7: error: invalid YAML" in result.stderr


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


def test_check_lists_each_files_problems_in_line_order(tmp_path: Path) -> None:
    course = tmp_path / "order.md"
    course.write_text(
        "---\ntitle: Order\ncode: [x]\nsyllabus:\n"
        "  - {id: 1, title: One, duration: ten}\n"
        "events:\n  - sessions:\n"
        "      - {start_datetime: 2025-11-31T09:00:00, syllabus_ids: [1, 9]}\n"
        "level: [y]\n"
        "---\n",
        encoding="utf-8",
    )
    report = json.loads(run("check", "--json", str(course)).stdout)
    places = [(w["line"], w["column"]) for w in report["files"][0]["warnings"]]
    assert len(places) == 5 and places == sorted(places), places
    text = run("check", str(course)).stdout.splitlines()
    lines = [int(line.split(":")[1]) for line in text if "warning:" in line]
    assert lines == [p[0] for p in places] == [3, 5, 8, 8, 9]
