"""The learner store's JSON document: its shape, its validation, merging and rendering.

A document (schema version 1) looks like::

    {
      "courses": {
        "<course identity>": {
          "catchup_date": {"at": "...", "value": "2025-11-22"},
          "items": {
            "m1/r/what-is-a-product": {"done": {"at": "2025-11-08T10:12:03.123456Z",
                                                "value": true}},
            "m1/a/x/3f2a9c1b": {"chosen": {...}, "reflection": {"did": {...}}, "status": {...},
                                "status_dates": {"planned": {...}}}
          },
          "last_position": {"at": "...", "value": "m1/r/what-is-a-product"},
          "prompts": {"questions": {"at": "...", "value": "..."}}
        }
      },
      "created": "...", "learner": "Ana María", "schema_version": 1, "updated": "..."
    }

Every piece of state is a *register* ``{"at": <UTC timestamp>, "value": ...}``. Merging two
documents keeps, register by register, the one written last, so two processes (or an import)
never lose each other's changes, and an undo (``"value": false``) is a timestamped state that a
merge cannot resurrect. Unknown fields are kept, so a file round-trips through this version.

Entries a loaded file holds but coursemate cannot use (a key with escape sequences, a date like
2025-02-31) are moved to ``"hidden"``, an object keyed by each entry's original JSON path: kept
and merged, never shown (see ``repair``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, TypeGuard, get_args

from coursemate.course.keys import is_assignment_key, is_course_id, is_item_key

SCHEMA_VERSION = 1
# A store or export file is never bigger: the store refuses to read one, the class view skips it.
MAX_STORE_BYTES = 64 * 1024 * 1024

ReflectionField = Literal["did", "happened", "learned", "next"]
Status = Literal["planned", "running", "done", "dropped"]
Prompt = Literal["questions", "ideas", "challenges"]
# In this order everywhere: forms, reports and the status picker.
REFLECTION_FIELDS: tuple[ReflectionField, ...] = get_args(ReflectionField)
STATUSES: tuple[Status, ...] = get_args(Status)
PROMPTS: tuple[Prompt, ...] = get_args(Prompt)


AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so timestamps compare as strings
_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\Z")
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")

_SURROGATE = re.compile(r"[\ud800-\udfff]")

Register = dict[str, Any]
Doc = dict[str, Any]


def new_document(learner: str, now: str) -> Doc:
    return {
        "schema_version": SCHEMA_VERSION,
        "learner": learner,
        "created": now,
        "updated": now,
        "courses": {},
    }


def is_register(value: Any) -> TypeGuard[Register]:
    return isinstance(value, dict) and "at" in value and "value" in value


def newer(a: Register, b: Register) -> bool:
    """Is ``a`` the later write? Ties break on the value so every process picks the same one."""
    if a["at"] != b["at"]:
        return bool(a["at"] > b["at"])
    if a["value"] == b["value"] and type(a["value"]) is type(b["value"]):
        return False  # the same write seen twice: the common case when merging
    return json.dumps(a["value"], sort_keys=True) > json.dumps(b["value"], sort_keys=True)


# C0 controls but tab and newline, DEL and C1 controls: a terminal acts on them (ESC starts
# every escape sequence), and nobody types them into a note.
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Learner text as stored: lone surrogates (not encodable, not typeable) become U+FFFD, and
    control characters (a pasted escape sequence's ESC, a stray CR) are dropped, so coursemate
    never writes one and an import can refuse a file that holds one."""
    text = str(text).replace("\r\n", "\n")
    return _CONTROL_TEXT.sub("", _SURROGATE.sub("\ufffd", text))


# --- validation --------------------------------------------------------------------------
#
# Two levels. The *shape* (objects where objects belong, registers with a value of the right
# type and a stamp of the right form) decides whether a file is a learner store at all: a file
# that fails it is moved aside by the store. Within that shape, *problems* are values that are
# well-formed but unusable: a key or course id the reader cannot make (escape sequences, newlines,
# over-long), a date like 2025-02-31, a stamp like 9999-99-99T99:99:99.999999Z or one in the
# future. An import is refused at the first problem (nothing is merged); a store file being
# loaded is repaired instead (``repair``), so one bad entry never costs the learner the rest.

FUTURE_SLACK = timedelta(days=1)  # clocks disagree; a stamp further ahead than this is wrong
MAX_IMPORT_TEXT = 100_000  # characters in one imported note or reflection
HIDDEN = "hidden"  # where ``repair`` sets aside entries it cannot use, keyed by their JSON path

_AT_EXACT = re.compile(r"(\d{4}-\d\d-\d\d)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z\Z")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MISSING = object()

Path_ = tuple[str, ...]


def json_path(path: Path_) -> str:
    """``courses["41711"].items["m1/r/x"].done.at``: readable, and safe to print (escaped)."""
    out = []
    for name in path:
        if _PLAIN_NAME.match(name):
            out.append(f".{name}")
        else:
            quoted = json.dumps(name)  # ASCII only: escape sequences arrive as \u001b
            out.append(f"[{quoted[:60]}…]" if len(quoted) > 62 else f"[{quoted}]")
    return "".join(out).lstrip(".")


class ShapeError(ValueError):
    """The document is JSON but not a learner store; the message says where."""

    def __init__(self, path: Path_, message: str) -> None:
        super().__init__(f"{json_path(path)}: {message}" if path else message)


@dataclass(frozen=True)
class Problem:
    """A well-formed value coursemate cannot use, at ``path`` (see ``repair``)."""

    path: Path_
    message: str
    entry: Path_ | None  # what to set aside on load; None: a stamp to set to now

    def __str__(self) -> str:
        return f"{json_path(self.path)}: {self.message}"


@functools.lru_cache(maxsize=4096)  # a store has few distinct days; stamps repeat them
def _real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_stamp(value: str) -> datetime:
    """A register stamp as an aware datetime; ``ValueError`` when it is not a real one."""
    if not isinstance(value, str) or _AT_EXACT.match(value) is None:
        raise ValueError(f"not a UTC timestamp: {value!r:.40}")
    return datetime.strptime(value, AT_FORMAT).replace(tzinfo=UTC)


def stamp_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(AT_FORMAT)


def utcnow() -> datetime:
    """The clock every stamp the store writes or checks comes from."""
    return datetime.now(UTC)


_Check = Callable[[Any], bool]


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_status(v: Any) -> bool:
    return v in STATUSES


def _is_date_form(v: Any) -> bool:
    return isinstance(v, str) and _DATE.match(v) is not None


def _is_date_form_or_none(v: Any) -> bool:
    return v is None or _is_date_form(v)


def _is_own(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and isinstance(v.get("assignment"), str)
        and isinstance(v.get("text"), str)
    )


# Shape: the type each register's value must have.
ITEM_REGISTERS: dict[str, _Check] = {
    "done": _is_bool,
    "chosen": _is_bool,
    "note": _is_str,
    "status": _is_status,
    "title": _is_str,  # the experiment's text when chosen, for reports after the course changes
    "own": _is_own,
}
ITEM_MAPS: dict[str, _Check] = {"status_dates": _is_date_form, "reflection": _is_str}
COURSE_REGISTERS: dict[str, _Check] = {
    "last_position": _is_str,
    "catchup_date": _is_date_form_or_none,
}
COURSE_MAPS: dict[str, _Check] = {"prompts": _is_str}
# The names a map may hold: anything else could reach the screen as a label.
MAP_NAMES: dict[str, tuple[str, ...]] = {
    "status_dates": STATUSES,
    "reflection": REFLECTION_FIELDS,
    "prompts": PROMPTS,
}

_Usable = Callable[[Any], str | None]  # a problem with a well-typed value, or None


def _text_problem(v: str) -> str | None:
    return None if len(v) <= MAX_IMPORT_TEXT else f"longer than {MAX_IMPORT_TEXT} characters"


def _date_problem(v: str | None) -> str | None:
    return None if v is None or _real_date(v) else f"{v!r} is not a real date"


def _key_problem(v: str) -> str | None:
    return None if is_item_key(v) else f"{v!r:.60} is not an item key coursemate makes"


def _own_problem(v: dict[str, Any]) -> str | None:
    if not is_assignment_key(v["assignment"]):
        return f"assignment {v['assignment']!r:.60} is not an assignment key"
    return _text_problem(v["text"])


USABLE: dict[str, _Usable] = {
    "note": _text_problem,
    "title": _text_problem,
    "reflection": _text_problem,
    "prompts": _text_problem,
    "own": _own_problem,
    "status_dates": _date_problem,
    "catchup_date": _date_problem,
    "last_position": _key_problem,
}


class _Checker:
    """One walk over a document: raises ``ShapeError``, collects ``Problem``s.

    Every register takes ``fine`` first (a handful of checks, no allocation: a store holds tens
    of thousands); only one that fails it takes ``register`` to find out what is wrong.
    """

    def __init__(self, now: datetime) -> None:
        self.latest = stamp_text(now + FUTURE_SLACK)  # fixed width: compares as a string
        self.problems: list[Problem] = []
        self.days: dict[str, bool] = {}  # date part of a stamp -> is it a real day

    def fine(self, value: Any, name: str, check: _Check) -> bool:
        if type(value) is not dict or not check(value.get("value", _MISSING)):
            return False
        at = value.get("at")
        if type(at) is not str or at > self.latest or _AT_EXACT.match(at) is None:
            return False
        day = self.days.get(at[:10])
        if day is None:
            day = self.days[at[:10]] = _real_date(at[:10])
        usable = USABLE.get(name)
        return day and (usable is None or usable(value["value"]) is None)

    def stamp(self, at: Any, path: Path_) -> None:
        if not isinstance(at, str) or _AT.match(at) is None:
            raise ShapeError(path, "expected a UTC timestamp like 2025-11-08T10:12:03.123456Z")
        exact = _AT_EXACT.match(at)
        if exact is None or not _real_date(exact.group(1)):
            self.problems.append(Problem(path, f"{at!r} is not a real time", None))
        elif at > self.latest:
            self.problems.append(Problem(path, f"{at} is in the future", None))

    def register(
        self, value: Any, name: str, check: _Check, path: Path_, *, named: bool = True
    ) -> None:
        """Check one register; ``named`` False: its name in a map is not one coursemate uses."""
        if not is_register(value):
            raise ShapeError(path, "expected {'at': ..., 'value': ...}")
        if not check(value["value"]):
            raise ShapeError((*path, "value"), f"unexpected value {value['value']!r:.60}")
        if not isinstance(value["at"], str) or _AT.match(value["at"]) is None:
            self.stamp(value["at"], (*path, "at"))  # raises: not a stamp at all
        if not named:
            allowed = ", ".join(MAP_NAMES[path[-2]])
            self.problems.append(Problem(path, f"expected one of {allowed}", path))
            return
        usable = USABLE.get(name)
        problem = usable(value["value"]) if usable is not None else None
        if problem is not None:
            self.problems.append(Problem((*path, "value"), problem, path))
        else:
            self.stamp(value["at"], (*path, "at"))

    def fields(
        self,
        obj: dict[str, Any],
        registers: dict[str, _Check],
        maps: dict[str, _Check],
        base: Path_,
        key: str | None = None,
    ) -> None:
        """Check a course (``base``) or its item ``key`` (path built only for a problem)."""
        for name, value in obj.items():
            check = registers.get(name)
            if check is not None:
                if not self.fine(value, name, check):
                    path = base if key is None else (*base, "items", key)
                    self.register(value, name, check, (*path, name))
            elif name in maps:
                path = base if key is None else (*base, "items", key)
                if not isinstance(value, dict):
                    raise ShapeError((*path, name), "expected an object")
                allowed, check = MAP_NAMES[name], maps[name]
                for sub, reg in value.items():
                    if sub not in allowed or not self.fine(reg, name, check):
                        self.register(reg, name, check, (*path, name, sub), named=sub in allowed)
            # Unknown fields are kept untouched: a later version may have written them.


def check_document(data: Any, now: datetime) -> tuple[Doc, list[Problem]]:
    """``data`` if it is a learner store of a schema version this coursemate can read, and
    the problems found in it (in document order), stamps compared with ``now``.

    Raises ``ShapeError`` otherwise. Call ``schema_version_of`` first to spot newer files.
    """
    if not isinstance(data, dict):
        raise ShapeError((), "expected a JSON object at the top")
    version = schema_version_of(data)
    if version is None or version < 1:
        raise ShapeError(("schema_version",), "expected a whole number from 1")
    if not isinstance(data.get("learner"), str):
        raise ShapeError(("learner",), "expected the learner's name")
    checker = _Checker(now)
    for name in ("created", "updated"):
        if name in data:
            checker.stamp(data[name], (name,))
    if not isinstance(data.get(HIDDEN, {}), dict):
        raise ShapeError((HIDDEN,), "expected an object")
    courses = data.get("courses")
    if not isinstance(courses, dict):
        raise ShapeError(("courses",), "expected an object")
    problems = checker.problems
    for course_id, course in courses.items():
        where = ("courses", course_id)
        if not isinstance(course, dict):
            raise ShapeError(where, "expected an object")
        before = len(problems)
        checker.fields(course, COURSE_REGISTERS, COURSE_MAPS, where)
        items = course.get("items", {})
        if not isinstance(items, dict):
            raise ShapeError((*where, "items"), "expected an object")
        for key, item in items.items():
            if not isinstance(item, dict):
                raise ShapeError((*where, "items", key), "expected an object")
            first = len(problems)
            checker.fields(item, ITEM_REGISTERS, ITEM_MAPS, where, key)
            if not is_item_key(key):
                # The whole item goes aside: what is wrong inside it no longer matters.
                del problems[first:]
                at = (*where, "items", key)
                problems.append(Problem(at, "not an item key coursemate makes", at))
        if not is_course_id(course_id):
            del problems[before:]
            problems.append(Problem(where, "not a course id coursemate makes", where))
    return data, problems


MAX_IMPORT_DEPTH = 16  # objects and arrays within one register or unknown field


def import_problem(doc: Doc) -> Problem | None:
    """What an import holds beyond ``check_document``'s problems that coursemate never writes:
    learner text with control characters (a store file keeps such text and shows it cleaned;
    an import is refused) or values nested deeper than ``MAX_IMPORT_DEPTH``. Call on a document
    that passed ``check_document``."""
    for course_id, course in doc["courses"].items():
        where: Path_ = ("courses", course_id)
        found = _walk_import(course, where, 0)
        if found is not None:
            return found
    return None


def _walk_import(value: Any, path: Path_, depth: int) -> Problem | None:
    if depth > MAX_IMPORT_DEPTH:
        return Problem(path, f"nested deeper than {MAX_IMPORT_DEPTH} levels", None)
    if isinstance(value, str):
        if _CONTROL_TEXT.search(value):
            return Problem(path, "holds control characters coursemate never writes", None)
        return None
    children: Iterable[tuple[str, Any]]
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for name, child in children:
        found = _walk_import(child, (*path, name), depth + 1)
        if found is not None:
            return found
    return None


def repair(doc: Doc, problems: list[Problem], now: datetime) -> tuple[list[Path_], list[Path_]]:
    """Make a loaded document usable, losing nothing; (paths set aside, stamps set to now).

    An entry with a bad key, course id or value moves to ``doc["hidden"]`` under its JSON path:
    kept in the file, merged like the rest, never shown. An impossible or future stamp becomes
    ``now``, so the register reads as written now and the learner can change it again (a
    later stamp than 9999-12-31T23:59:59.999999Z does not exist).
    """
    hidden: list[Path_] = []
    clamped: list[Path_] = []
    now_text = stamp_text(now)
    for problem in problems:
        if problem.entry is None:
            _container(doc, problem.path)[problem.path[-1]] = now_text
            clamped.append(problem.path)
            continue
        entry = _container(doc, problem.entry).pop(problem.entry[-1])
        aside = doc.setdefault(HIDDEN, {})
        name = json.dumps(list(problem.entry), ensure_ascii=False)
        aside[name], _ = merge_value(aside.get(name), entry)
        hidden.append(problem.entry)
    return hidden, clamped


def _container(doc: Doc, path: Path_) -> dict[str, Any]:
    node: Any = doc
    for name in path[:-1]:
        node = node[name]
    return node  # type: ignore[no-any-return]


def schema_version_of(data: Any) -> int | None:
    version = data.get("schema_version") if isinstance(data, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


# --- merging -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """One register written at the same moment with two values: ``kept`` won, ``dropped`` lost.

    It happens when an export is edited by hand (the value changed, the stamp left); ``newer``
    picks the same winner on every machine, so stores still converge.
    """

    path: Path_
    kept: Any
    dropped: Any


def merge_value(
    local: Any, remote: Any, conflicts: list[Conflict] | None = None
) -> tuple[Any, bool]:
    """``local`` with ``remote`` merged in (in place where possible) and whether it changed.

    Registers written at the same stamp with different values are added to ``conflicts``.
    """
    if remote is None:
        return local, False
    if local is None:
        return remote, True
    if is_register(local) and is_register(remote):
        take = newer(remote, local)
        if conflicts is not None and remote["at"] == local["at"] and not _same(local, remote):
            winner, loser = (remote, local) if take else (local, remote)
            conflicts.append(Conflict((), winner["value"], loser["value"]))
        return (remote, True) if take else (local, False)
    if isinstance(local, dict) and isinstance(remote, dict):
        changed = False
        for name, value in remote.items():
            before = len(conflicts) if conflicts is not None else 0
            merged, did = merge_value(local.get(name), value, conflicts)
            if conflicts is not None and len(conflicts) > before:
                _prefix(conflicts, before, (name,))
            if did:
                local[name] = merged
                changed = True
        return local, changed
    return local, False  # a plain value both sides have: ours stays


def _same(a: Register, b: Register) -> bool:
    return bool(a["value"] == b["value"]) and type(a["value"]) is type(b["value"])


def _prefix(conflicts: list[Conflict], start: int, path: Path_) -> None:
    for i in range(start, len(conflicts)):
        c = conflicts[i]
        conflicts[i] = Conflict(path + c.path, c.kept, c.dropped)


def merge_documents(
    local: Doc,
    remote: Doc,
    on_item_change: Callable[[str, str], None] | None = None,
    conflicts: list[Conflict] | None = None,
) -> bool:
    """Merge ``remote`` into ``local`` in place; True when ``local`` changed.

    ``on_item_change(course_id, key)`` hears of every item that changed (render caches);
    ``conflicts`` collects same-stamp, different-value registers (see ``Conflict``).
    """
    changed = False
    local_courses = local.setdefault("courses", {})
    for course_id, remote_course in remote.get("courses", {}).items():
        course = local_courses.setdefault(course_id, {})
        for name, value in remote_course.items():
            before = len(conflicts) if conflicts is not None else 0
            if name != "items":
                course[name], did = merge_value(course.get(name), value, conflicts)
                changed |= did
                if conflicts is not None and len(conflicts) > before:
                    _prefix(conflicts, before, ("courses", course_id, name))
                continue
            items = course.setdefault("items", {})
            for key, remote_item in value.items():
                before = len(conflicts) if conflicts is not None else 0
                merged, did = merge_value(items.get(key), remote_item, conflicts)
                if conflicts is not None and len(conflicts) > before:
                    _prefix(conflicts, before, ("courses", course_id, "items", key))
                if did:
                    items[key] = merged
                    changed = True
                    if on_item_change is not None:
                        on_item_change(course_id, key)
    for name, value in remote.items():
        if name == "courses":
            continue
        if name == HIDDEN:
            local[name], did = merge_value(local.get(name), value)
            changed |= did
            continue
        earlier = name == "created" and isinstance(value, str) and value < local.get(name, value)
        later = name == "updated" and isinstance(value, str) and value > local.get(name, "")
        if earlier or later or name not in local:
            local[name] = value
    return changed


# --- rendering ---------------------------------------------------------------------------


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


ITEMS_INDENT = 6
_ITEM_PREFIX = " " * (ITEMS_INDENT + 2)


def item_line(key: str, item: dict[str, Any]) -> str:
    """One item on one line, indented: readable, and cacheable so saving 10,000 stays cheap."""
    return f"{_ITEM_PREFIX}{dumps(key)}: {dumps(item)}"


def _block(entries: list[str], indent: int, *, indented: bool = False) -> str:
    if not entries:
        return "{}"
    inner = " " * (indent + 2)
    body = ",\n".join(entries if indented else [inner + e for e in entries])
    return "{\n" + body + "\n" + " " * indent + "}"


def render(doc: Doc, lines: Callable[[str, dict[str, Any]], list[str]]) -> bytes:
    """The document as UTF-8 JSON: nested objects indented, one line per item and register.

    ``lines(course_id, items)`` gives the ``item_line``s in key order (the caller caches them).
    Lone surrogates (which UTF-8 cannot hold) are written as JSON ``\\udxxx`` escapes, which
    read back as the same string.
    """
    top: list[str] = []
    for name in sorted(doc):
        value = doc[name]
        if name != "courses":
            top.append(f"{dumps(name)}: {dumps(value)}")
            continue
        courses: list[str] = []
        for course_id in sorted(value):
            course = value[course_id]
            fields: list[str] = []
            for field in sorted(course):
                if field == "items":
                    items = lines(course_id, course["items"])
                    body = _block(items, ITEMS_INDENT, indented=True)
                    fields.append(f'"items": {body}')
                else:
                    fields.append(f"{dumps(field)}: {dumps(course[field])}")
            courses.append(f"{dumps(course_id)}: {_block(fields, 4)}")
        top.append(f'"courses": {_block(courses, 2)}')
    return (_block(top, 0) + "\n").encode("utf-8", "backslashreplace")


def json_problem(exc: ValueError | RecursionError) -> str:
    """Why ``json.loads`` refused a file, for the person reading it. Besides a syntax error
    (``JSONDecodeError``) and bytes that are not UTF-8, it refuses only a number too long to
    convert, with advice for programmers ("use sys.set_int_max_str_digits()"), and arrays
    nested past Python's recursion limit."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.lineno}:{exc.colno}: {exc.msg}"
    if isinstance(exc, RecursionError):
        return "nested too deep"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text at byte {exc.start}"
    return "a number too long to read"
