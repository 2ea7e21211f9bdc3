"""The learner store: state, merging, damaged and newer files, hostile names, threads."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursemate.course.reader import load_course
from coursemate.progress.learners import default_learner, list_learners, remember_learner
from coursemate.progress.store import (
    REFLECTION_FIELDS,
    SCHEMA_VERSION,
    Store,
    StoreError,
)

CID = "course-1"
A, B, C, K = "m1/r/a", "m1/r/b", "m1/r/c", "m1/r/k"
EXP = "m1/a/x/0000000a"


def test_state_survives_reopen_and_file_is_readable(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana María")
    store.set_done(CID, "m1/r/a", True)
    store.set_chosen(CID, EXP, True, title="Ask a colleague")
    store.set_status(CID, EXP, "running")
    store.set_reflection(CID, EXP, "did", "I asked.\nTwice.")
    store.set_note(CID, "m1/r/a", "good read")
    store.set_last_position(CID, "m1/r/a")
    store.set_catchup_date(CID, date(2025, 12, 1))
    store.set_catchup_prompt(CID, "ideas", "pair more")
    own = store.add_own_experiment(CID, "m1/a", "My own idea")
    assert store.dirty
    store.save()
    assert not store.dirty

    again = Store.open(tmp_path, "Ana María")
    assert again.done_keys(CID) == {"m1/r/a"}
    assert again.chosen_keys(CID) == {EXP, own}
    assert own.startswith("m1/a/own/") and len(own.rsplit("/", 1)[1]) == 8
    state = again.experiment(CID, EXP)
    assert state is not None and state.status == "running"
    assert set(state.status_dates) == {"planned", "running"}
    assert state.reflection == {"did": "I asked.\nTwice."} and not state.reflection_complete
    assert again.note(CID, "m1/r/a") == "good read" and again.note(CID, "m1/r/other") == ""
    assert again.last_position(CID) == "m1/r/a"
    assert again.catchup_date(CID) == date(2025, 12, 1)
    assert again.catchup_prompts(CID) == {"questions": "", "ideas": "pair more", "challenges": ""}
    assert [o.text for o in again.own_experiments(CID, "m1/a")] == ["My own idea"]
    assert again.own_experiments(CID, "m2/a") == []
    assert again.experiment(CID, "m1/a/x/0000000b") is None

    text = again.path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION and data["learner"] == "Ana María"
    assert "Ana María" in text  # Unicode written as itself, for people
    assert text.count("\n") > 10  # indented, not one long line


def test_reflection_complete_needs_all_four_fields(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "a")
    store.set_chosen(CID, EXP, True)
    for name in REFLECTION_FIELDS:
        store.set_reflection(CID, EXP, name, "text")
    state = store.experiment(CID, EXP)
    assert state is not None and state.reflection_complete
    store.set_reflection(CID, EXP, "next", "   ")
    state = store.experiment(CID, EXP)
    assert state is not None and not state.reflection_complete


def test_rechoosing_keeps_status_and_reflection(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "a")
    store.set_chosen(CID, EXP, True)
    store.set_status(CID, EXP, "done")
    store.set_reflection(CID, EXP, "learned", "a lot")
    store.set_chosen(CID, EXP, False)
    assert store.experiment(CID, EXP) is None
    store.set_chosen(CID, EXP, True)
    state = store.experiment(CID, EXP)
    assert state is not None and state.status == "done" and state.reflection["learned"] == "a lot"


def test_two_stores_merge_per_item_and_undo_is_not_resurrected(tmp_path: Path) -> None:
    one = Store.open(tmp_path, "Ana")
    two = Store.open(tmp_path, "Ana")
    one.set_done(CID, A, True)
    one.set_done(CID, B, True)
    one.save()
    two.set_done(CID, C, True)  # two never saw a or b
    two.save()
    assert two.done_keys(CID) == {A, B, C}  # merged on save
    one.set_done(CID, A, False)  # undo, after two's save
    one.save()
    two.set_note(CID, B, "note")
    two.save()  # two still holds a=True from its merge: older than one's undo
    fresh = Store.open(tmp_path, "Ana")
    assert fresh.done_keys(CID) == {B, C}
    assert fresh.note(CID, B) == "note"
    one.reload()
    assert one.done_keys(CID) == {B, C} and one.note(CID, B) == "note"


def test_later_write_wins_for_the_same_item(tmp_path: Path) -> None:
    one = Store.open(tmp_path, "Ana")
    two = Store.open(tmp_path, "Ana")
    one.set_note(CID, K, "first")
    two.set_note(CID, K, "second")  # later
    two.save()
    one.save()  # saved last, but written earlier: loses
    assert Store.open(tmp_path, "Ana").note(CID, K) == "second"


def test_previous_version_kept_as_backup(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    store.set_done(CID, A, True)
    store.save()
    store.set_done(CID, B, True)
    store.save()
    backup = json.loads(store.backup_path.read_text(encoding="utf-8"))
    assert set(backup["courses"][CID]["items"]) == {A}


@pytest.mark.parametrize(
    "content",
    [
        b"{ this is not json",
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        b'{"schema_version": 1, "learner": "Ana", "courses": []}',
        b'{"schema_version": 1, "learner": "Ana", "courses": {"c": {"items": {"k": '
        b'{"done": {"at": "yesterday", "value": true}}}}}}',
        b'{"schema_version": 1, "learner": "Ana", "courses": {"c": {"items": {"k": '
        b'{"done": {"at": "2025-01-01T00:00:00.000000Z", "value": "yes"}}}}}}',
        b'{"learner": "Ana", "courses": {}}',
        b"",
    ],
)
def test_damaged_file_is_moved_aside_never_overwritten(tmp_path: Path, content: bytes) -> None:
    path = Store.open(tmp_path, "Ana").path
    path.write_bytes(content)
    store = Store.open(tmp_path, "Ana")
    (moved,) = tmp_path.glob(f"{path.stem}.corrupt-*.json")
    assert moved.read_bytes() == content
    assert len(store.messages) == 1 and str(moved) in store.messages[0]
    assert "fresh store" in store.messages[0]
    assert store.done_keys("c") == frozenset() and not store.read_only
    store.set_done("c", "m1/r/x", True)
    store.save()
    assert Store.open(tmp_path, "Ana").done_keys("c") == {"m1/r/x"}
    assert moved.read_bytes() == content


def test_damaged_file_restores_from_good_backup(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    store.set_done(CID, A, True)
    store.save()
    store.set_done(CID, B, True)
    store.save()
    store.path.write_text("{", encoding="utf-8")
    again = Store.open(tmp_path, "Ana")
    assert again.done_keys(CID) == {A}  # the previous good version
    assert "restored" in again.messages[0]
    # Written back before open returned: a command that only reads cannot lose it.
    assert not again.dirty and Store.open(tmp_path, "Ana").done_keys(CID) == {A}
    assert len(list(tmp_path.glob("*.corrupt-*.json"))) == 1


def test_file_damaged_while_open_is_moved_aside_at_save(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    store.set_done(CID, A, True)
    store.save()
    store.path.write_text("garbage", encoding="utf-8")
    store.set_done(CID, B, True)
    store.save()
    assert Store.open(tmp_path, "Ana").done_keys(CID) == {A, B}
    (moved,) = tmp_path.glob("*.corrupt-*.json")
    assert moved.read_text(encoding="utf-8") == "garbage"
    assert any(str(moved) in m for m in store.messages)


def _newer_file(tmp_path: Path) -> Path:
    store = Store.open(tmp_path, "Ana")
    store.set_done(CID, A, True)
    store.save()
    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["schema_version"] = SCHEMA_VERSION + 1
    data["future"] = {"whatever": [1, 2]}
    store.path.write_text(json.dumps(data), encoding="utf-8")
    return store.path


def test_newer_schema_opens_read_only(tmp_path: Path) -> None:
    path = _newer_file(tmp_path)
    before = path.read_bytes()
    store = Store.open(tmp_path, "Ana")
    assert store.read_only
    assert "newer coursemate" in store.messages[0]
    assert store.done_keys(CID) == {A}  # still shown
    with pytest.raises(StoreError, match="read-only"):
        store.set_done(CID, B, True)
    store.save()
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_newer_schema_written_by_another_process_is_not_overwritten(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    path = _newer_file(tmp_path)
    before = path.read_bytes()
    store.set_done(CID, B, True)
    with pytest.raises(StoreError, match="newer coursemate"):
        store.save()
    assert store.read_only and path.read_bytes() == before


def test_stale_temp_files_are_cleaned_on_open(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    store.set_done(CID, A, True)
    store.save()
    stale = tmp_path / f".{store.path.name}.abc123.tmp"
    stale.write_text("half a file", encoding="utf-8")
    assert Store.open(tmp_path, "Ana").done_keys(CID) == {A}
    assert not stale.exists()


def test_orphaned_keys_are_kept_and_reported(tmp_path: Path, reference_path: Path) -> None:
    course = load_course(reference_path)
    cid = course.identity
    store = Store.open(tmp_path, "Ana")
    real = next(course.all_resources()).key
    store.set_done(cid, real, True)
    store.set_done(cid, "m1/r/a-resource-that-was-removed", True)
    store.set_chosen(cid, "m2/a/x/deadbeef", True)
    store.set_note(cid, "m9/r/gone", "my note")
    store.set_done(cid, "m3/r/undone-and-gone", True)
    store.set_done(cid, "m3/r/undone-and-gone", False)  # no state left: not reported
    store.add_own_experiment(cid, "m1/a", "mine")  # own experiments are not orphans
    store.save()
    again = Store.open(tmp_path, "Ana")
    assert again.orphaned_keys(course) == [
        "m1/r/a-resource-that-was-removed",
        "m2/a/x/deadbeef",
        "m9/r/gone",
    ]
    assert again.done_keys(cid) >= {real, "m1/r/a-resource-that-was-removed"}


hostile_names = st.one_of(
    st.text(min_size=1, max_size=60),
    st.sampled_from(
        [
            "..",
            "../../etc/passwd",
            "/",
            "a/b",
            "a\\b",
            "CON",
            "NUL.txt",
            "nul",
            "com1",
            "LPT9.json",
            "ana.bak",
            "x.corrupt-1",
            " Ana ",
            "Ana\x00",
            "\u202eevil",
            "👩‍🎓",
            "a" * 300,
            ".",
            "last-learner",
        ]
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile_names)
def test_any_learner_name_stays_inside_the_data_dir(tmp_path: Path, name: str) -> None:
    data_dir = tmp_path / "data"
    try:
        store = Store.open(data_dir, name)
    except StoreError as exc:
        assert "learner name" in str(exc)
        return
    assert store.path.parent == data_dir
    assert store.path.name.endswith(".json") and "." not in store.path.stem
    assert set(store.path.stem) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    store.set_done(CID, K, True)
    store.save()
    assert store.path.is_file()
    again = Store.open(data_dir, name)
    assert again.learner == store.learner and again.done_keys(CID) == {K}
    assert any(s.name == store.learner for s in list_learners(data_dir))


def test_names_that_slug_alike_get_their_own_files(tmp_path: Path) -> None:
    names = ["Anna", "anna", "Ånna", "ANNA!", "anna "]
    paths = {Store.open(tmp_path, n).path for n in names}
    assert len(paths) == 4  # "anna " is "anna" once trimmed


def test_default_learner_is_last_used_else_os_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "os-user")
    assert default_learner(tmp_path) == "os-user"
    remember_learner(tmp_path, "Zoë")
    assert default_learner(tmp_path) == "Zoë"
    (tmp_path / "last-learner.json").write_text("nonsense", encoding="utf-8")
    assert default_learner(tmp_path) == "os-user"

    def no_user() -> str:
        raise KeyError("no passwd entry")

    monkeypatch.setattr("getpass.getuser", no_user)
    assert default_learner(tmp_path) == "learner"


def test_list_learners_skips_backups_and_damaged_files(tmp_path: Path) -> None:
    for name, key in (("Bo", "a"), ("Ana", "b")):
        store = Store.open(tmp_path, name)
        store.set_done(CID, key, True)
        store.save()
        store.set_done("other", key, True)
        store.save()  # leaves a .bak.json
    (tmp_path / "zz-0000000000.json").write_text("{", encoding="utf-8")
    remember_learner(tmp_path, "Ana")
    (tmp_path / "exports").mkdir()
    learners = list_learners(tmp_path)
    assert [s.name for s in learners] == ["Ana", "Bo"]
    assert learners[0].course_ids == (CID, "other")
    assert learners[0].last_activity is not None


def test_setters_on_one_thread_while_saving_on_another(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    stop = threading.Event()
    errors: list[BaseException] = []

    def saver() -> None:
        try:
            while not stop.is_set():
                store.save()
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=saver)
    thread.start()
    keys = [f"m{i % 7}/r/item-{i}" for i in range(3000)]
    for key in keys:
        store.set_done(CID, key, True)
        store.set_note(CID, key, key)
    stop.set()
    thread.join()
    store.save()
    assert errors == []
    again = Store.open(tmp_path, "Ana")
    assert again.done_keys(CID) == frozenset(keys)
    assert all(again.note(CID, k) == k for k in keys[::97])


def test_text_is_stored_without_surrogates_or_control_characters(tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    store.set_note(CID, K, "a\ud800b \x1b[31mred\x1b[0m\r\nline\ttab \u202eok")
    store.save()
    again = Store.open(tmp_path, "Ana")
    # The ESC of a pasted escape sequence and the CR go; text (BiDi marks too: real
    # right-to-left writing uses them, screens strip them when showing) is kept.
    assert again.note(CID, K) == "a\ufffdb [31mred[0m\nline\ttab \u202eok"
    assert again.messages == []


def nested(depth: int) -> object:
    value: object = "deep"
    for _ in range(depth):
        value = [value]
    return {"a": value}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("see \x1b]52;c;cHduZWQ=\x07", "control characters"),
        ("\x1b[2J cleared", "control characters"),
        (nested(20), "nested deeper"),
    ],
)
def test_an_import_holding_what_coursemate_never_writes_is_refused_whole(
    tmp_path: Path, value: object, message: str
) -> None:
    other = Store.open(tmp_path / "other", "Bo")
    other.set_done(CID, K, True)
    doc = other.document()
    item = doc["courses"][CID]["items"][K]
    if isinstance(value, str):
        item["note"] = {"at": item["done"]["at"], "value": value}
    else:
        item["future_field"] = value  # a field this version does not know
    store = Store.open(tmp_path / "mine", "Ana")
    with pytest.raises(StoreError, match=message) as refused:
        store.merge_document(doc)
    assert f'items["{K}"]' in str(refused.value)
    assert not store.dirty and store.done_keys(CID) == frozenset()


def test_read_only_data_dir_gives_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot create the data directory"):
        Store.open(blocker / "data", "Ana")


def test_the_learner_state_needs_no_file() -> None:
    # The store's two jobs stay apart: its queries and setters work on a document in memory,
    # importing nothing that reads, locks or writes files (``Store`` adds those).
    code = (
        "import sys\n"
        "from coursemate.progress.state import LearnerState\n"
        "state = LearnerState('Ada')\n"
        "state.set_done('c', 'm1/r/a', True)\n"
        "assert state.done_keys('c') == {'m1/r/a'} and state.dirty\n"
        "disk = ('filelock', 'coursemate.progress.disk', 'coursemate.progress.atomic')\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(disk))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_a_store_linked_into_another_folder_is_written_through_the_link(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data", "Ana")
    store.set_done(CID, A, True)
    store.save()
    synced = tmp_path / "synced"
    synced.mkdir()
    target = synced / store.path.name
    store.path.rename(target)
    store.path.symlink_to(target)

    again = Store.open(tmp_path / "data", "Ana")
    again.set_done(CID, B, True)
    again.save()
    link = tmp_path / "data" / target.name
    assert link.is_symlink() and link.resolve() == target
    assert Store.open(tmp_path / "data", "Ana").done_keys(CID) == {A, B}
    assert '"done"' in target.read_text(encoding="utf-8") and B in target.read_text("utf-8")


def test_reading_a_small_file_sets_aside_its_size_not_the_limit(tmp_path: Path) -> None:
    """``read(limit)`` set aside the whole limit (64 MB for a store) before reading a file of
    a few kilobytes; the class view reads hundreds of stores. A file that grew between the
    size check and the read is still read up to the limit, and never past it."""
    import tracemalloc

    from coursemate.progress.atomic import read_regular

    small = tmp_path / "small.json"
    small.write_bytes(b"x" * 4000)
    tracemalloc.start()
    try:
        assert read_regular(small, 64 * 2**20) == b"x" * 4000
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()
    big = tmp_path / "big.json"
    big.write_bytes(b"y" * 5000)
    assert read_regular(big, 1000) == b"y" * 1000
    assert read_regular(big, 5000) == b"y" * 5000
