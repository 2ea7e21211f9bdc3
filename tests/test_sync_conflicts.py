"""A learner store in a folder a sync engine shares between machines (issue #17, part 1).

Two data folders play two machines. Each marks, notes and reflects offline; then the files are
copied across as each engine does it: one version keeps the store's name, the other arrives
under the engine's conflict-copy name (Syncthing, Dropbox, Nextcloud, ownCloud, OneDrive). In
every order, nothing either machine did is lost and no register goes back to an older value.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coursemate.cli import main
from coursemate.progress import atomic, disk
from coursemate.progress.conflicts import MERGED_FOLDER, engine_of, find_conflict_copies
from coursemate.progress.learners import list_learners
from coursemate.progress.store import Store
from helpers import COURSE_ID, FIRST, SECOND, go, make_app, study, tree_of

M3 = [
    "m3/r/the-elements-of-value",
    "m3/r/empathy-driven-development-rescuing-value-from-t",
    "m3/r/4-steps-to-optimize-product-value",
    "m3/r/outcome-mapping-scrum-the-story-of-amazing-decis",
]
EXP_A = "m3/a/x/1448b507"
EXP_B = "m2/a/x/deadbeef"  # an experiment the course does not have: kept all the same
WAIT = 20.0  # seconds before giving up (a timeout, not a timing assertion)

# How each engine names the copy of STEM.json it could not put in place.
ENGINES: dict[str, Callable[[str], str]] = {
    "syncthing": lambda stem: f"{stem}.sync-conflict-20261201-101530-ABCDEF7.json",
    "dropbox": lambda stem: f"{stem} (Work Laptop's conflicted copy 2026-12-01).json",
    "nextcloud": lambda stem: f"{stem} (conflicted copy 2026-12-01 101530).json",
    "owncloud": lambda stem: f"{stem}_conflict-20261201-101530.json",
    "onedrive": lambda stem: f"{stem}-WORKLAPTOP.json",
}


# Which version keeps the store's name on the machine that sees the conflict, for each engine.
EVERY_ORDER = [(engine, kept) for engine in sorted(ENGINES) for kept in ("ours", "theirs")]


def first_done(folder: Path, learner: str = "alice") -> Store:
    """A store with FIRST done, saved in ``folder``."""
    store = Store.open(folder, learner)
    store.set_done(COURSE_ID, FIRST, True)
    store.save()
    return store


@pytest.fixture(autouse=True)
def _machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process is machine "laptop-a" unless a test says otherwise."""
    monkeypatch.setattr(atomic, "_machine", "laptop-a", raising=False)
    yield


def work_offline(a: Path, b: Path) -> None:
    """Both machines start from the same synced store, then work offline: A, then B, then A
    again, so each side holds some registers newer than the other's."""
    base = Store.open(a, "alice")
    base.set_done(COURSE_ID, FIRST, True)
    base.set_note(COURSE_ID, M3[3], "the synced note")
    base.save()
    b.mkdir()
    shutil.copy(base.path, b / base.path.name)

    on_a = Store.open(a, "alice")
    on_a.set_done(COURSE_ID, FIRST, False)  # an undo is a register too: it must not come back
    on_a.set_done(COURSE_ID, M3[0], True)
    on_a.set_note(COURSE_ID, SECOND, "A's note, older")
    on_a.set_chosen(COURSE_ID, EXP_A, True)
    on_a.set_reflection(COURSE_ID, EXP_A, "did", "A tried it")
    on_a.save()

    on_b = Store.open(b, "alice")
    on_b.set_done(COURSE_ID, M3[1], True)
    on_b.set_note(COURSE_ID, SECOND, "B's note, newer")
    on_b.set_note(COURSE_ID, M3[2], "only on B")
    on_b.set_note(COURSE_ID, M3[3], "B's edit, older")
    on_b.set_chosen(COURSE_ID, EXP_B, True)
    on_b.set_status(COURSE_ID, EXP_B, "running")
    on_b.set_reflection(COURSE_ID, EXP_B, "learned", "B learned this")
    on_b.save()

    on_a.set_note(COURSE_ID, M3[3], "A's edit, newest")
    on_a.save()


@pytest.fixture
def apart(tmp_path: Path) -> tuple[Path, Path]:
    """Machine A's and machine B's data folders, once both worked offline (``work_offline``)."""
    a, b = tmp_path / "a", tmp_path / "b"
    work_offline(a, b)
    return a, b


def union_of_both(store: Store) -> None:
    """``store`` holds everything both machines did, each register at its newest value."""
    assert store.done_keys(COURSE_ID) == {M3[0], M3[1]}  # FIRST stays undone
    assert store.note(COURSE_ID, SECOND) == "B's note, newer"
    assert store.note(COURSE_ID, M3[2]) == "only on B"
    assert store.note(COURSE_ID, M3[3]) == "A's edit, newest"
    exp_a, exp_b = store.experiment(COURSE_ID, EXP_A), store.experiment(COURSE_ID, EXP_B)
    assert exp_a is not None and exp_a.reflection.get("did") == "A tried it"
    assert exp_b is not None and exp_b.status == "running"
    assert exp_b.reflection.get("learned") == "B learned this"


def sync_with_conflict(a: Path, b: Path, engine: str, kept: str) -> Path:
    """The engine brings B's version to A's folder while A's changed too: ``kept`` ("ours" or
    "theirs") keeps the store's name, the other becomes the conflict copy. The copy's path."""
    name = Store.open(b, "alice").path.name
    copy = a / ENGINES[engine](name.removesuffix(".json"))
    if kept == "ours":
        shutil.copy(b / name, copy)
    else:
        (a / name).rename(copy)  # the engine renames the local version away...
        shutil.copy(b / name, a / name)  # ...and puts the other machine's in place
    return copy


def in_merged_folder(copy: Path, before: bytes) -> None:
    """The copy was moved, never deleted: into merged-conflicts/, unchanged."""
    assert not copy.exists()
    kept = copy.parent / MERGED_FOLDER / copy.name
    assert kept.read_bytes() == before


# --- merging: every engine, every order --------------------------------------------------------


@pytest.mark.parametrize(("engine", "kept"), EVERY_ORDER)
def test_a_conflict_copy_is_merged_when_the_store_opens(
    apart: tuple[Path, Path], engine: str, kept: str
) -> None:
    a, b = apart
    copy = sync_with_conflict(a, b, engine, kept)
    before = copy.read_bytes()

    store = Store.open(a, "alice")

    union_of_both(store)
    in_merged_folder(copy, before)
    assert any(f"conflict copy of {store.path}" in m for m in store.messages), store.messages
    union_of_both(Store.open(a, "alice"))  # it is on disk, and nothing is merged twice
    # The merged file syncs back to B, which ends with the same union.
    shutil.copy(store.path, b / store.path.name)
    union_of_both(Store.open(b, "alice"))
    assert [s.name for s in list_learners(a)] == ["alice"]


@pytest.mark.parametrize(("engine", "kept"), EVERY_ORDER)
def test_a_conflict_copy_arriving_while_the_store_is_open_is_merged_by_its_watch(
    apart: tuple[Path, Path], engine: str, kept: str
) -> None:
    a, b = apart
    open_on_a = Store.open(a, "alice")  # the app on A, open through the sync
    assert not open_on_a.changed_on_disk()
    copy = sync_with_conflict(a, b, engine, kept)
    before = copy.read_bytes()

    assert open_on_a.changed_on_disk()  # the watch's look: the file or its folder changed
    assert open_on_a.reload_changes()
    union_of_both(open_on_a)
    assert open_on_a.dirty  # the file lacks what came from the copy (or from A)
    assert copy.exists()  # kept until the file holds it
    open_on_a.save()
    in_merged_folder(copy, before)
    assert not open_on_a.changed_on_disk()  # its own save and move are no news
    union_of_both(Store.open(a, "alice"))


def test_copies_from_two_other_machines_and_both_orders_of_syncing_back(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    work_offline(a, b)
    c = tmp_path / "c"
    shutil.copytree(b, c)
    on_c = Store.open(c, "alice")
    on_c.set_done(COURSE_ID, M3[3], True)
    on_c.save()
    name = on_c.path.name
    stem = name.removesuffix(".json")
    # B's and C's versions both reach A; B's also reaches C as a copy, A's reaches B as one.
    shutil.copy(b / name, a / f"{stem}.sync-conflict-20261201-101530-BBBBBBB.json")
    shutil.copy(c / name, a / f"{stem}.sync-conflict-20261201-101531-CCCCCCC.json")
    shutil.copy(a / name, b / f"{stem}.sync-conflict-20261201-101532-AAAAAAA.json")

    on_a, on_b = Store.open(a, "alice"), Store.open(b, "alice")
    union_of_both(on_b)  # B has A's and its own, not C's yet
    assert on_a.done_keys(COURSE_ID) == {M3[0], M3[1], M3[3]}
    assert len(list((a / MERGED_FOLDER).iterdir())) == 2
    # Whichever merged file the engine syncs last, both end the same.
    shutil.copy(on_b.path, a / f"{stem}.sync-conflict-20261201-101600-BBBBBBB.json")
    assert Store.open(a, "alice").done_keys(COURSE_ID) == {M3[0], M3[1], M3[3]}
    shutil.copy(on_a.path, b / name)
    assert Store.open(b, "alice").done_keys(COURSE_ID) == {M3[0], M3[1], M3[3]}
    assert len(list((a / MERGED_FOLDER).iterdir())) == 3  # unique names: none overwritten


def test_the_cli_merges_a_conflict_copy_and_lists_one_learner(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["mark", "--learner", "alice", "--data-dir", str(a), M3[0]]) == 0
    assert main(["mark", "--learner", "alice", "--data-dir", str(b), M3[1]]) == 0
    name = Store.open(b, "alice").path.name
    shutil.copy(b / name, a / ENGINES["dropbox"](name.removesuffix(".json")))
    assert main(["mark", "--learner", "alice", "--data-dir", str(a), M3[2]]) == 0
    assert Store.open(a, "alice").done_keys(COURSE_ID) == {M3[0], M3[1], M3[2]}
    assert [p.name for p in a.iterdir() if p.suffix == ".json" and "(" in p.name] == []


# --- what is not merged -----------------------------------------------------------------------


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_half_written_conflict_copy_is_set_aside_and_the_store_stays_intact(
    apart: tuple[Path, Path], engine: str
) -> None:
    a, b = apart
    store_path = Store.open(a, "alice").path
    intact = store_path.read_bytes()
    theirs = (b / store_path.name).read_bytes()
    copy = a / ENGINES[engine](store_path.stem)
    copy.write_bytes(theirs[: len(theirs) // 2])

    store = Store.open(a, "alice")

    assert store.done_keys(COURSE_ID) == {M3[0]}  # A's own, and nothing of B's half
    assert store_path.read_bytes() == intact
    assert not copy.exists()
    set_aside = [p for p in a.iterdir() if ".corrupt-" in p.name]
    assert len(set_aside) == 1 and set_aside[0].read_bytes() == theirs[: len(theirs) // 2]
    told = [m for m in store.messages if str(copy) in m]
    assert len(told) == 1 and "not a learner store (not valid JSON" in told[0]
    assert str(set_aside[0]) in told[0]
    assert [s.name for s in list_learners(a)] == ["alice"]


def test_a_newer_coursemates_conflict_copy_is_left_alone_and_told_once(tmp_path: Path) -> None:
    store = first_done(tmp_path)
    copy = tmp_path / ENGINES["syncthing"](store.path.stem)
    copy.write_text(json.dumps({"schema_version": 99, "learner": "alice"}), encoding="utf-8")

    again = Store.open(tmp_path, "alice")
    assert copy.exists() and not (tmp_path / MERGED_FOLDER).exists()
    assert [m for m in again.messages if "newer coursemate" in m and str(copy) in m]
    assert not again.changed_on_disk()  # left alone: not looked at every second
    again.set_done(COURSE_ID, SECOND, True)
    again.save()
    assert not again.changed_on_disk() and copy.exists()


def test_onedrive_names_never_swallow_another_learner(tmp_path: Path) -> None:
    alice = first_done(tmp_path)
    stem = alice.path.stem
    # A learner whose file name starts with alice's and a dash ("alice-<hash>-<hash>.json").
    lookalike = Store.open(tmp_path, stem.replace("-", " "))
    assert lookalike.path.name.startswith(f"{stem}-")
    lookalike.set_done(COURSE_ID, SECOND, True)
    lookalike.save()
    # A OneDrive-shaped name that holds bob's store: not alice's conflict copy either.
    bob = Store.open(tmp_path / "elsewhere", "bob")
    bob.set_done(COURSE_ID, M3[0], True)
    bob.save()
    bobs = tmp_path / f"{stem}-WORKLAPTOP.json"
    shutil.copy(bob.path, bobs)

    again = Store.open(tmp_path, "alice")

    assert again.done_keys(COURSE_ID) == {FIRST}
    assert lookalike.path.exists() and bobs.exists()
    assert not (tmp_path / MERGED_FOLDER).exists()
    assert not again.changed_on_disk()
    assert {s.name for s in list_learners(tmp_path)} == {"alice", lookalike.learner}


def test_onedrive_needs_the_store_itself_beside_the_copy() -> None:
    stem = "alice-0123456789"
    assert engine_of(f"{stem}-WORKLAPTOP.json", stem, store_present=True) == "OneDrive"
    assert engine_of(f"{stem}-WORKLAPTOP.json", stem, store_present=False) is None
    # The tail every store name ends in is no host name.
    assert engine_of(f"{stem}-bob-abcdef0123.json", stem, store_present=True) is None
    assert engine_of(f"{stem}-abcdef0123.json", stem, store_present=True) is None
    assert engine_of(
        f"{stem}.sync-conflict-20261201-101530-ABCDEF7.json", stem, store_present=False
    )
    # The store's own files are not conflict copies.
    for own in (f"{stem}.json", f"{stem}.bak.json", f"{stem}.corrupt-20261201T101530Z.json"):
        assert engine_of(own, stem, store_present=True) is None


# --- per machine: locks and temp files --------------------------------------------------------


def test_another_machines_lock_is_never_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disk, "LOCK_TIMEOUT", 0.5)
    monkeypatch.setattr(atomic, "_machine", "laptop-b", raising=False)
    on_b = Store.open(tmp_path, "alice")
    monkeypatch.setattr(atomic, "_machine", "laptop-a", raising=False)
    with on_b._file.locked():  # laptop-b holds its lock (a network share, or a hung save)
        on_a = Store.open(tmp_path, "alice")
        on_a.set_done(COURSE_ID, FIRST, True)
        on_a.save()
    assert Store.open(tmp_path, "alice").done_keys(COURSE_ID) == {FIRST}
    locks = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".lock"))
    stem = on_a.path.stem
    assert locks == [f".{stem}.laptop-a.lock", f".{stem}.laptop-b.lock"]


def test_another_machines_half_written_temp_file_is_never_read_nor_removed(
    tmp_path: Path,
) -> None:
    store = first_done(tmp_path)
    name = store.path.name
    half = store.path.read_bytes()[:40]
    theirs = tmp_path / f".{name}.laptop-b.4242.k3j2h1g0.tmp"  # laptop-b's, mid-write
    syncthings = tmp_path / f".syncthing.{name}.tmp"  # the engine's own, mid-transfer
    ours = tmp_path / f".{name}.laptop-a.4242.abcdefgh.tmp"  # a killed writer's, here
    for temp in (theirs, syncthings, ours):
        temp.write_bytes(half)

    again = Store.open(tmp_path, "alice")

    assert again.done_keys(COURSE_ID) == {FIRST} and again.messages == []
    assert theirs.exists() and syncthings.exists()
    assert not ours.exists()
    assert [s.name for s in list_learners(tmp_path)] == ["alice"]


def test_learners_lists_no_conflict_copy_temp_file_or_merged_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = first_done(tmp_path)
    data = store.path.read_bytes()
    for name in ENGINES.values():
        (tmp_path / name(store.path.stem)).write_bytes(data)
        # last-learner.json is synced too, and gets conflict copies of its own.
        (tmp_path / name("last-learner")).write_text('{"learner": "mallory"}', encoding="utf-8")
    (tmp_path / f".syncthing.{store.path.name}.tmp").write_bytes(data)
    (tmp_path / MERGED_FOLDER).mkdir()
    (tmp_path / MERGED_FOLDER / store.path.name).write_bytes(data)

    assert [s.name for s in list_learners(tmp_path)] == ["alice"]
    assert main(["learners", "--data-dir", str(tmp_path), "--json"]) == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)] == ["alice"]
    copies, _ = find_conflict_copies(store.path)
    assert sorted(c.engine for c in copies) == sorted(
        ["Syncthing", "Dropbox", "Nextcloud", "ownCloud", "OneDrive"]
    )


# --- the open app -----------------------------------------------------------------------------


async def test_the_open_app_merges_a_conflict_copy_dropped_in_its_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, M3[0])
        store = app.store
        assert store is not None
        other = Store.open(tmp_path / "other-machine", "alice")
        other.set_done(COURSE_ID, M3[0], True)
        other.save()
        copy = data / ENGINES["syncthing"](store.path.stem)
        shutil.copy(other.path, copy)

        def ticked() -> bool:
            node = tree_of(screen).node_for(M3[0])
            return node is not None and "✓" in str(node.label)

        def told() -> bool:
            return any("conflict copy" in str(n.message) for n in app._notifications)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not (ticked() and (data / MERGED_FOLDER / copy.name).exists() and told()):
            assert loop.time() < deadline, "the app never merged the conflict copy, or told"
            await pilot.pause(0.1)
        assert not copy.exists()
        assert M3[0] in Store.open(data, "alice").done_keys(COURSE_ID)


# --- pointing coursemate at the synced folder ---------------------------------------------------


def test_the_data_dir_setting_places_the_store_unless_flag_or_environment_say_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, synced = tmp_path / "config", tmp_path / "Sync" / "coursemate"
    config.mkdir()
    (config / "settings.json").write_text(
        json.dumps({"data_dir": str(synced), "theme": "nord"}), encoding="utf-8"
    )
    monkeypatch.setenv("COURSEMATE_CONFIG_DIR", str(config))
    monkeypatch.delenv("COURSEMATE_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the default, were it used

    assert main(["mark", "--learner", "alice", FIRST]) == 0
    assert Store.open(synced, "alice").done_keys(COURSE_ID) == {FIRST}
    app = make_app(tmp_path, data_dir=None, config_dir=config)
    assert app.data_dir == synced
    # The flag, then the environment variable, come first.
    assert main(["mark", "--learner", "alice", "--data-dir", str(tmp_path / "flag"), SECOND]) == 0
    monkeypatch.setenv("COURSEMATE_DATA_DIR", str(tmp_path / "env"))
    assert main(["mark", "--learner", "alice", M3[0]]) == 0
    assert Store.open(tmp_path / "flag", "alice").done_keys(COURSE_ID) == {SECOND}
    assert Store.open(tmp_path / "env", "alice").done_keys(COURSE_ID) == {M3[0]}
    assert Store.open(synced, "alice").done_keys(COURSE_ID) == {FIRST}


def test_the_backups_conflict_copies_are_merged_and_filed_away_too(
    apart: tuple[Path, Path],
) -> None:
    a, b = apart
    store_path = Store.open(a, "alice").path
    backup = f"{store_path.stem}.bak"
    # Both machines saved more than once apart: their backups differ, and conflict too. B's
    # backup (B's first save, M3[1] among it) comes back as a copy; B's store never does.
    again_on_b = Store.open(b, "alice")
    again_on_b.set_note(COURSE_ID, M3[0], "B's second save")
    again_on_b.save()
    copy = a / ENGINES["syncthing"](backup)
    shutil.copy(b / f"{backup}.json", copy)
    before = copy.read_bytes()

    store = Store.open(a, "alice")

    assert M3[1] in store.done_keys(COURSE_ID)
    assert store.note(COURSE_ID, M3[0]) == ""  # B's second save is not in its backup
    assert store.note(COURSE_ID, M3[3]) == "A's edit, newest"  # nothing went back
    in_merged_folder(copy, before)
