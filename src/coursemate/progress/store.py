"""The learner store: one JSON file per learner holding their progress in every course.

Durability: saves lock the file (``filelock``), re-read it, merge register by register with
what other processes wrote, and replace it atomically (temp file, fsync, ``os.replace``, fsync
the folder), keeping the version replaced as ``<name>.bak.json``. A file that is not a store is
moved aside to ``<name>.corrupt-<timestamp>.json``, never overwritten; a file from a newer
coursemate opens read-only. See ``coursemate.progress.document`` for the format.

Thread safety: every method may be called from any thread. The UI calls setters on its thread
and ``save()`` from a worker; setters only wait for the in-memory render, never for the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from coursemate.progress import document as d
from coursemate.progress.atomic import remove_stale_temps, write_atomic
from coursemate.progress.document import PROMPTS, REFLECTION_FIELDS, SCHEMA_VERSION, STATUSES
from coursemate.progress.names import LearnerNameError, learner_stem, normalise_learner

if TYPE_CHECKING:
    from coursemate.course.model import Course

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

LOCK_TIMEOUT = 10.0  # seconds; a save holds the lock for milliseconds
MAX_STORE_BYTES = 64 * 1024 * 1024


class StoreError(Exception):
    """A store problem in plain words (the CLI prints it and exits 1)."""


@dataclass(frozen=True)
class ExperimentState:
    key: str
    status: str
    status_dates: dict[str, str] = field(default_factory=dict)  # status -> ISO date entered
    reflection: dict[str, str] = field(default_factory=dict)  # REFLECTION_FIELDS -> text

    @property
    def reflection_complete(self) -> bool:
        return all(self.reflection.get(name, "").strip() for name in REFLECTION_FIELDS)


@dataclass(frozen=True)
class OwnExperiment:
    key: str
    assignment_key: str
    text: str


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _today() -> date:
    """The learner's local date (status dates are calendar days)."""
    return date.today()


@dataclass
class _Disk:
    """What was read from the store file."""

    state: str  # "missing" | "ok" | "newer" | "corrupt"
    doc: d.Doc | None = None
    reason: str = ""
    signature: Signature | None = None
    registers: int = 0  # how many registers the file holds (see ``_count_registers``)
    hidden: list[d.Path_] = field(default_factory=list)  # entries ``repair`` set aside
    clamped: list[d.Path_] = field(default_factory=list)  # stamps ``repair`` set to now
    problems: list[d.Problem] = field(default_factory=list)

    @property
    def repaired(self) -> bool:
        return bool(self.hidden or self.clamped)


Signature = tuple[int, int, int, int]


def _signature_of(st: os.stat_result) -> Signature:
    # A replaced file is a new inode; times and size guard against an inode being reused.
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)


def _signature(path: Path) -> Signature | None:
    try:
        return _signature_of(path.stat())
    except FileNotFoundError:
        return None


def _count_registers(raw: bytes) -> int:
    """Registers in a store file, without parsing it: each has exactly one ``"at":`` key.

    (Inside a JSON string a quote is escaped, so the bytes ``"at":`` only occur as that key.)
    """
    return raw.count(b'"at":')


def _read(path: Path) -> _Disk:
    """Read, check and repair a store file; ``StoreError`` only when it cannot be read at all."""
    try:
        with open(path, "rb") as handle:
            signature = _signature_of(os.fstat(handle.fileno()))
            raw = handle.read(MAX_STORE_BYTES + 1)
    except FileNotFoundError:
        return _Disk("missing")
    except OSError as exc:
        raise StoreError(f"cannot read learner store {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_STORE_BYTES:
        return _Disk("corrupt", reason=f"larger than {MAX_STORE_BYTES // 2**20} MB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return _Disk("corrupt", reason=f"not valid JSON ({exc})", signature=signature)
    registers = _count_registers(raw)
    version = d.schema_version_of(data)
    if version is not None and version > SCHEMA_VERSION:
        return _Disk("newer", data, str(version), signature, registers)
    now = _utcnow()
    try:
        doc, problems = d.check_document(data, now)
    except d.ShapeError as exc:
        return _Disk("corrupt", reason=f"not a learner store ({exc})", signature=signature)
    hidden, clamped = d.repair(doc, problems, now)
    return _Disk("ok", doc, "", signature, registers, hidden, clamped, problems)


def _repair_message(path: Path, disk: _Disk) -> str:
    """What ``repair`` did to the file at ``path``, in one message."""
    first = {p.entry if p.entry is not None else p.path: p for p in disk.problems}
    parts = [
        f"{len(paths)} {what[len(paths) != 1]} (first: {first[paths[0]]}) "
        f"{'was' if len(paths) == 1 else 'were'} {done}"
        for paths, what, done in (
            (
                disk.hidden,
                ("entry coursemate cannot use", "entries coursemate cannot use"),
                'set aside under "hidden" in the file: kept, never shown',
            ),
            (
                disk.clamped,
                ("timestamp impossible or in the future", "timestamps impossible or in the future"),
                "set to now, so those items can change again",
            ),
        )
        if paths
    ]
    return f"The learner store {path}: " + "; ".join(parts) + "."


class Store:
    """One learner's progress. Create with ``Store.open``."""

    def __init__(self, data_dir: Path, learner: str, path: Path) -> None:
        self.data_dir = data_dir
        self.learner = learner
        self.path = path
        self.backup_path = path.with_name(f"{path.stem}.bak.json")
        self.read_only = False
        self.messages: list[str] = []
        self._last_stamp = ""
        self._doc: d.Doc = d.new_document(learner, self._stamp())
        self._lock = threading.RLock()  # guards _doc, caches and flags
        self._save_lock = threading.Lock()  # one save at a time within this process
        self._file_lock = FileLock(str(path.with_name(f"{path.stem}.lock")), thread_local=False)
        self._dirty = False
        self._generation = 0
        self._disk_signature: Signature | None = None
        # Registers in the file at _disk_signature; None: it is this store's own last write.
        self._disk_registers: int | None = 0
        self._backup_rotated: Signature | None = None  # the backup this store's write made
        self._backup_counted: tuple[Signature, int] | None = None
        # How often merging the file changed this store: the open app repaints when it moves.
        self.disk_merges = 0
        self._lines: dict[str, dict[str, str]] = {}  # course -> key -> rendered item line
        self._order: dict[str, list[str]] = {}  # course -> its item keys, sorted

    # --- opening -------------------------------------------------------------------------

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
        store = cls(data_dir, name, data_dir / f"{learner_stem(name)}.json")
        with store._locked_file():
            remove_stale_temps(store.path, backup=store.backup_path)
            disk = _read(store.path)
            if disk.state == "corrupt":
                moved_to = store._move_aside(store.path, disk.reason)
                store.messages.append(
                    f"The learner store {store.path} was damaged ({disk.reason}). It was moved "
                    f"to {moved_to}; " + store._restore_backup()
                )
            elif disk.state == "missing" and store.backup_path.exists():
                store.messages.append(
                    f"The learner store {store.path} was missing; " + store._restore_backup()
                )
            elif disk.state == "newer":
                store._open_newer(disk)
            elif disk.state == "ok" and disk.doc is not None:
                store._adopt(disk)
                if disk.repaired:
                    store.messages.append(_repair_message(store.path, disk))
                    store._mark_dirty()
            if store._dirty and not store.read_only:
                store._write_back()
        return store

    def _adopt(self, disk: _Disk) -> None:
        """Take the file's document as this store's (file lock held)."""
        assert disk.doc is not None
        self._doc = disk.doc
        self._disk_signature = disk.signature
        self._disk_registers = disk.registers

    def _write_back(self) -> None:
        """Save what ``open`` restored or repaired (file lock held); a failure is reported and
        leaves the files as they were, so the next open restores or repairs again."""
        try:
            self._write()
        except StoreError as exc:
            self.messages.append(f"{exc}; it stays as it was on disk and is fixed next time")

    def _open_newer(self, disk: _Disk, *, tell: bool = True) -> None:
        assert disk.doc is not None
        self.read_only = True
        if tell:
            self.messages.append(
                f"{self.path} was written by a newer coursemate (store schema version "
                f"{disk.reason}; this one knows {SCHEMA_VERSION}). It is open read-only: "
                "update coursemate to save changes."
            )
        now = _utcnow()
        with contextlib.suppress(d.ShapeError):
            # Show what can be shown; anything unreadable just stays out of view.
            doc, problems = d.check_document({**disk.doc, "schema_version": SCHEMA_VERSION}, now)
            d.repair(doc, problems, now)
            self._doc = doc

    def _move_aside(self, path: Path, reason: str) -> Path:
        stamp = _utcnow().strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.stem}.corrupt-{stamp}.json")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.stem}.corrupt-{stamp}-{n}.json")
        try:
            os.replace(path, target)
        except OSError as exc:
            self.read_only = True
            raise StoreError(
                f"learner store {path} is damaged ({reason}) and could not be moved "
                f"aside: {exc.strerror or exc}"
            ) from exc
        return target

    def _restore_backup(self) -> str:
        """Start from the backup when it is good (file lock held); the rest of the message.

        A damaged backup is moved aside too (never overwritten); a newer one opens read-only.
        """
        disk = _read(self.backup_path)
        if disk.state == "ok" and disk.doc is not None:
            self._doc = disk.doc
            self._doc["learner"] = self.learner
            self._mark_dirty()  # ``open`` writes it back before returning
            saved = disk.doc.get("updated", "at an unknown time")
            repaired = f" {_repair_message(self.backup_path, disk)}" if disk.repaired else ""
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

    @contextlib.contextmanager
    def _locked_file(self) -> Iterator[None]:
        try:
            self._file_lock.acquire(timeout=LOCK_TIMEOUT)
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
            self._file_lock.release()

    # --- helpers ---------------------------------------------------------------------------

    def _stamp(self, after: str = "") -> str:
        """A timestamp later than any this store handed out and than ``after``."""
        now = _utcnow()
        floor = max(self._last_stamp, after)
        text = now.strftime(d.AT_FORMAT)
        if text <= floor:
            base = datetime.strptime(floor, d.AT_FORMAT).replace(tzinfo=UTC)
            text = (base + timedelta(microseconds=1)).strftime(d.AT_FORMAT)
        self._last_stamp = text
        return text

    def _course(self, course_id: str) -> dict[str, Any]:
        course = self._doc["courses"].get(course_id)
        return course if isinstance(course, dict) else {}

    def _item(self, course_id: str, key: str) -> dict[str, Any]:
        return self._course(course_id).get("items", {}).get(key, {})

    @staticmethod
    def _value(container: dict[str, Any], name: str, default: Any = None) -> Any:
        reg = container.get(name)
        return reg["value"] if isinstance(reg, dict) and "value" in reg else default

    def _items(self, course_id: str) -> dict[str, dict[str, Any]]:
        return self._course(course_id).get("items", {})

    def _mark_dirty(self) -> None:
        self._dirty = True
        self._generation += 1

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.learner}'s progress is open read-only; nothing was changed")

    def _set(
        self, course_id: str, key: str | None, name: str, value: Any, within: str | None = None
    ) -> bool:
        """Write one register (item ``key``, or the course when None); False if unchanged.

        Call with ``self._lock`` held.
        """
        self._check_writable()
        course = self._doc["courses"].setdefault(course_id, {})
        if key is None:
            container = course
        else:
            container = course.setdefault("items", {}).setdefault(key, {})
            self._lines.get(course_id, {}).pop(key, None)
        if within is not None:
            container = container.setdefault(within, {})
        old = container.get(name)
        if d.is_register(old) and old["value"] == value and type(old["value"]) is type(value):
            return False
        stamp = self._stamp(old["at"] if d.is_register(old) else "")
        container[name] = {"at": stamp, "value": value}
        self._doc["updated"] = max(self._doc.get("updated", ""), stamp)
        self._mark_dirty()
        return True

    # --- reads ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._dirty

    def is_done(self, course_id: str, key: str) -> bool:
        with self._lock:
            return self._value(self._item(course_id, key), "done") is True

    def done_keys(self, course_id: str) -> frozenset[str]:
        with self._lock:
            return frozenset(
                k for k, item in self._items(course_id).items() if self._value(item, "done") is True
            )

    def is_chosen(self, course_id: str, key: str) -> bool:
        with self._lock:
            return self._value(self._item(course_id, key), "chosen") is True

    def chosen_keys(self, course_id: str) -> frozenset[str]:
        with self._lock:
            return frozenset(
                k
                for k, item in self._items(course_id).items()
                if self._value(item, "chosen") is True
            )

    def note(self, course_id: str, key: str) -> str:
        with self._lock:
            return str(self._value(self._item(course_id, key), "note", "") or "")

    def title(self, course_id: str, key: str) -> str:
        """The text remembered for a chosen experiment ("" when none); see ``remember_titles``."""
        with self._lock:
            item = self._item(course_id, key)
            own = self._value(item, "own")
            if isinstance(own, dict):
                return str(own.get("text", ""))
            return str(self._value(item, "title", "") or "")

    def last_position(self, course_id: str) -> str | None:
        with self._lock:
            value = self._value(self._course(course_id), "last_position")
            return value if isinstance(value, str) and value else None

    def experiment(self, course_id: str, key: str) -> ExperimentState | None:
        with self._lock:
            item = self._item(course_id, key)
            if self._value(item, "chosen") is not True:
                return None
            dates = {
                status: reg["value"]
                for status, reg in item.get("status_dates", {}).items()
                if d.is_register(reg) and reg["value"]
            }
            reflection = {
                name: reg["value"]
                for name, reg in item.get("reflection", {}).items()
                if d.is_register(reg)
            }
            return ExperimentState(key, self._value(item, "status", "planned"), dates, reflection)

    def own_experiments(
        self, course_id: str, assignment_key: str | None = None
    ) -> list[OwnExperiment]:
        with self._lock:
            found: list[tuple[str, OwnExperiment]] = []
            for key, item in self._items(course_id).items():
                reg = item.get("own")
                if not d.is_register(reg) or not isinstance(reg["value"], dict):
                    continue
                own = reg["value"]
                if assignment_key is None or own.get("assignment") == assignment_key:
                    found.append(
                        (key, OwnExperiment(key, str(own["assignment"]), str(own["text"])))
                    )
            # Creation order: the key's first register is the oldest thing about it.
            created = {k: min(self._stamps(self._items(course_id)[k])) for k, _ in found}
            return [own for key, own in sorted(found, key=lambda kv: (created[kv[0]], kv[0]))]

    @staticmethod
    def _stamps(item: dict[str, Any]) -> Iterator[str]:
        for value in item.values():
            if d.is_register(value):
                yield value["at"]
            elif isinstance(value, dict):
                yield from (r["at"] for r in value.values() if d.is_register(r))
        yield "~"  # so min() of an item with no registers still works

    def catchup_date(self, course_id: str) -> date | None:
        with self._lock:
            value = self._value(self._course(course_id), "catchup_date")
        return date.fromisoformat(value) if isinstance(value, str) else None

    def catchup_prompts(self, course_id: str) -> dict[str, str]:
        with self._lock:
            prompts = self._course(course_id).get("prompts", {})
            return {name: str(self._value(prompts, name, "") or "") for name in PROMPTS}

    def stored_keys(self, course_id: str) -> frozenset[str]:
        """Keys with state worth keeping: done, chosen, a note, reflections or an own experiment.

        Undone marks (``done: false``) are kept in the file for merging but are not state.
        """
        with self._lock:
            return frozenset(
                key for key, item in self._items(course_id).items() if self._meaningful(item)
            )

    def _meaningful(self, item: dict[str, Any]) -> bool:
        if self._value(item, "done") is True or self._value(item, "chosen") is True:
            return True
        if self._value(item, "note") or d.is_register(item.get("own")):
            return True
        return any(
            d.is_register(reg) and reg["value"] for reg in item.get("reflection", {}).values()
        )

    def own_keys(self, course_id: str) -> frozenset[str]:
        with self._lock:
            items = self._items(course_id)
            return frozenset(key for key, item in items.items() if d.is_register(item.get("own")))

    def orphaned_keys(self, course: Course) -> list[str]:
        """Stored keys the course no longer has (own experiments excluded), sorted."""
        known = course.keys()
        own = self.own_keys(course.identity)
        return sorted(k for k in self.stored_keys(course.identity) if k not in known | own)

    def course_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._doc["courses"])

    def last_activity(self) -> datetime | None:
        with self._lock:
            value = self._doc.get("updated")
        if not isinstance(value, str):
            return None
        return datetime.strptime(value, d.AT_FORMAT).replace(tzinfo=UTC)

    # --- writes --------------------------------------------------------------------------

    def set_done(self, course_id: str, key: str, done: bool) -> None:
        with self._lock:
            self._set(course_id, key, "done", bool(done))

    def set_chosen(
        self, course_id: str, key: str, chosen: bool, *, title: str | None = None
    ) -> None:
        """Choose (or unchoose) an experiment; ``title`` remembers its text for reports.

        Choosing sets the status to "planned" unless the experiment already has a status (so
        unchoosing by mistake and choosing again loses nothing).
        """
        with self._lock:
            self._set(course_id, key, "chosen", bool(chosen))
            if title:
                self._set(course_id, key, "title", d.clean_text(title))
            if chosen and self._value(self._item(course_id, key), "status") is None:
                self._enter_status(course_id, key, "planned")

    def remember_titles(self, course: Course) -> None:
        """Record the text of every chosen experiment the course has (for orphan reports)."""
        with self._lock:
            if self.read_only:
                return
            for _module, exp in course.all_experiments():
                item = self._item(course.identity, exp.key)
                if self._value(item, "chosen") is True and self._value(item, "title") != exp.text:
                    self._set(course.identity, exp.key, "title", exp.text)

    def set_note(self, course_id: str, key: str, text: str) -> None:
        with self._lock:
            self._set(course_id, key, "note", d.clean_text(text))

    def set_last_position(self, course_id: str, key: str) -> None:
        with self._lock:
            self._set(course_id, None, "last_position", key)

    def _enter_status(self, course_id: str, key: str, status: str) -> None:
        self._set(course_id, key, "status", status)
        self._set(course_id, key, status, _today().isoformat(), within="status_dates")

    def set_status(self, course_id: str, key: str, status: str) -> None:
        """Move a chosen experiment to ``status`` (choosing it if needed); records the date."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        with self._lock:
            self._check_writable()
            if self._value(self._item(course_id, key), "chosen") is not True:
                self._set(course_id, key, "chosen", True)
            if self._value(self._item(course_id, key), "status") != status:
                self._enter_status(course_id, key, status)

    def set_reflection(self, course_id: str, key: str, field: str, text: str) -> None:
        if field not in REFLECTION_FIELDS:
            raise ValueError(f"reflection field must be one of {', '.join(REFLECTION_FIELDS)}")
        with self._lock:
            self._set(course_id, key, field, d.clean_text(text), within="reflection")

    def add_own_experiment(self, course_id: str, assignment_key: str, text: str) -> str:
        """Add the learner's own experiment to an assignment: chosen and planned. Its key."""
        text = d.clean_text(text).strip()
        if not text:
            raise StoreError("an experiment needs some text")
        with self._lock:
            self._check_writable()
            items = self._items(course_id)
            key = f"{assignment_key}/own/{secrets.token_hex(4)}"
            while key in items:
                key = f"{assignment_key}/own/{secrets.token_hex(4)}"
            self._set(course_id, key, "own", {"assignment": assignment_key, "text": text})
            self._set(course_id, key, "chosen", True)
            self._enter_status(course_id, key, "planned")
            return key

    def set_catchup_date(self, course_id: str, value: date | None) -> None:
        with self._lock:
            self._set(course_id, None, "catchup_date", value.isoformat() if value else None)

    def set_catchup_prompt(self, course_id: str, name: str, text: str) -> None:
        if name not in PROMPTS:
            raise ValueError(f"prompt must be one of {', '.join(PROMPTS)}, not {name!r}")
        with self._lock:
            self._set(course_id, None, name, d.clean_text(text), within="prompts")

    # --- merging and persistence ---------------------------------------------------------

    def _forget_line(self, course_id: str, key: str) -> None:
        self._lines.get(course_id, {}).pop(key, None)

    def merge_document(self, data: Any, conflicts: list[d.Conflict] | None = None) -> bool:
        """Merge another store document (an import) in; True when anything changed.

        Raises ``StoreError``, merging nothing, when ``data`` is not a store this coursemate
        can read or holds anything it would not write itself: a key or course id outside the
        reader's alphabet, an impossible date or stamp, a stamp more than a day ahead (the
        message gives the JSON path of the first). Its ``hidden`` entries stay behind.
        ``conflicts`` collects registers both sides wrote at the same moment with different
        values (an edited export); the same one wins on every machine.
        """
        version = d.schema_version_of(data)
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"it was written by a newer coursemate (store schema version {version}; "
                f"this one knows {SCHEMA_VERSION})"
            )
        try:
            remote, problems = d.check_document(data, _utcnow())
        except d.ShapeError as exc:
            raise StoreError(f"it is not a coursemate learner store ({exc})") from exc
        if problems:
            raise StoreError(f"{problems[0]}; nothing was imported")
        remote = {name: value for name, value in remote.items() if name != d.HIDDEN}
        with self._lock:
            self._check_writable()
            changed = d.merge_documents(self._doc, remote, self._forget_line, conflicts)
            if changed:
                self._mark_dirty()
            return changed

    def _merge_disk(self) -> None:
        """Merge in the file's current content if someone else wrote it (file lock held)."""
        signature = _signature(self.path)
        if signature is not None and signature == self._disk_signature:
            return
        disk = _read(self.path)
        if disk.state == "missing":
            # Deleted under this session: as at open, the backup is the good copy to keep.
            self._merge_backup()
            self._disk_signature = None
        elif disk.state == "newer":
            self.read_only = True
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
            self._disk_signature = None
        elif disk.doc is not None:
            if disk.repaired:
                self.messages.append(_repair_message(self.path, disk))
            with self._lock:
                if d.merge_documents(self._doc, disk.doc, self._forget_line):
                    self.disk_merges += 1
            self._disk_signature = disk.signature
            self._disk_registers = disk.registers

    def _merge_backup(self) -> bool:
        """Merge the backup in when it is good (file lock held, the file itself gone).

        Other processes' saves since this one last read the file are there (the previous good
        version); without this they would be lost with the file.
        """
        backup = _read(self.backup_path)
        if backup.state != "ok" or backup.doc is None:
            return False
        with self._lock:
            if d.merge_documents(self._doc, backup.doc, self._forget_line):
                self._mark_dirty()
        return True

    def _rescue(self) -> str:
        """Keep unsaved changes in a file of their own when the store cannot take them; the
        rest of the message saying where (importable with ``coursemate import``)."""
        if not self._dirty:
            return ""
        stamp = _utcnow().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.stem}.unsaved-{stamp}.json")
        with self._lock:
            data = d.render(self._doc, self._item_lines)
        try:
            write_atomic(target, data)
        except OSError as exc:
            return f"; this session's changes could not be kept: {exc.strerror or exc}"
        return f"; this session's changes were saved to {target} ('coursemate import' reads it)"

    def reload(self) -> None:
        """Merge in what other processes saved since this store last read or wrote the file."""
        with self._save_lock, self._locked_file():
            if self.read_only:
                return
            self._merge_disk()

    # --- noticing other processes' writes (the open app polls these) ---------------------

    def changed_on_disk(self) -> bool:
        """Did something else write, replace or delete the file since this store last read or
        wrote it? One ``stat``, no lock: cheap enough to ask every second.

        A file that cannot even be stat'ed counts as changed, so ``reload_changes`` reports why.
        """
        if self.read_only:
            return False
        try:
            return _signature(self.path) != self._disk_signature
        except OSError:
            return True

    def reload_changes(self) -> bool:
        """``reload()``; True when merging the file changed what this store holds.

        Register by register, the later write wins, so unsaved changes newer than the file's
        stay and are still saved. When the file no longer holds all of this store's state -
        it was deleted, damaged and moved aside (with a message in ``messages``), or replaced
        by an older copy (a sync engine) - the state is marked unsaved, so the next save
        writes it back: nothing shown is lost.
        """
        with self._save_lock, self._locked_file():
            if self.read_only:
                return False
            before, merges = self._disk_signature, self.disk_merges
            self._merge_disk()
            after = self._disk_signature
            if after != before and (after is None or (not self._dirty and self._disk_lacks())):
                with self._lock:
                    self._mark_dirty()
            return self.disk_merges != merges

    def _disk_lacks(self) -> bool:
        """Does the file miss registers this store holds? (File lock held.)"""
        disk = _read(self.path)
        if disk.state != "ok" or disk.doc is None:
            return False
        with self._lock:
            # Merging ours into the file's fresh copy changes it only where ours is newer.
            return d.merge_documents(disk.doc, self._doc)

    def save(self) -> None:
        """Write unsaved changes (merged with other processes' saves); no-op when clean."""
        with self._save_lock:
            if self.read_only or not self._dirty:
                return
            with self._locked_file():
                self._merge_disk()
                self._write()

    def _write(self) -> None:
        """Replace the file with this store's document (file lock held, file merged in)."""
        with self._lock:
            data = d.render(self._doc, self._item_lines)
            generation = self._generation
        replaced = self._disk_signature is not None
        keep_backup = replaced and self._backup_holds_more()
        try:
            write_atomic(self.path, data, backup=None if keep_backup else self.backup_path)
        except OSError as exc:
            raise StoreError(
                f"could not save {self.learner}'s progress to {self.path}: {exc.strerror or exc}"
            ) from exc
        if replaced and not keep_backup:
            self._backup_rotated = _signature(self.backup_path)
        self._disk_signature = _signature(self.path)
        self._disk_registers = None  # counted only if ever needed: saves stay cheap
        with self._lock:
            if self._generation == generation:
                self._dirty = False

    def _backup_holds_more(self) -> bool:
        """Does the backup hold more registers than the file about to replace it?

        Registers are never removed (an undo is a register too), so a file with fewer than its
        backup lost something (a fresh start, an edit by hand, an older coursemate): the
        backup is then the better copy and stays. The usual case costs one ``stat``: the file
        is this store's last write and the backup the file that write replaced, which it
        merged, so the file holds at least as much.
        """
        signature = _signature(self.backup_path)
        if signature is None:
            return False
        if self._disk_registers is None and signature == self._backup_rotated:
            return False
        try:
            if self._backup_counted is None or self._backup_counted[0] != signature:
                self._backup_counted = (signature, _count_registers(self.backup_path.read_bytes()))
            if self._disk_registers is None:
                self._disk_registers = _count_registers(self.path.read_bytes())
        except OSError:
            return False  # unreadable: nothing a replacement could lose
        if self._backup_counted[1] <= self._disk_registers:
            return False
        message = (
            f"{self.backup_path} was kept: it holds more than the version of {self.path} "
            "that would have replaced it."
        )
        if message not in self.messages:
            self.messages.append(message)
        return True

    def _item_lines(self, course_id: str, items: dict[str, dict[str, Any]]) -> list[str]:
        cache = self._lines.setdefault(course_id, {})
        order = self._order.get(course_id)
        if order is None or len(order) != len(items):  # items are only ever added
            order = self._order[course_id] = sorted(items)
        lines: list[str] = []
        for key in order:
            line = cache.get(key)
            if line is None:
                line = cache[key] = d.item_line(key, items[key])
            lines.append(line)
        return lines

    def document(self) -> d.Doc:
        """A deep copy of the whole document (for exports)."""
        with self._lock:
            return json.loads(json.dumps(self._doc))

    def course_document(self, course_id: str) -> d.Doc:
        """A store document holding only one course (what ``export --format json`` embeds)."""
        with self._lock:
            course = json.loads(json.dumps(self._course(course_id)))
            return {
                "schema_version": SCHEMA_VERSION,
                "learner": self.learner,
                "created": self._doc.get("created"),
                "updated": self._doc.get("updated"),
                "courses": {course_id: course} if course else {},
            }
