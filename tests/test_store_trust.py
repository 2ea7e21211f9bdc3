"""What the learner store trusts: keys, course ids, dates and stamps from files and imports,
backups that must never be lost, and same-moment conflicts between copies."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursemate.course.keys import (
    KeyAllocator,
    experiment_key,
    is_course_id,
    is_item_key,
    module_key,
    named_key,
    slug,
)
from coursemate.course.reader import load_course
from coursemate.progress import document as d
from coursemate.progress.store import SCHEMA_VERSION, Store, StoreError
from helpers import make_app, study

CID = "41711"
DONE, KEPT = "m1/r/what-is-a-product", "m2/r/how-great-leaders-inspire-action"
HOSTILE_KEYS = [
    "\x1b]0;pwned\x07",  # sets the terminal title
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: writes the clipboard
    "\x1b[2J",  # clears the screen
    "m1/r/two\nlines",
    "m1/r/" + "a" * 300,
    "m1/r/Capitals",
    "",
]


def saved_store(folder: Path, learner: str = "Ana") -> Store:
    store = Store.open(folder, learner)
    store.set_done(CID, DONE, True)
    store.set_note(CID, KEPT, "keep me")
    store.save()
    return store


def edit(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def items(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["courses"][CID]["items"]  # type: ignore[no-any-return]


# --- the key alphabet ----------------------------------------------------------------------


def test_every_key_the_reader_makes_for_the_corpus_passes(
    corpus_dir: Path, reference_path: Path
) -> None:
    folders = sorted(p for p in corpus_dir.iterdir() if p.is_dir())
    courses = [load_course(f) for f in folders] + [load_course(reference_path)]
    keys = [item.key for course in courses for item in course.items()]
    assert len(courses) == 32 and len(keys) > 500
    assert [k for k in keys if not is_item_key(k)] == []
    assert [c.identity for c in courses if not is_course_id(c.identity)] == []


@settings(max_examples=300, deadline=None)
@given(
    module_id=st.one_of(st.text(max_size=80), st.integers().map(str)),
    title=st.text(max_size=200),
    link=st.one_of(st.none(), st.text(max_size=80)),
    repeats=st.integers(min_value=1, max_value=12),
)
def test_every_key_shape_the_reader_can_make_passes(
    module_id: str, title: str, link: str | None, repeats: int
) -> None:
    alloc = KeyAllocator()
    module = [alloc(module_key(module_id, title)) for _ in range(repeats)][-1]
    assert is_item_key(module)
    for prefix in (f"{module}/r", "pre"):
        alloc = KeyAllocator()
        assert is_item_key([alloc(named_key(prefix, title, link)) for _ in range(repeats)][-1])
    alloc = KeyAllocator()
    experiment = [alloc(experiment_key(f"{module}/a", title)) for _ in range(repeats)][-1]
    assert is_item_key(experiment) and is_item_key(f"{module}/a")
    assert is_item_key(f"{module}/a/own/0123abcd")
    assert is_course_id(slug(title, 120) or "course")


@pytest.mark.parametrize("key", [*HOSTILE_KEYS, "m1/r/x/", "m1//r", "pre", "k", "m1/a/x/1"])
def test_keys_the_reader_never_makes_fail(key: str) -> None:
    assert not is_item_key(key)


@pytest.mark.parametrize("cid", ["\x1b[2J", "a\nb", " lead", "x" * 201, "", "tab\there"])
def test_course_ids_the_reader_never_makes_fail(cid: str) -> None:
    assert not is_course_id(cid)


# --- loading a store file with bad keys, dates and stamps ------------------------------------


def test_bad_keys_in_a_store_file_are_kept_hidden_and_reported_once(tmp_path: Path) -> None:
    path = saved_store(tmp_path).path

    def plant(doc: dict[str, Any]) -> None:
        for key in HOSTILE_KEYS:
            items(doc)[key] = {"done": {"at": "2025-01-01T00:00:00.000000Z", "value": True}}
        doc["courses"]["\x1b[2Jcourse"] = {"items": {DONE: items(doc)[DONE]}}
        items(doc)[DONE]["status_dates"] = {
            "\x1b]0;x\x07": {"at": "2025-01-01T00:00:00.000000Z", "value": "2025-01-01"}
        }

    edit(path, plant)
    store = Store.open(tmp_path, "Ana")
    assert store.done_keys(CID) == {DONE} and store.note(CID, KEPT) == "keep me"
    assert store.stored_keys(CID) == {DONE, KEPT}
    assert store.course_ids() == [CID]
    (message,) = store.messages
    assert "9 entries" in message and "hidden" in message
    assert "\x1b" not in message and "\\u001b" in message  # the path, escaped
    # The bad entries stay in the file, out of every view; the next open says nothing.
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert len(doc[d.HIDDEN]) == 9 and set(items(doc)) == {DONE, KEPT}
    assert [d.HIDDEN, "courses", CID, "items", HOSTILE_KEYS[0]] in [
        [d.HIDDEN, *json.loads(name)] for name in doc[d.HIDDEN]
    ]
    again = Store.open(tmp_path, "Ana")
    assert again.messages == [] and again.done_keys(CID) == {DONE}
    again.set_done(CID, KEPT, True)
    again.save()
    assert len(json.loads(path.read_text(encoding="utf-8"))[d.HIDDEN]) == 9


@pytest.mark.parametrize(
    "stamp",
    ["9999-12-31T23:59:59.999999Z", "9999-99-99T99:99:99.999999Z", "2025-02-31T10:00:00.000000Z"],
)
def test_impossible_and_future_stamps_load_and_the_item_can_change(
    tmp_path: Path, stamp: str
) -> None:
    path = saved_store(tmp_path).path

    def plant(doc: dict[str, Any]) -> None:
        items(doc)[DONE]["done"]["at"] = stamp
        doc["updated"] = stamp

    edit(path, plant)
    store = Store.open(tmp_path, "Ana")
    assert store.done_keys(CID) == {DONE}  # the value is kept
    assert "set to now" in store.messages[0] and "items.m1" not in store.messages[0]
    activity = store.last_activity()
    assert activity is not None and activity < datetime.now(UTC) + timedelta(minutes=1)
    store.set_done(CID, DONE, False)
    store.save()
    assert Store.open(tmp_path, "Ana").done_keys(CID) == frozenset()


def test_impossible_dates_in_a_store_file_are_set_aside_not_crashed_on(tmp_path: Path) -> None:
    store = saved_store(tmp_path)
    store.set_catchup_date(CID, date(2025, 2, 28))
    store.set_status(CID, "m1/a/x/0badf00d", "running")
    store.save()

    def plant(doc: dict[str, Any]) -> None:
        doc["courses"][CID]["catchup_date"]["value"] = "2025-02-31"
        items(doc)["m1/a/x/0badf00d"]["status_dates"]["running"]["value"] = "2025-13-01"

    edit(store.path, plant)
    again = Store.open(tmp_path, "Ana")
    assert again.catchup_date(CID) is None  # was a crash: date.fromisoformat("2025-02-31")
    state = again.experiment(CID, "m1/a/x/0badf00d")
    assert state is not None and state.status == "running" and "running" not in state.status_dates
    assert "2 entries" in again.messages[0]
    again.set_catchup_date(CID, date(2025, 3, 1))
    again.save()
    assert Store.open(tmp_path, "Ana").catchup_date(CID) == date(2025, 3, 1)
    hidden = json.loads(store.path.read_text(encoding="utf-8"))[d.HIDDEN]
    assert {h["value"] for h in hidden.values()} == {"2025-02-31", "2025-13-01"}


# --- imports -------------------------------------------------------------------------------


def exported(folder: Path) -> dict[str, Any]:
    return saved_store(folder, "Exporter").course_document(CID)


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_import_with_a_bad_key_merges_nothing(tmp_path: Path, key: str) -> None:
    data = exported(tmp_path / "a")
    items(data)[key] = {"done": {"at": "2025-01-01T00:00:00.000000Z", "value": True}}
    store = saved_store(tmp_path / "b")
    with pytest.raises(StoreError) as caught:
        store.merge_document(data)
    message = str(caught.value)
    assert message.startswith(f'courses["{CID}"].items[') and "not an item key" in message
    assert "\x1b" not in message and "\n" not in message and len(message) < 200
    assert not store.dirty and store.note(CID, KEPT) == "keep me"


@pytest.mark.parametrize(
    ("plant", "path", "words"),
    [
        (
            lambda doc: doc["courses"].update({"\x1b[2J": {}}),
            'courses["\\u001b[2J"]',
            "not a course id",
        ),
        (
            lambda doc: doc["courses"][CID].update(
                {"catchup_date": {"at": "2025-01-01T00:00:00.000000Z", "value": "2025-02-31"}}
            ),
            f'courses["{CID}"].catchup_date.value',
            "not a real date",
        ),
        (
            lambda doc: items(doc)[DONE]["done"].update({"at": "9999-99-99T99:99:99.999999Z"}),
            f'courses["{CID}"].items["{DONE}"].done.at',
            "not a real time",
        ),
        (
            lambda doc: items(doc)[DONE]["done"].update({"at": "9999-12-31T23:59:59.999999Z"}),
            f'courses["{CID}"].items["{DONE}"].done.at',
            "in the future",
        ),
        (
            lambda doc: items(doc)[DONE].update(
                {
                    "own": {
                        "at": "2025-01-01T00:00:00.000000Z",
                        "value": {"assignment": "\x1b", "text": "x"},
                    }
                }
            ),
            f'courses["{CID}"].items["{DONE}"].own.value',
            "not an assignment key",
        ),
        (
            lambda doc: items(doc)[DONE].update(
                {
                    "reflection": {
                        "\x1b]0;x\x07": {"at": "2025-01-01T00:00:00.000000Z", "value": "x"}
                    }
                }
            ),
            f'courses["{CID}"].items["{DONE}"].reflection["\\u001b]0;x\\u0007"]',
            "expected one of did",
        ),
        (
            lambda doc: doc["courses"][CID].update(
                {"last_position": {"at": "2025-01-01T00:00:00.000000Z", "value": "\x1b[2J"}}
            ),
            f'courses["{CID}"].last_position.value',
            "not an item key",
        ),
    ],
)
def test_import_refuses_bad_values_with_their_json_path(
    tmp_path: Path, plant: Any, path: str, words: str
) -> None:
    data = exported(tmp_path / "a")
    plant(data)
    store = saved_store(tmp_path / "b")
    with pytest.raises(StoreError) as caught:
        store.merge_document(data)
    assert str(caught.value).startswith(f"{path}: ") and words in str(caught.value)
    assert "\x1b" not in str(caught.value)
    assert not store.dirty


def test_import_accepts_a_stamp_a_little_ahead_but_not_a_day_ahead(tmp_path: Path) -> None:
    store = saved_store(tmp_path / "b")
    for ahead, accepted in ((timedelta(hours=3), True), (timedelta(days=1, hours=1), False)):
        data = exported(tmp_path / f"a{accepted}")
        items(data)[DONE]["done"]["at"] = d.stamp_text(datetime.now(UTC) + ahead)
        if accepted:
            assert store.merge_document(data)
        else:
            with pytest.raises(StoreError, match="in the future"):
                store.merge_document(data)


# --- same-moment conflicts -----------------------------------------------------------------


def test_an_edited_value_with_its_stamp_left_is_a_reported_conflict(tmp_path: Path) -> None:
    original = exported(tmp_path / "a")
    edited = copy.deepcopy(original)
    items(edited)[DONE]["done"]["value"] = False
    items(edited)[KEPT]["note"]["value"] = "keep me, edited"

    one, two = Store.open(tmp_path / "one", "Ana"), Store.open(tmp_path / "two", "Ana")
    conflicts: list[d.Conflict] = []
    assert one.merge_document(copy.deepcopy(original))
    assert one.merge_document(copy.deepcopy(edited), conflicts)
    assert two.merge_document(copy.deepcopy(edited))
    assert two.merge_document(copy.deepcopy(original), [])
    # The larger value by canonical JSON wins, whichever arrived first: both converge.
    for store in (one, two):
        assert store.done_keys(CID) == {DONE} and store.note(CID, KEPT) == "keep me, edited"
    assert sorted((c.path[-1], c.kept, c.dropped) for c in conflicts) == [
        ("done", True, False),
        ("note", "keep me, edited", "keep me"),
    ]
    assert conflicts[0].path[:4] == ("courses", CID, "items", DONE)


registers = st.fixed_dictionaries(
    {
        "at": st.sampled_from(["2025-01-01T00:00:00.000000Z", "2025-01-02T00:00:00.000000Z"]),
        "value": st.one_of(st.booleans(), st.sampled_from(["a", "b", ""]), st.none()),
    }
)
documents = st.fixed_dictionaries(
    {
        "courses": st.dictionaries(
            st.sampled_from(["c1", "c2"]),
            st.fixed_dictionaries(
                {
                    "items": st.dictionaries(
                        st.sampled_from(["m1/r/a", "m1/r/b"]),
                        st.dictionaries(st.sampled_from(["done", "note"]), registers, max_size=2),
                        max_size=2,
                    )
                },
                optional={"last_position": registers},
            ),
            max_size=2,
        )
    }
)


@settings(max_examples=300, deadline=None)
@given(a=documents, b=documents)
def test_merge_with_conflicts_is_commutative_and_idempotent(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    ab, ba = copy.deepcopy(a), copy.deepcopy(b)
    ab_conflicts: list[d.Conflict] = []
    ba_conflicts: list[d.Conflict] = []
    d.merge_documents(ab, copy.deepcopy(b), conflicts=ab_conflicts)
    d.merge_documents(ba, copy.deepcopy(a), conflicts=ba_conflicts)
    assert ab == ba
    assert {(c.path, json.dumps(c.kept)) for c in ab_conflicts} == {
        (c.path, json.dumps(c.kept)) for c in ba_conflicts
    }
    merged = copy.deepcopy(ab)
    assert not d.merge_documents(ab, copy.deepcopy(b)) and ab == merged
    assert not d.merge_documents(ab, copy.deepcopy(a)) and ab == merged


# --- backups that must not be lost ---------------------------------------------------------


def two_saves(folder: Path) -> Store:
    store = Store.open(folder, "Ana")
    store.set_done(CID, DONE, True)
    store.save()
    store.set_done(CID, KEPT, True)
    store.save()  # the backup now holds DONE only
    return store


def test_a_missing_store_with_a_good_backup_is_restored_to_disk(tmp_path: Path) -> None:
    store = two_saves(tmp_path)
    store.path.unlink()
    again = Store.open(tmp_path, "Ana")
    assert again.done_keys(CID) == {DONE} and "was missing" in again.messages[0]
    assert not again.dirty and store.path.is_file()
    assert Store.open(tmp_path, "Ana").messages == []


def test_damaged_store_and_damaged_backup_are_both_moved_aside(tmp_path: Path) -> None:
    store = two_saves(tmp_path)
    store.path.write_text("{", encoding="utf-8")
    store.backup_path.write_text("[", encoding="utf-8")
    again = Store.open(tmp_path, "Ana")
    assert "damaged too" in again.messages[0] and again.done_keys(CID) == frozenset()
    moved = sorted(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.corrupt-*.json"))
    assert moved == ["[", "{"]


def test_damaged_store_with_a_newer_backup_opens_the_backup_read_only(tmp_path: Path) -> None:
    store = two_saves(tmp_path)
    edit(store.backup_path, lambda doc: doc.update(schema_version=SCHEMA_VERSION + 1))
    before = store.backup_path.read_bytes()
    store.path.write_text("{", encoding="utf-8")
    again = Store.open(tmp_path, "Ana")
    assert again.read_only and again.done_keys(CID) == {DONE}
    assert "newer coursemate" in " ".join(again.messages)
    assert store.backup_path.read_bytes() == before


def test_a_backup_is_not_replaced_by_a_file_holding_less(tmp_path: Path) -> None:
    store = two_saves(tmp_path)
    store.set_note(CID, DONE, "more")
    store.save()  # backup: DONE and KEPT
    rich = store.backup_path.read_bytes()
    # Something (an older coursemate, a hand edit) leaves a store holding less than its backup.
    store.path.write_text(
        json.dumps({"schema_version": 1, "learner": "Ana", "courses": {}}), encoding="utf-8"
    )
    poor = Store.open(tmp_path, "Ana")
    poor.set_done(CID, "m3/r/the-elements-of-value", True)
    poor.save()
    poor.set_done(CID, DONE, False)
    poor.save()
    assert store.backup_path.read_bytes() == rich
    assert any("was kept" in m for m in poor.messages)


@pytest.mark.parametrize("damage", ["garbage", "delete"])
def test_store_damaged_during_a_session_keeps_other_processes_saves(
    tmp_path: Path, damage: str
) -> None:
    mine = Store.open(tmp_path, "Ana")
    other = Store.open(tmp_path, "Ana")
    other.set_done(CID, DONE, True)
    other.save()
    other.set_note(CID, DONE, "from the other process")
    other.save()  # the backup holds DONE; the file DONE and the note
    mine.set_done(CID, KEPT, True)  # mine never read either
    if damage == "delete":
        mine.path.unlink()
    else:
        mine.path.write_text(damage, encoding="utf-8")
    mine.save()
    assert Store.open(tmp_path, "Ana").done_keys(CID) == {DONE, KEPT}


def test_unsaved_changes_survive_a_newer_coursemate_taking_the_file(tmp_path: Path) -> None:
    mine = saved_store(tmp_path)
    mine.set_done(CID, KEPT, True)
    edit(mine.path, lambda doc: doc.update(schema_version=SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match="unsaved") as caught:
        mine.save()
    (rescued,) = tmp_path.glob("*.unsaved-*.json")
    assert str(rescued) in str(caught.value)
    importer = Store.open(tmp_path / "later", "Ana")
    importer.merge_document(json.loads(rescued.read_text(encoding="utf-8")))
    assert importer.done_keys(CID) == {DONE, KEPT}


# --- the app on such a store ---------------------------------------------------------------


async def test_the_app_opens_and_changes_a_store_with_odd_dates_and_keys(tmp_path: Path) -> None:
    from coursemate.ui.screens.catchup import CatchupScreen
    from coursemate.ui.widgets.syllabus_tree import SyllabusTree

    store = saved_store(tmp_path / "data", "alice")
    store.set_catchup_date(CID, date(2025, 2, 28))
    store.save()

    def plant(doc: dict[str, Any]) -> None:
        items(doc)[DONE]["done"]["at"] = "9999-12-31T23:59:59.999999Z"
        doc["courses"][CID]["catchup_date"]["value"] = "2025-02-31"
        items(doc)["\x1b]0;pwned\x07"] = {
            "note": {"at": "2025-01-01T00:00:00.000000Z", "value": "x"}
        }

    edit(store.path, plant)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        told = [str(n.message) for n in app._notifications if n.title == "Learner store"]
        assert len(told) == 1 and "set to now" in told[0] and "\x1b" not in told[0]
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CatchupScreen)  # reads the catch-up date
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(SyllabusTree).reveal(DONE)
        await pilot.pause()
        await pilot.press("space")  # the item stamped 9999-12-31 changes
        assert app.store is not None and not app.store.is_done(CID, DONE)
    assert Store.open(tmp_path / "data", "alice").done_keys(CID) == frozenset()
