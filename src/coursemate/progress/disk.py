"""One learner store's file on disk, and nothing of what its document means.

``read_store_file`` turns the bytes in a file into a ``DiskRead``: a checked document (entries
coursemate cannot use repaired, see ``coursemate.progress.document.repair``), a newer schema
version, a missing file, or why the file is not a store at all. ``StoreFile`` owns the file, its
lock (``.<name>.<host>.lock``), its backup (``<name>.bak.json``), damaged copies moved aside
(``<name>.corrupt-<timestamp>.json``) and rescued changes (``<name>.unsaved-<timestamp>.json``).
It remembers which version of the file it last read or wrote, so the store can tell when another
process wrote it. Its writes are atomic and never let a file that holds less replace the backup.

The lock is per machine (``.<name>.<host>.lock``): in a folder a sync engine shares, the other
machine's lock file arrives too, and waiting on it would wait on a process that is not here.
Machines never write each other's files in place; what they write at once comes back as
conflict copies (``coursemate.progress.conflicts``), merged when the store opens or reloads.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from filelock import FileLock, Timeout

from coursemate.progress.atomic import machine_name, remove_stale_temps, write_atomic
from coursemate.progress.document import (
    MAX_STORE_BYTES,
    SCHEMA_VERSION,
    Doc,
    Path_,
    Problem,
    ShapeError,
    check_document,
    json_problem,
    repair,
    schema_version_of,
    utcnow,
)
from coursemate.progress.errors import StoreError

LOCK_TIMEOUT = 10.0  # seconds; a save holds the lock for milliseconds

DiskState = Literal["missing", "ok", "newer", "corrupt"]
Signature = tuple[int, int, int, int]


@dataclass
class DiskRead:
    """What was read from a store file.

    ``doc`` is the checked, repaired document when ``state`` is "ok", the raw JSON object when
    "newer" (``reason`` then holds its schema version); "corrupt" says why in ``reason``.
    """

    state: DiskState
    doc: Doc | None = None
    reason: str = ""
    signature: Signature | None = None
    registers: int = 0  # how many registers the file holds (see ``count_registers``)
    hidden: list[Path_] = field(default_factory=list)  # entries ``repair`` set aside
    clamped: list[Path_] = field(default_factory=list)  # stamps ``repair`` set to now
    problems: list[Problem] = field(default_factory=list)

    @property
    def repaired(self) -> bool:
        return bool(self.hidden or self.clamped)

    def repair_message(self, path: Path) -> str:
        """What ``repair`` did to the file at ``path``, in one message."""
        first = {p.entry if p.entry is not None else p.path: p for p in self.problems}
        parts = [
            f"{len(paths)} {what[len(paths) != 1]} (first: {first[paths[0]]}) "
            f"{'was' if len(paths) == 1 else 'were'} {done}"
            for paths, what, done in (
                (
                    self.hidden,
                    ("entry coursemate cannot use", "entries coursemate cannot use"),
                    'set aside under "hidden" in the file: kept, never shown',
                ),
                (
                    self.clamped,
                    (
                        "timestamp impossible or in the future",
                        "timestamps impossible or in the future",
                    ),
                    "set to now, so those items can change again",
                ),
            )
            if paths
        ]
        return f"The learner store {path}: " + "; ".join(parts) + "."


def signature_of(st: os.stat_result) -> Signature:
    # A replaced file is a new inode; times and size guard against an inode being reused.
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)


def file_signature(path: Path) -> Signature | None:
    """The version of the file at ``path`` now; None when there is none."""
    try:
        return signature_of(path.stat())
    except FileNotFoundError:
        return None


def count_registers(raw: bytes) -> int:
    """Registers in a store file, without parsing it: each has exactly one ``"at":`` key.

    (Inside a JSON string a quote is escaped, so the bytes ``"at":`` only occur as that key.)
    """
    return raw.count(b'"at":')


def read_store_file(path: Path) -> DiskRead:
    """Read, check and repair a store file; ``StoreError`` only when it cannot be read at all."""
    try:
        with open(path, "rb") as handle:
            signature = signature_of(os.fstat(handle.fileno()))
            raw = handle.read(MAX_STORE_BYTES + 1)
    except FileNotFoundError:
        return DiskRead("missing")
    except OSError as exc:
        raise StoreError(f"cannot read learner store {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_STORE_BYTES:
        return DiskRead("corrupt", reason=f"larger than {MAX_STORE_BYTES // 2**20} MB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = f"not valid JSON ({json_problem(exc)})"
        return DiskRead("corrupt", reason=reason, signature=signature)
    registers = count_registers(raw)
    version = schema_version_of(data)
    if version is not None and version > SCHEMA_VERSION:
        return DiskRead("newer", data, str(version), signature, registers)
    now = utcnow()
    try:
        doc, problems = check_document(data, now)
    except ShapeError as exc:
        return DiskRead("corrupt", reason=f"not a learner store ({exc})", signature=signature)
    hidden, clamped = repair(doc, problems, now)
    return DiskRead("ok", doc, "", signature, registers, hidden, clamped, problems)


def _file_stamp() -> str:
    """The moment, as it appears in the names of files set aside."""
    return utcnow().strftime("%Y%m%dT%H%M%SZ")


class StoreFile:
    """One learner's store file, its lock, its backup and the copies set aside beside it.

    Thread safety: the caller serialises calls (the store holds its save lock around them).
    """

    def __init__(self, path: Path, owner: str) -> None:
        self.path = path
        self.owner = owner  # whose progress it holds, for messages
        self.backup_path = path.with_name(f"{path.stem}.bak.json")
        self.lock_path = path.with_name(f".{path.stem}.{machine_name()}.lock")
        self._lock = FileLock(str(self.lock_path), thread_local=False)
        # The version of the file the store last read or wrote; None: none, or it went away.
        self.signature: Signature | None = None
        # Registers in the file at ``signature``; None: it is the store's own last write.
        self.registers: int | None = 0
        self._backup_rotated: Signature | None = None  # the backup this file's write made
        self._backup_counted: tuple[Signature, int] | None = None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock every coursemate process takes before reading to write, or writing."""
        try:
            self._lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout as exc:
            raise StoreError(
                f"the learner store {self.path} is locked by another coursemate "
                f"(waited {LOCK_TIMEOUT:.0f} s)"
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot lock {self.path}: {exc.strerror or exc}") from exc
        try:
            yield
        finally:
            self._lock.release()

    def remove_stale_temps(self) -> None:
        """Temp files a killed writer left (lock held)."""
        remove_stale_temps(self.path, backup=self.backup_path)

    def read(self) -> DiskRead:
        return read_store_file(self.path)

    def read_backup(self) -> DiskRead:
        return read_store_file(self.backup_path)

    def seen(self, disk: DiskRead) -> None:
        """``disk`` is the version of the file the store now holds (merged or adopted)."""
        self.signature = disk.signature
        self.registers = disk.registers

    def gone(self) -> None:
        """The file the store last saw is no more (deleted, or moved aside)."""
        self.signature = None

    def unchanged(self) -> bool:
        """Is the file still the version the store last read or wrote? One ``stat``."""
        signature = file_signature(self.path)
        return signature is not None and signature == self.signature

    def changed(self) -> bool:
        """Did something else write, replace or delete the file since the store last read or
        wrote it? One ``stat``, no lock; a file that cannot be stat'ed counts as changed."""
        try:
            return file_signature(self.path) != self.signature
        except OSError:
            return True

    def move_aside(self, path: Path, reason: str) -> Path:
        """Rename the damaged ``path`` (the file or its backup) to a ``.corrupt-`` name of its
        own, never overwriting one; where it went. ``StoreError`` when it cannot be moved."""
        stamp = _file_stamp()
        target = path.with_name(f"{path.stem}.corrupt-{stamp}.json")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.stem}.corrupt-{stamp}-{n}.json")
        try:
            os.replace(path, target)
        except OSError as exc:
            raise StoreError(
                f"learner store {path} is damaged ({reason}) and could not be moved "
                f"aside: {exc.strerror or exc}"
            ) from exc
        return target

    def keep_unsaved(self, data: bytes) -> Path:
        """Write changes the file cannot take to a file of their own; its path (``OSError``
        when even that fails)."""
        target = self.path.with_name(f"{self.path.stem}.unsaved-{_file_stamp()}.json")
        write_atomic(target, data)
        return target

    def better_backup(self) -> str | None:
        """Why the backup must not be replaced by the file's current version, or None.

        Registers are never removed (an undo is a register too), so a file with fewer than its
        backup lost something (a fresh start, an edit by hand, an older coursemate): the
        backup is then the better copy and stays. The usual case costs one ``stat``: the file
        is the store's last write and the backup the file that write replaced, which it
        merged, so the file holds at least as much. (Lock held.)
        """
        if self.signature is None:
            return None  # no file is being replaced
        signature = file_signature(self.backup_path)
        if signature is None:
            return None
        if self.registers is None and signature == self._backup_rotated:
            return None
        try:
            if self._backup_counted is None or self._backup_counted[0] != signature:
                self._backup_counted = (signature, count_registers(self.backup_path.read_bytes()))
            if self.registers is None:
                self.registers = count_registers(self.path.read_bytes())
        except OSError:
            return None  # unreadable: nothing a replacement could lose
        if self._backup_counted[1] <= self.registers:
            return None
        return (
            f"{self.backup_path} was kept: it holds more than the version of {self.path} "
            "that would have replaced it."
        )

    def write(self, data: bytes, *, keep_backup: bool) -> None:
        """Replace the file with ``data`` atomically (lock held, the file merged in first);
        the version replaced becomes the backup unless ``keep_backup``."""
        replaced = self.signature is not None
        try:
            write_atomic(self.path, data, backup=None if keep_backup else self.backup_path)
        except OSError as exc:
            raise StoreError(
                f"could not save {self.owner}'s progress to {self.path}: {exc.strerror or exc}"
            ) from exc
        if replaced and not keep_backup:
            self._backup_rotated = file_signature(self.backup_path)
        self.signature = file_signature(self.path)
        self.registers = None  # counted only if ever needed: saves stay cheap
