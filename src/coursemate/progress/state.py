"""One learner's progress in memory: the questions and changes the app and commands make.

``LearnerState`` holds a store document (its format is ``coursemate.progress.document``) and
answers what is done, chosen, noted, an experiment's status and reflection, the learner's own
experiments and catch-up prompts; its setters change one register at a time, each stamped later
than the one it replaces. It never touches the disk: ``coursemate.progress.store.Store`` keeps it
in step with the learner's file.

Thread safety: every method may be called from any thread; one lock guards the document, the
rendered-line cache and the flags, so setters wait only for other in-memory work.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from coursemate.progress.document import (
    AT_FORMAT,
    PROMPTS,
    REFLECTION_FIELDS,
    SCHEMA_VERSION,
    STATUSES,
    Conflict,
    Doc,
    Status,
    clean_text,
    is_register,
    item_line,
    merge_documents,
    new_document,
    render,
    utcnow,
)
from coursemate.progress.errors import StoreError

if TYPE_CHECKING:
    from coursemate.course.model import Course

Item = dict[str, Any]  # an item's registers and maps of registers, by name


@dataclass(frozen=True)
class ExperimentState:
    key: str
    status: Status
    # status -> ISO date entered, in the order they were entered
    status_dates: dict[str, str] = field(default_factory=dict)
    reflection: dict[str, str] = field(default_factory=dict)  # REFLECTION_FIELDS -> text

    @property
    def reflection_complete(self) -> bool:
        return all(self.reflection.get(name, "").strip() for name in REFLECTION_FIELDS)


@dataclass(frozen=True)
class OwnExperiment:
    key: str
    assignment_key: str
    text: str


def _today() -> date:
    """The learner's local date (status dates are calendar days)."""
    return date.today()


def _value(container: dict[str, Any], name: str, default: Any = None) -> Any:
    """The value of the register ``name`` in ``container``, or ``default`` when it has none."""
    reg = container.get(name)
    return reg["value"] if isinstance(reg, dict) and "value" in reg else default


def _stamps(item: Item) -> Iterator[str]:
    for value in item.values():
        if is_register(value):
            yield value["at"]
        elif isinstance(value, dict):
            yield from (r["at"] for r in value.values() if is_register(r))
    yield "~"  # so min() of an item with no registers still works


def _meaningful(item: Item) -> bool:
    if _value(item, "done") is True or _value(item, "chosen") is True:
        return True
    if _value(item, "note") or is_register(item.get("own")):
        return True
    return any(is_register(reg) and reg["value"] for reg in item.get("reflection", {}).values())


class LearnerState:
    """One learner's progress, read and changed in memory (see the module docstring)."""

    def __init__(self, learner: str) -> None:
        self.learner = learner
        self.read_only = False  # set by the store when its file must not be written
        self._last_stamp = ""
        self._doc: Doc = new_document(learner, self._stamp())
        self._lock = threading.RLock()  # guards _doc, caches and flags
        self._dirty = False
        self._generation = 0  # moves on every change, so a save knows what it wrote
        self._lines: dict[str, dict[str, str]] = {}  # course -> key -> rendered item line
        self._order: dict[str, list[str]] = {}  # course -> its item keys, sorted

    @classmethod
    def of_document(cls, doc: Doc) -> LearnerState:
        """A read-only state holding ``doc``, a document ``check_document`` passed (and
        ``repair`` made usable): the class view reads learners' files it must never write."""
        state = cls(str(doc.get("learner", "")))
        state._take(doc)
        state.read_only = True
        return state

    # --- for the store ---------------------------------------------------------------------

    def _take(self, doc: Doc) -> None:
        """Hold ``doc`` instead of what this state held (a store being opened)."""
        with self._lock:
            self._doc = doc
            self._lines.clear()
            self._order.clear()

    def _merge_in(self, remote: Doc, conflicts: list[Conflict] | None = None) -> bool:
        """Merge ``remote`` into this state, the later write winning register by register;
        True when anything changed. Marks nothing unsaved: the caller knows whether it is."""
        with self._lock:
            return merge_documents(self._doc, remote, self._forget_line, conflicts)

    def _holds_newer_than(self, doc: Doc) -> bool:
        """Would merging this state into ``doc`` change it? (``doc`` is changed: a fresh copy.)"""
        with self._lock:
            return merge_documents(doc, self._doc)

    def _render(self) -> tuple[bytes, int]:
        """The document as the file's bytes, and the generation they hold."""
        with self._lock:
            return render(self._doc, self._item_lines), self._generation

    def _saved(self, generation: int) -> None:
        """What ``_render`` gave at ``generation`` is on disk: clean, unless it changed since."""
        with self._lock:
            if self._generation == generation:
                self._dirty = False

    def _mark_dirty(self) -> None:
        """Something changed that the file does not hold yet (call with the lock held)."""
        self._dirty = True
        self._generation += 1

    def _forget_line(self, course_id: str, key: str) -> None:
        """The item changed: its cached line is stale."""
        self._lines.get(course_id, {}).pop(key, None)

    def _item_lines(self, course_id: str, items: dict[str, Item]) -> list[str]:
        cache = self._lines.setdefault(course_id, {})
        order = self._order.get(course_id)
        if order is None or len(order) != len(items):  # items are only ever added
            order = self._order[course_id] = sorted(items)
        lines: list[str] = []
        for key in order:
            line = cache.get(key)
            if line is None:
                line = cache[key] = item_line(key, items[key])
            lines.append(line)
        return lines

    # --- helpers ---------------------------------------------------------------------------

    def _stamp(self, after: str = "") -> str:
        """A timestamp later than any this state handed out and than ``after``."""
        now = utcnow()
        floor = max(self._last_stamp, after)
        text = now.strftime(AT_FORMAT)
        if text <= floor:
            base = datetime.strptime(floor, AT_FORMAT).replace(tzinfo=UTC)
            text = (base + timedelta(microseconds=1)).strftime(AT_FORMAT)
        self._last_stamp = text
        return text

    def _course(self, course_id: str) -> dict[str, Any]:
        course = self._doc["courses"].get(course_id)
        return course if isinstance(course, dict) else {}

    def _items(self, course_id: str) -> dict[str, Item]:
        items: dict[str, Item] = self._course(course_id).get("items", {})
        return items

    def _item(self, course_id: str, key: str) -> Item:
        return self._items(course_id).get(key, {})

    def _keys_where(self, course_id: str, name: str) -> frozenset[str]:
        """The items whose register ``name`` is true (call with the lock held).

        ``_value`` inlined: ``done_keys`` is on the start-up path, and this is a fifth faster.
        """
        return frozenset(
            [
                key
                for key, item in self._items(course_id).items()
                if isinstance(reg := item.get(name), dict) and reg.get("value") is True
            ]
        )

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
            self._forget_line(course_id, key)
        if within is not None:
            container = container.setdefault(within, {})
        old = container.get(name)
        if is_register(old) and old["value"] == value and type(old["value"]) is type(value):
            return False
        stamp = self._stamp(old["at"] if is_register(old) else "")
        container[name] = {"at": stamp, "value": value}
        self._doc["updated"] = max(self._doc.get("updated", ""), stamp)
        self._mark_dirty()
        return True

    # --- reads -----------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._dirty

    def is_done(self, course_id: str, key: str) -> bool:
        with self._lock:
            return _value(self._item(course_id, key), "done") is True

    def done_keys(self, course_id: str) -> frozenset[str]:
        with self._lock:
            return self._keys_where(course_id, "done")

    def is_chosen(self, course_id: str, key: str) -> bool:
        with self._lock:
            return _value(self._item(course_id, key), "chosen") is True

    def chosen_keys(self, course_id: str) -> frozenset[str]:
        with self._lock:
            return self._keys_where(course_id, "chosen")

    def note(self, course_id: str, key: str) -> str:
        with self._lock:
            return str(_value(self._item(course_id, key), "note", "") or "")

    def title(self, course_id: str, key: str) -> str:
        """The text remembered for a chosen experiment ("" when none); see ``remember_titles``."""
        with self._lock:
            item = self._item(course_id, key)
            own = _value(item, "own")
            if isinstance(own, dict):
                return str(own.get("text", ""))
            return str(_value(item, "title", "") or "")

    def last_position(self, course_id: str) -> str | None:
        with self._lock:
            value = _value(self._course(course_id), "last_position")
            return value if isinstance(value, str) and value else None

    def experiment(self, course_id: str, key: str) -> ExperimentState | None:
        with self._lock:
            item = self._item(course_id, key)
            if _value(item, "chosen") is not True:
                return None
            # In the order they happened: each register's stamp says when the status was
            # entered (the file keeps maps sorted by name, which says nothing of time).
            entered = sorted(
                (reg["at"], status, reg["value"])
                for status, reg in item.get("status_dates", {}).items()
                if is_register(reg) and reg["value"]
            )
            dates = {status: day for _at, status, day in entered}
            reflection = {
                name: reg["value"]
                for name, reg in item.get("reflection", {}).items()
                if is_register(reg)
            }
            status: Status = _value(item, "status", "planned")
            return ExperimentState(key, status, dates, reflection)

    def own_experiments(
        self, course_id: str, assignment_key: str | None = None
    ) -> list[OwnExperiment]:
        with self._lock:
            items = self._items(course_id)
            found: list[tuple[str, OwnExperiment]] = []
            for key, item in items.items():
                reg = item.get("own")
                if not is_register(reg) or not isinstance(reg["value"], dict):
                    continue
                own: dict[str, Any] = reg["value"]
                if assignment_key is None or own.get("assignment") == assignment_key:
                    found.append(
                        (key, OwnExperiment(key, str(own["assignment"]), str(own["text"])))
                    )
            # Creation order: the key's first register is the oldest thing about it.
            created = {k: min(_stamps(items[k])) for k, _ in found}
            return [own for key, own in sorted(found, key=lambda kv: (created[kv[0]], kv[0]))]

    def catchup_date(self, course_id: str) -> date | None:
        with self._lock:
            value = _value(self._course(course_id), "catchup_date")
        return date.fromisoformat(value) if isinstance(value, str) else None

    def catchup_prompts(self, course_id: str) -> dict[str, str]:
        with self._lock:
            prompts = self._course(course_id).get("prompts", {})
            return {name: str(_value(prompts, name, "") or "") for name in PROMPTS}

    def stored_keys(self, course_id: str) -> frozenset[str]:
        """Keys with state worth keeping: done, chosen, a note, reflections or an own experiment.

        Undone marks (``done: false``) are kept in the file for merging but are not state.
        """
        with self._lock:
            return frozenset(
                key for key, item in self._items(course_id).items() if _meaningful(item)
            )

    def own_keys(self, course_id: str) -> frozenset[str]:
        with self._lock:
            items = self._items(course_id)
            return frozenset(key for key, item in items.items() if is_register(item.get("own")))

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
        return datetime.strptime(value, AT_FORMAT).replace(tzinfo=UTC)

    def document(self) -> Doc:
        """A deep copy of the whole document (for exports)."""
        with self._lock:
            copy: Doc = json.loads(json.dumps(self._doc))
            return copy

    def course_document(self, course_id: str) -> Doc:
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

    # --- writes ----------------------------------------------------------------------------

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
                self._set(course_id, key, "title", clean_text(title))
            if chosen and _value(self._item(course_id, key), "status") is None:
                self._enter_status(course_id, key, "planned")

    def remember_titles(self, course: Course) -> None:
        """Record the text of every chosen experiment the course has (for orphan reports)."""
        with self._lock:
            if self.read_only:
                return
            for _module, exp in course.all_experiments():
                item = self._item(course.identity, exp.key)
                if _value(item, "chosen") is True and _value(item, "title") != exp.text:
                    self._set(course.identity, exp.key, "title", exp.text)

    def set_note(self, course_id: str, key: str, text: str) -> None:
        with self._lock:
            self._set(course_id, key, "note", clean_text(text))

    def set_last_position(self, course_id: str, key: str) -> None:
        with self._lock:
            self._set(course_id, None, "last_position", key)

    def _enter_status(self, course_id: str, key: str, status: Status) -> None:
        self._set(course_id, key, "status", status)
        self._set(course_id, key, status, _today().isoformat(), within="status_dates")

    def set_status(self, course_id: str, key: str, status: Status) -> None:
        """Move a chosen experiment to ``status`` (choosing it if needed); records the date."""
        if status not in STATUSES:  # the type is not checked at run time
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        with self._lock:
            self._check_writable()
            if _value(self._item(course_id, key), "chosen") is not True:
                self._set(course_id, key, "chosen", True)
            if _value(self._item(course_id, key), "status") != status:
                self._enter_status(course_id, key, status)

    def set_reflection(self, course_id: str, key: str, field: str, text: str) -> None:
        if field not in REFLECTION_FIELDS:
            raise ValueError(f"reflection field must be one of {', '.join(REFLECTION_FIELDS)}")
        with self._lock:
            self._set(course_id, key, field, clean_text(text), within="reflection")

    def add_own_experiment(self, course_id: str, assignment_key: str, text: str) -> str:
        """Add the learner's own experiment to an assignment: chosen and planned. Its key."""
        text = clean_text(text).strip()
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
            self._set(course_id, None, name, clean_text(text), within="prompts")
