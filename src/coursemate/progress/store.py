"""The learner store: one learner's progress in memory, kept in step with its JSON file.

``Store`` is a ``LearnerState`` (``coursemate.progress.state``: the questions and changes the
app and commands make) that opens, saves and reloads a ``StoreFile``
(``coursemate.progress.disk``: the file, its lock and backup). This module owns what happens
between the two: which copy to start from when the file is damaged, missing or from a newer
coursemate, merging what other processes wrote, and keeping changes the file cannot take.

Durability: saves lock the file (``filelock``), re-read it, merge register by register with
what other processes wrote, and replace it atomically (temp file, fsync, ``os.replace``, fsync
the folder), keeping the version replaced as ``<name>.bak.json``. A file that is not a store is
moved aside to ``<name>.corrupt-<timestamp>.json``, never overwritten; a file from a newer
coursemate opens read-only. See ``coursemate.progress.document`` for the format.

In a synced folder: the conflict copies sync engines make of the file (``coursemate.progress.
conflicts``) are merged in the same way when the store opens or reloads (the app's watch), and
moved into ``merged-conflicts/`` once the file holds them (at once, or after the next save); one
that is not a store is moved aside as a damaged file is. Locks and temp files carry the
machine's name, so no machine waits on another.

Thread safety: every method may be called from any thread. The UI calls setters on its thread
and ``save()`` from a worker; setters only wait for the in-memory render, never for the disk.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from coursemate.progress.conflicts import (
    ConflictCopy,
    FolderSignature,
    file_away,
    find_conflict_copies,
    folder_signature,
)
from coursemate.progress.disk import DiskRead, Signature, StoreFile, file_signature, read_store_file
from coursemate.progress.document import (
    HIDDEN,
    PROMPTS,
    REFLECTION_FIELDS,
    SCHEMA_VERSION,
    STATUSES,
    Conflict,
    ShapeError,
    check_document,
    import_problem,
    repair,
    schema_version_of,
    utcnow,
)
from coursemate.progress.errors import StoreError
from coursemate.progress.names import LearnerNameError, learner_stem, normalise_learner
from coursemate.progress.state import ExperimentState, LearnerState, OwnExperiment

__all__ = [
    "PROMPTS",
    "REFLECTION_FIELDS",
    "SCHEMA_VERSION",
    "STATUSES",
    "ExperimentState",
    "OwnExperiment",
    "Store",
    "StoreError",
]


class Store(LearnerState):
    """One learner's progress, saved to and merged with its file. Create with ``Store.open``."""

    def __init__(self, data_dir: Path, learner: str, path: Path) -> None:
        super().__init__(learner)
        self.data_dir = data_dir
        self._file = StoreFile(path, owner=learner)
        self.path = path
        self.backup_path = self._file.backup_path
        self.messages: list[str] = []
        self._save_lock = threading.Lock()  # one save at a time within this process
        # How often merging the file changed this store: the open app repaints when it moves.
        self.disk_merges = 0
        # Read-only because a newer coursemate's file is there (not for good: the watch keeps
        # looking, and a file this version can read again makes the store writable again).
        self._newer_file = False
        # Sync engines' conflict copies merged in, filed away once the file holds them; those
        # left where they are (and their version, so they are not read again unchanged); the
        # folder's version when it was last scanned for them.
        self._copies_merged: list[tuple[ConflictCopy, Signature | None]] = []
        self._copies_left: dict[Path, Signature | None] = {}
        self._folder_seen: FolderSignature | None = None

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, learner: str) -> Store:
        """Open a learner's store; whatever it had to restore or repair is on disk on return.

        (A command that only reads must not leave the one good copy in memory: the next open
        would start without it and the next save would overwrite the backup holding it.)
        """
        try:
            name = normalise_learner(learner)
        except LearnerNameError as exc:
            raise StoreError(f"{exc}: {learner!r:.80}") from exc
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the data directory {data_dir}: {exc.strerror or exc}"
            ) from exc
        path = data_dir / f"{learner_stem(name)}.json"
        if path.is_symlink():
            # A store linked into another folder (a synced one): saves replace the file the
            # link points at, never the link (which would quietly stop the syncing).
            path = path.resolve()
        store = cls(data_dir, name, path)
        with store._file.locked():
            store._file.remove_stale_temps()
            store._start()
            if not store.read_only:
                store._merge_conflict_copies()  # the one os.scandir an open costs
            if store.dirty and not store.read_only:
                store._write_back()  # files the merged copies away when it succeeds
            else:
                store._file_away_copies()
        return store

    def _start(self) -> None:
        """Start from the file, else from what can be saved of it (file lock held)."""
        disk = self._file.read()
        if disk.state == "corrupt":
            moved_to = self._move_aside(self.path, disk.reason)
            self.messages.append(
                f"The learner store {self.path} was damaged ({disk.reason}). It was moved "
                f"to {moved_to}; " + self._restore_backup()
            )
        elif disk.state == "missing" and self.backup_path.exists():
            self.messages.append(
                f"The learner store {self.path} was missing; " + self._restore_backup()
            )
        elif disk.state == "newer":
            self._open_newer(disk)
            self._newer_file = True
            self._file.seen(disk)
        elif disk.state == "ok" and disk.doc is not None:
            self._take(disk.doc)
            self._file.seen(disk)
            if disk.repaired:
                self.messages.append(disk.repair_message(self.path))
                self._mark_dirty()

    def _write_back(self) -> None:
        """Save what ``open`` restored or repaired (file lock held); a failure is reported and
        leaves the files as they were, so the next open restores or repairs again."""
        try:
            self._write()
        except StoreError as exc:
            self.messages.append(f"{exc}; it stays as it was on disk and is fixed next time")

    def _open_newer(self, disk: DiskRead, *, tell: bool = True) -> None:
        assert disk.doc is not None
        self.read_only = True
        if tell:
            self.messages.append(
                f"{self.path} was written by a newer coursemate (store schema version "
                f"{disk.reason}; this one knows {SCHEMA_VERSION}). It is open read-only: "
                "update coursemate to save changes."
            )
        now = utcnow()
        try:
            doc, problems = check_document({**disk.doc, "schema_version": SCHEMA_VERSION}, now)
        except ShapeError:
            return  # show what can be shown; anything unreadable just stays out of view
        repair(doc, problems, now)
        self._take(doc)

    def _move_aside(self, path: Path, reason: str) -> Path:
        """``StoreFile.move_aside``; a file that cannot be moved leaves this store read-only."""
        try:
            return self._file.move_aside(path, reason)
        except StoreError:
            self.read_only = True
            raise

    def _restore_backup(self) -> str:
        """Start from the backup when it is good (file lock held); the rest of the message.

        A damaged backup is moved aside too (never overwritten); a newer one opens read-only.
        """
        disk = self._file.read_backup()
        if disk.state == "ok" and disk.doc is not None:
            disk.doc["learner"] = self.learner
            self._take(disk.doc)
            self._mark_dirty()  # ``open`` writes it back before returning
            saved = disk.doc.get("updated", "at an unknown time")
            repaired = f" {disk.repair_message(self.backup_path)}" if disk.repaired else ""
            return (
                f"progress was restored from the previous good version {self.backup_path} "
                f"(saved {saved}).{repaired}"
            )
        if disk.state == "newer":
            self._open_newer(disk, tell=False)
            return (
                f"the previous version {self.backup_path} was written by a newer coursemate "
                f"(store schema version {disk.reason}): it is shown, read-only; update "
                "coursemate to save changes."
            )
        if disk.state == "corrupt":
            moved_to = self._move_aside(self.backup_path, disk.reason)
            return (
                f"the previous version was damaged too (moved to {moved_to}); "
                "a fresh store started."
            )
        return "a fresh store started."

    # --- merging ---------------------------------------------------------------------------

    def merge_document(self, data: Any, conflicts: list[Conflict] | None = None) -> bool:
        """Merge another store document (an import) in; True when anything changed.

        Raises ``StoreError``, merging nothing, when ``data`` is not a store this coursemate
        can read or holds anything it would not write itself: a key or course id outside the
        reader's alphabet, an impossible date or stamp, a stamp more than a day ahead (the
        message gives the JSON path of the first). Its ``hidden`` entries stay behind.
        ``conflicts`` collects registers both sides wrote at the same moment with different
        values (an edited export); the same one wins on every machine.
        """
        version = schema_version_of(data)
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"it was written by a newer coursemate (store schema version {version}; "
                f"this one knows {SCHEMA_VERSION})"
            )
        try:
            remote, problems = check_document(data, utcnow())
        except ShapeError as exc:
            raise StoreError(f"it is not a coursemate learner store ({exc})") from exc
        problem = problems[0] if problems else import_problem(remote)
        if problem is not None:
            raise StoreError(f"{problem}; nothing was imported")
        remote = {name: value for name, value in remote.items() if name != HIDDEN}
        with self._lock:
            self._check_writable()
            changed = self._merge_in(remote, conflicts)
            if changed:
                self._mark_dirty()
            return changed

    def _merge_disk(self) -> None:
        """Merge in the file's current content if someone else wrote it (file lock held)."""
        if self._file.unchanged():
            return
        disk = self._file.read()
        if disk.state == "missing":
            # Deleted under this session: as at open, the backup is the good copy to keep.
            self._merge_backup()
            self._file.gone()
        elif disk.state == "newer":
            self.read_only = self._newer_file = True
            self._file.seen(disk)
            message = (
                f"{self.path} was just written by a newer coursemate (schema version "
                f"{disk.reason}); it is now read-only here and was not overwritten" + self._rescue()
            )
            self.messages.append(message)
            raise StoreError(message)
        elif disk.state == "corrupt":
            try:
                moved_to = self._move_aside(self.path, disk.reason)
            except StoreError as exc:
                raise StoreError(f"{exc}{self._rescue()}") from exc
            merged = self._merge_backup()
            self.messages.append(
                f"The learner store {self.path} was damaged by something else ({disk.reason}); "
                f"it was moved to {moved_to} and this session's progress"
                + (" (with the previous good version's)" if merged else "")
                + " saved in its place."
            )
            self._file.gone()
        elif disk.doc is not None:
            if disk.repaired:
                self.messages.append(disk.repair_message(self.path))
            with self._lock:
                if self._merge_in(disk.doc):
                    self.disk_merges += 1
            self._file.seen(disk)

    def _merge_backup(self) -> bool:
        """Merge the backup in when it is good (file lock held, the file itself gone).

        Other processes' saves since this one last read the file are there (the previous good
        version); without this they would be lost with the file.
        """
        backup = self._file.read_backup()
        if backup.state != "ok" or backup.doc is None:
            return False
        with self._lock:
            if self._merge_in(backup.doc):
                self._mark_dirty()
        return True

    def _rescue(self) -> str:
        """Keep unsaved changes in a file of their own when the store cannot take them; the
        rest of the message saying where (importable with ``coursemate import``)."""
        if not self.dirty:
            return ""
        data, _generation = self._render()
        try:
            target = self._file.keep_unsaved(data)
        except OSError as exc:
            return f"; this session's changes could not be kept: {exc.strerror or exc}"
        return f"; this session's changes were saved to {target} ('coursemate import' reads it)"

    # --- sync engines' conflict copies ------------------------------------------------------

    def _merge_conflict_copies(self) -> bool:
        """Merge in the conflict copies of the file beside it (file lock held); True when that
        changed this store. Damaged copies are moved aside; newer ones and another learner's
        files are left where they are. Each outcome is in ``messages``."""
        copies, self._folder_seen = find_conflict_copies(self.path)
        waiting = {copy.path for copy, _signature in self._copies_merged}
        changed = False
        for copy in copies:
            if copy.path in waiting or self._left_unchanged(copy):
                continue
            changed |= self._merge_copy(copy)
        return changed

    def _merge_copy(self, copy: ConflictCopy) -> bool:
        try:
            disk = read_store_file(copy.path)
        except StoreError as exc:
            self._copies_left[copy.path] = file_signature(copy.path)
            self.messages.append(f"A {copy.engine} conflict copy was not merged: {exc}")
            return False
        if disk.state == "corrupt":
            try:
                moved_to = self._file.move_aside(copy.path, disk.reason)
            except StoreError as exc:
                self._copies_left[copy.path] = disk.signature
                self.messages.append(f"A {copy.engine} conflict copy was not merged: {exc}")
                return False
            self.messages.append(
                f"The {copy.engine} conflict copy {copy.path} is not a learner store "
                f"({disk.reason}); it was moved to {moved_to} and not merged."
            )
            return False
        if disk.state == "newer":
            self._copies_left[copy.path] = disk.signature
            self.messages.append(
                f"The {copy.engine} conflict copy {copy.path} was written by a newer "
                f"coursemate (store schema version {disk.reason}); it was left where it is, "
                "not merged: update coursemate to merge it."
            )
            return False
        if disk.doc is None:
            return False  # gone meanwhile (the engine or another coursemate took it)
        if not self._names_me(disk.doc.get("learner")):
            # A real conflict copy is this learner's file; one that names another learner was
            # put there by hand (or is another learner's store, for OneDrive's form): merging it
            # would give this learner someone else's progress.
            self._copies_left[copy.path] = disk.signature
            if not copy.needs_owner_check:
                self.messages.append(
                    f"The {copy.engine} conflict copy {copy.path} is another learner's store; "
                    f"it was left where it is, not merged into {self.path}."
                )
            return False
        with self._lock:
            changed = self._merge_in(disk.doc)
            if changed:
                self._mark_dirty()
        self._copies_merged.append((copy, disk.signature))
        return changed

    def _names_me(self, learner: object) -> bool:
        try:
            return isinstance(learner, str) and normalise_learner(learner) == self.learner
        except LearnerNameError:
            return False

    def _file_away_copies(self) -> None:
        """Move the merged conflict copies into ``merged-conflicts/`` (the file holds them
        now; file lock held). One changed since it was merged stays, to be merged again."""
        for copy, signature in self._copies_merged:
            if file_signature(copy.path) != signature:
                continue
            try:
                target = file_away(copy.path)
            except OSError as exc:
                self.messages.append(
                    f"The {copy.engine} conflict copy {copy.path} was merged into {self.path} "
                    f"but could not be moved away ({exc.strerror or exc}); it is merged again "
                    "next time, which changes nothing."
                )
                continue
            self.messages.append(
                f"A {copy.engine} conflict copy of {self.path} was merged into it and moved "
                f"to {target}."
            )
        self._copies_merged.clear()
        # The folder changed (our save, these moves): the watch's next look lists it once.

    def _copies_arrived(self) -> bool:
        """Are there conflict copies beside the file that this store has not merged or left
        where they are? One ``os.scandir``; when there are none, the folder's current version
        needs no new look."""
        copies, folder_now = find_conflict_copies(self.path)
        waiting = {copy.path for copy, _signature in self._copies_merged}
        if any(copy.path not in waiting and not self._left_unchanged(copy) for copy in copies):
            return True
        self._folder_seen = folder_now
        return False

    def _left_unchanged(self, copy: ConflictCopy) -> bool:
        """Was ``copy`` left where it is, and is it still the version that was?"""
        return (
            copy.path in self._copies_left
            and file_signature(copy.path) == self._copies_left[copy.path]
        )

    # --- noticing other processes' writes (the open app polls these) -----------------------

    def reload(self) -> None:
        """Merge in what other processes saved since this store last read or wrote the file."""
        with self._save_lock, self._file.locked():
            if self.read_only:
                return
            self._merge_disk()

    def changed_on_disk(self) -> bool:
        """Did something else write, replace or delete the file since this store last read or
        wrote it? One ``stat``, no lock: cheap enough to ask every second.

        A file that cannot even be stat'ed counts as changed, so ``reload_changes`` reports why.
        A new file in its folder (a sync engine's conflict copy, perhaps) counts too: one more
        ``stat``, of the folder (whose times change only when files come, go or are renamed).
        """
        if self.read_only and not self._newer_file:
            return False
        if self._file.changed():
            return True
        # Conflict copies wait while the store is read-only: only a writable one merges them.
        if self.read_only or folder_signature(self.path.parent) == self._folder_seen:
            return False
        return self._copies_arrived()

    def reload_changes(self) -> bool:
        """``reload()``; True when merging the file changed what this store holds.

        Register by register, the later write wins, so unsaved changes newer than the file's
        stay and are still saved. When the file no longer holds all of this store's state -
        it was deleted, damaged and moved aside (with a message in ``messages``), or replaced
        by an older copy (a sync engine) - the state is marked unsaved, so the next save
        writes it back: nothing shown is lost.
        """
        with self._save_lock, self._file.locked():
            if self.read_only and not (self._newer_file and self._readable_again()):
                return False
            before, merges = self._file.signature, self.disk_merges
            self._merge_disk()
            after = self._file.signature
            if after != before and (after is None or (not self.dirty and self._disk_lacks())):
                with self._lock:
                    self._mark_dirty()
            if self._merge_conflict_copies():
                self.disk_merges += 1
            if not self.dirty:
                self._file_away_copies()  # they held nothing new: the file holds them already
            return self.disk_merges != merges

    def _readable_again(self) -> bool:
        """The newer coursemate's file was replaced by one this version reads (a sync engine
        brought an older copy back, or the learner went back a version): writable again, and
        the file is merged in as usual. (File lock held.)"""
        disk = self._file.read()
        if disk.state == "newer":
            self._file.seen(disk)
            return False
        self.read_only = self._newer_file = False
        self.messages.append(
            f"{self.path} can be read by this coursemate again: changes are saved again."
        )
        return True

    def _disk_lacks(self) -> bool:
        """Does the file miss registers this store holds? (File lock held.)"""
        disk = self._file.read()
        if disk.state != "ok" or disk.doc is None:
            return False
        # Merging ours into the file's fresh copy changes it only where ours is newer.
        return self._holds_newer_than(disk.doc)

    # --- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        """Write unsaved changes (merged with other processes' saves); no-op when clean."""
        with self._save_lock:
            if self.read_only or not self.dirty:
                return
            with self._file.locked():
                self._merge_disk()
                self._write()

    def _write(self) -> None:
        """Replace the file with this store's document (file lock held, file merged in)."""
        data, generation = self._render()
        kept = self._file.better_backup()
        if kept is not None and kept not in self.messages:
            self.messages.append(kept)
        self._file.write(data, keep_backup=kept is not None)
        self._saved(generation)
        # Copies merged before the render are in the file now (even if the store changed since).
        self._file_away_copies()
