"""The class roster (``progress/roster.py``) on the reference course and stores and exports
written by the real store and export code (issue 17, part 2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coursemate.course.model import Course
from coursemate.progress.document import AT_FORMAT
from coursemate.progress.maths import course_progress
from coursemate.progress.roster import (
    ClassRoster,
    LearnerRow,
    ReadStopped,
    RosterError,
    learner_texts,
    read_class,
)
from helpers import (
    CLASS_NOTE,
    CLASS_REFLECTION,
    FIRST,
    SECOND,
    class_learner_file,
    make_class,
    tree_state,
)


@pytest.fixture
def roster(tmp_path: Path, course: Course) -> ClassRoster:
    return read_class(course, make_class(tmp_path / "class", course))


def row_of(roster: ClassRoster, name: str) -> LearnerRow:
    return next(row for row in roster.learners if row.learner == name)


def test_one_row_per_learner_and_two_files_of_one_learner_are_merged(
    roster: ClassRoster, course: Course
) -> None:
    assert [row.learner for row in roster.learners] == ["Ana María", "Bo", "Chen"]
    ana = row_of(roster, "Ana María")
    assert sorted((s.path, s.kind) for s in ana.sources) == [
        ("exports/ana-work.json", "export"),
        ("monday/ana.json", "store"),
    ]
    # FIRST is done on both machines: counted once. The experiment is chosen on both, running
    # on the laptop and done (later) at work: one experiment, done, reflected.
    third = course.modules[1].resources[0].key  # done on the laptop only
    assert ana.resources.items_done == 3
    minutes = {r.key: r.minutes or 0 for r in course.all_resources()}
    assert ana.resources.minutes_done == minutes[FIRST] + minutes[SECOND] + minutes[third]
    assert (ana.chosen, ana.running, ana.done, ana.reflected) == (1, 0, 1, 1)
    assert [p.items_done for p in ana.modules[:3]] == [2, 1, 0]
    assert ana.strip[:3] == "█▂·"  # module 1 all done, 2 begun, 3 not


def test_figures_are_the_learners_own_maths(roster: ClassRoster, course: Course) -> None:
    """A learner's row says what ``course_progress`` says for the same marks."""
    bo = row_of(roster, "Bo")
    expected = course_progress(course, frozenset({FIRST}))
    assert bo.modules == tuple(expected.modules[m.key] for m in course.modules)
    assert bo.resources.percent == expected.overall.percent  # the course has no pre-reading
    assert bo.resources.minutes_left == expected.overall.minutes_left
    assert (bo.chosen, bo.running, bo.done, bo.reflected) == (2, 0, 0, 0)


def test_totals_not_started_and_most_chosen(roster: ClassRoster, course: Course) -> None:
    totals = roster.totals()
    assert (totals.learners, totals.started) == (3, 2)
    assert (totals.chosen, totals.running, totals.done, totals.reflected) == (3, 0, 1, 1)
    assert [row.learner for row in roster.not_started] == ["Chen"]
    first, second = course.modules[0].assignment.experiments[:2]  # type: ignore[union-attr]
    [(module_key, counts)] = roster.most_chosen()
    assert module_key == course.modules[0].key
    assert [(c.key, c.learners) for c in counts] == [(first.key, 2), (second.key, 1)]
    assert counts[0].text == first.text


def test_files_that_are_not_progress_of_the_course_are_skipped_with_the_reason(
    roster: ClassRoster,
) -> None:
    reasons = {s.path: s.reason for s in roster.skipped}
    assert set(reasons) == {"README.txt", "exports/broken.json", "dee-other-course.json"}
    assert reasons["README.txt"].startswith("not a JSON file")
    assert reasons["exports/broken.json"].startswith("not valid JSON (1:")
    assert reasons["dee-other-course.json"] == "holds progress for other courses only (99999)"


def test_more_kinds_of_files_are_skipped(tmp_path: Path, course: Course) -> None:
    folder = make_class(tmp_path / "class", course)
    (folder / "settings.json").write_text('{"theme": "dark"}')
    (folder / ".ana.json.x1y2.tmp").write_text("{")
    (folder / "newer.json").write_text('{"schema_version": 99, "learner": "Z", "courses": {}}')
    (folder / "latin1.json").write_bytes(b'{"learner": "Jos\xe9"}')
    reasons = {s.path: s.reason for s in read_class(course, folder).skipped}
    assert reasons["settings.json"].startswith("not a coursemate learner store or export (")
    assert reasons[".ana.json.x1y2.tmp"].startswith("a temporary file")
    assert reasons["newer.json"] == "written by a newer coursemate (store schema version 99)"
    assert reasons["latin1.json"].startswith("not UTF-8 text")


def test_last_activity_is_the_latest_write_in_the_course(tmp_path: Path, course: Course) -> None:
    folder = make_class(tmp_path / "class", course)
    export = json.loads((folder / "exports" / "ana-work.json").read_text())
    first_exp = next(course.all_experiments())[1]
    # The work machine's last write: the last reflection field, after everything the laptop did.
    last = export["store"]["courses"][course.identity]["items"][first_exp.key]["reflection"]
    expected = datetime.strptime(last["next"]["at"], AT_FORMAT).replace(tzinfo=UTC)
    # Later, Ana writes in another course on the laptop: not activity in this one.
    laptop = json.loads((folder / "monday" / "ana.json").read_text())
    later = {"at": "2099-01-01T00:00:00.000000Z", "value": True}
    laptop["courses"]["99999"] = {"items": {"m1/r/x": {"done": later}}}
    laptop["updated"] = later["at"]
    (folder / "monday" / "ana.json").write_text(json.dumps(laptop))
    roster = read_class(course, folder)
    assert row_of(roster, "Ana María").last_activity == expected
    assert row_of(roster, "Bo").last_activity is not None


def test_notes_and_reflections_only_when_asked(roster: ClassRoster, course: Course) -> None:
    ana = row_of(roster, "Ana María")
    texts = learner_texts(course, ana)
    assert (course.modules[0].key, f"Note on {course.modules[0].title}", CLASS_NOTE) in texts
    assert sum(1 for _, _, text in texts if text == CLASS_REFLECTION) == 4
    assert learner_texts(course, row_of(roster, "Chen")) == []


def test_learner_names_from_files_are_cleaned(tmp_path: Path, course: Course) -> None:
    folder = tmp_path / "class"
    # OSC 52 (clipboard), a colour, a BiDi override
    class_learner_file(folder, course, "Eve\x1b]52;c;aGk=\x07 \x1b[31mRed\u202e")
    [row] = read_class(course, folder).learners
    assert row.learner == "Eve Red"


def test_names_that_show_alike_are_one_learner(tmp_path: Path, course: Course) -> None:
    """A zero-width space, an escape sequence, a line break or a decomposed accent in a file's
    name made rows of their own that read the same: which "Bo" was which?"""
    folder = tmp_path / "class"
    for name in ("Bo", "Bo\u200b", "B\x1b[0mo", "Bo\n", "Jose\u0301", "Jos\u00e9"):
        class_learner_file(folder, course, name)
    roster = read_class(course, folder)
    assert [row.learner for row in roster.learners] == ["Bo", "Jos\u00e9"]
    assert [len(row.sources) for row in roster.learners] == [4, 2]


def test_the_folder_is_only_read(tmp_path: Path, course: Course) -> None:
    folder = make_class(tmp_path / "class", course)
    before = tree_state(folder)
    read_class(course, folder)
    assert tree_state(folder) == before


def test_bad_folders_and_courses_are_refused(tmp_path: Path, course: Course) -> None:
    with pytest.raises(RosterError, match="no such folder"):
        read_class(course, tmp_path / "missing")
    (tmp_path / "file.json").write_text("{}")
    with pytest.raises(RosterError, match="is not a folder"):
        read_class(course, tmp_path / "file.json")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    with pytest.raises(RosterError, match=r"no learner progress .* \(1 file looked at"):
        read_class(course, empty)


def test_files_are_checked_a_learner_at_a_time_in_the_roster_order(
    tmp_path: Path, course: Course
) -> None:
    """The rows come out in name order as each learner's files are checked; a learner whose
    only files are unusable makes no row (also when the name sorts first), a learner with one
    unusable file and one good one makes a row of the good one, and the skipped files are
    listed in the order they were found."""
    folder = make_class(tmp_path / "class", course)
    good = json.loads((folder / "exports" / "ana-work.json").read_text())["store"]
    broken = {**good, "learner": "Aaron", "courses": {course.identity: []}}
    (folder / "a-aaron.json").write_text(json.dumps(broken))
    other = {**good, "learner": "Bo", "courses": {course.identity: {"items": 3}}}
    (folder / "zz-bo-broken.json").write_text(json.dumps(other))
    heard: list[str] = []
    roster = read_class(course, folder, lambda row: heard.append(row.learner))
    assert heard == [row.learner for row in roster.learners] == ["Ana María", "Bo", "Chen"]
    assert [s.path for s in roster.skipped] == [
        "README.txt",
        "a-aaron.json",
        "dee-other-course.json",
        "zz-bo-broken.json",
        "exports/broken.json",
    ]
    reasons = {s.path: s.reason for s in roster.skipped}
    assert reasons["a-aaron.json"].startswith("not a coursemate learner store or export (")
    assert reasons["zz-bo-broken.json"].startswith("not a coursemate learner store or export (")
    assert "zz-bo-broken.json" not in [s.path for s in row_of(roster, "Bo").sources]
    assert len(row_of(roster, "Bo").sources) == 1


def test_the_prefetch_makes_a_screenful_then_waits_to_be_told(
    tmp_path: Path, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``coursemate --class`` reads the folder while Textual starts: the first ``first`` rows,
    then nothing more until the Class screen has shown them (``resume``), then the rest; the
    roster is the one ``read_class`` makes."""
    from concurrent.futures import Future
    from queue import Empty

    from coursemate.progress import roster as roster_module

    monkeypatch.setattr(roster_module, "RESUME_AFTER", 60.0)
    folder = make_class(tmp_path / "class", course)
    for name in ("Dee", "Eve"):
        made = class_learner_file(tmp_path / "more", course, name)
        made.rename(folder / f"{name}.json")
    read: Future[Course] = Future()
    read.set_result(course)
    future = roster_module.prefetch_class(read, folder, first=2)
    first = [future.rows.get(timeout=30), future.rows.get(timeout=30)]
    assert [row.learner for row in first if row is not None] == ["Ana María", "Bo"]
    with pytest.raises(Empty):
        future.rows.get(timeout=0.3)  # waiting to be told
    assert not future.done()
    future.resume.set()
    rest = list(iter(lambda: future.rows.get(timeout=30), None))
    assert [row.learner for row in rest if row is not None] == ["Chen", "Dee", "Eve"]
    assert future.result(timeout=30).learners == read_class(course, folder).learners


def test_a_read_told_to_stop_ends_at_once(
    tmp_path: Path, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder typed by mistake (``~``, ``/``) took minutes to read, and quitting the app (or
    closing the Class screen) waited for all of it: the read asks ``stop`` and ends."""
    from concurrent.futures import Future

    from coursemate.progress import roster as roster_module

    folder = make_class(tmp_path / "class", course)
    with pytest.raises(ReadStopped):
        read_class(course, folder, stop=lambda: True)
    heard: list[str] = []
    with pytest.raises(ReadStopped):
        read_class(course, folder, lambda row: heard.append(row.learner), stop=lambda: bool(heard))
    assert heard == ["Ana María"]
    # ``--class``'s read, waiting for the screen after its first row, is told to stop.
    monkeypatch.setattr(roster_module, "RESUME_AFTER", 3600.0)
    read: Future[Course] = Future()
    read.set_result(course)
    future = roster_module.prefetch_class(read, folder, first=1)
    first = future.rows.get(timeout=30)
    assert first is not None and first.learner == "Ana María"
    future.stop()
    assert list(iter(lambda: future.rows.get(timeout=30), None)) == []
    assert isinstance(future.exception(timeout=30), ReadStopped)


def test_big_files_are_not_all_kept_parsed_at_once(tmp_path: Path, course: Course) -> None:
    """Every file stayed parsed until its row was made, and parsed JSON is twenty times its
    size or more: four 60 MB files of ``{},`` in a shared folder took 6 GB. A big file is now
    checked, and let go, as soon as it is parsed: four take about the memory of one. Measured
    as the peak of Python's own allocations (tracemalloc), which the same input repeats."""
    import tracemalloc

    from coursemate.progress.roster import CHECK_AT_ONCE_BYTES

    entries = CHECK_AT_ONCE_BYTES // 3 + 1000  # "{}," each: just past the size checked at once
    junk = '{"learner": "Zed", "junk": [' + ",".join(["{}"] * entries) + "]}"

    def peak_bytes(files: int) -> int:
        folder = make_class(tmp_path / f"class-{files}", course)
        for n in range(files):
            (folder / f"big-{n}.json").write_text(junk, encoding="utf-8")
        tracemalloc.start()
        try:
            read_class(course, folder)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    none, one, four = peak_bytes(0), peak_bytes(1), peak_bytes(4)
    assert one - none > 20 * len(junk)  # what one parsed file costs
    assert four < one + (one - none) // 2, (none, one, four)  # not three more files' worth


def test_a_sub_folder_that_cannot_be_listed_is_named_not_left_out(
    tmp_path: Path, course: Course
) -> None:
    """``os.walk`` passes over a folder it cannot list without a word: a learner in a sub-folder
    the trainer may not open, or nested past the system's path length (as here: the same
    error path, and one that root meets too), was missing from the class, unexplained."""
    import os

    folder = make_class(tmp_path / "class", course)
    fd = os.open(folder, os.O_RDONLY)
    for n in range(20):  # 20 × 242 characters: past PATH_MAX (4096)
        name = f"{n:02d}" + "d" * 240
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    roster = read_class(course, folder)
    [unlisted] = [s for s in roster.skipped if s.reason.startswith("a folder that cannot be")]
    assert unlisted.path.startswith("00ddd") and unlisted.reason.endswith("File name too long")


def test_json_a_reader_cannot_take_is_explained_for_people(tmp_path: Path, course: Course) -> None:
    """A 5000-digit number was skipped as "Exceeds the limit (4300 digits) for integer string
    conversion ...; use sys.set_int_max_str_digits() to increase the limit": advice for a
    programmer, in the trainer's list (and in a learner's message about their store)."""
    from coursemate.progress.store import Store

    folder = make_class(tmp_path / "class", course)
    (folder / "long.json").write_text('{"schema_version": ' + "9" * 5000 + "}")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    reasons = {s.path: s.reason for s in read_class(course, folder).skipped}
    assert reasons["long.json"] == "not valid JSON (a number too long to read)"
    assert reasons["deep.json"] == "not valid JSON (nested too deep)"
    data = tmp_path / "data"
    path = Store.open(data, "ann").path
    path.write_text('{"schema_version": ' + "9" * 5000 + "}")
    told = Store.open(data, "ann").messages
    assert any("not valid JSON (a number too long to read)" in m for m in told), told
