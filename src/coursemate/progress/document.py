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
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 1
REFLECTION_FIELDS = ("did", "happened", "learned", "next")
STATUSES = ("planned", "running", "done", "dropped")
PROMPTS = ("questions", "ideas", "challenges")


def next_status(current: str) -> str:
    """planned → running → done → dropped → planned; anything else starts at planned."""
    order = list(STATUSES)
    return order[(order.index(current) + 1) % len(order)] if current in order else order[0]


AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so timestamps compare as strings
_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\Z")
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")

_SURROGATE = re.compile(r"[\ud800-\udfff]")

Register = dict[str, Any]
Doc = dict[str, Any]


class ShapeError(ValueError):
    """The document is JSON but not a learner store; the message says where."""


def new_document(learner: str, now: str) -> Doc:
    return {
        "schema_version": SCHEMA_VERSION,
        "learner": learner,
        "created": now,
        "updated": now,
        "courses": {},
    }


def is_register(value: Any) -> bool:
    return isinstance(value, dict) and "at" in value and "value" in value


def newer(a: Register, b: Register) -> bool:
    """Is ``a`` the later write? Ties break on the value so every process picks the same one."""
    if a["at"] != b["at"]:
        return bool(a["at"] > b["at"])
    if a["value"] == b["value"] and type(a["value"]) is type(b["value"]):
        return False  # the same write seen twice: the common case when merging
    return json.dumps(a["value"], sort_keys=True) > json.dumps(b["value"], sort_keys=True)


def clean_text(text: str) -> str:
    """Learner text as stored: lone surrogates (not encodable, not typeable) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(text))


# --- validation --------------------------------------------------------------------------

_Check = Callable[[Any], bool]


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_status(v: Any) -> bool:
    return v in STATUSES


def _is_date(v: Any) -> bool:
    return isinstance(v, str) and _DATE.match(v) is not None


def _is_date_or_none(v: Any) -> bool:
    return v is None or _is_date(v)


def _is_own(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and isinstance(v.get("assignment"), str)
        and isinstance(v.get("text"), str)
    )


ITEM_REGISTERS: dict[str, _Check] = {
    "done": _is_bool,
    "chosen": _is_bool,
    "note": _is_str,
    "status": _is_status,
    "title": _is_str,  # the experiment's text when chosen, for reports after the course changes
    "own": _is_own,
}
ITEM_MAPS: dict[str, _Check] = {"status_dates": _is_date, "reflection": _is_str}
COURSE_REGISTERS: dict[str, _Check] = {"last_position": _is_str, "catchup_date": _is_date_or_none}
COURSE_MAPS: dict[str, _Check] = {"prompts": _is_str}


def _check_register(value: Any, check: _Check, where: str) -> None:
    if not is_register(value):
        raise ShapeError(f"{where}: expected {{'at': ..., 'value': ...}}")
    at = value["at"]
    if not isinstance(at, str) or _AT.match(at) is None:
        raise ShapeError(f"{where}.at: expected a UTC timestamp like 2025-11-08T10:12:03.123456Z")
    if not check(value["value"]):
        raise ShapeError(f"{where}.value: unexpected value {value['value']!r:.60}")


def _check_map(value: Any, check: _Check, where: str) -> None:
    if not isinstance(value, dict):
        raise ShapeError(f"{where}: expected an object")
    for name, reg in value.items():
        _check_register(reg, check, f"{where}.{name}")


def _check_fields(
    obj: dict[str, Any], registers: dict[str, _Check], maps: dict[str, _Check], where: str
) -> None:
    for name, value in obj.items():
        if name in registers:
            _check_register(value, registers[name], f"{where}.{name}")
        elif name in maps:
            _check_map(value, maps[name], f"{where}.{name}")
        # Unknown fields are kept untouched: a later version may have written them.


def check_document(data: Any) -> Doc:
    """``data`` if it is a learner store of a schema version this coursemate can read.

    Raises ``ShapeError`` otherwise. Call ``schema_version_of`` first to spot newer files.
    """
    if not isinstance(data, dict):
        raise ShapeError("expected a JSON object at the top")
    version = schema_version_of(data)
    if version is None or version < 1:
        raise ShapeError("schema_version: expected a whole number from 1")
    if not isinstance(data.get("learner"), str):
        raise ShapeError("learner: expected the learner's name")
    for name in ("created", "updated"):
        if name in data and not (isinstance(data[name], str) and _AT.match(data[name])):
            raise ShapeError(f"{name}: expected a UTC timestamp")
    courses = data.get("courses")
    if not isinstance(courses, dict):
        raise ShapeError("courses: expected an object")
    for course_id, course in courses.items():
        where = f"courses.{course_id}"
        if not isinstance(course, dict):
            raise ShapeError(f"{where}: expected an object")
        _check_fields(course, COURSE_REGISTERS, COURSE_MAPS, where)
        items = course.get("items", {})
        if not isinstance(items, dict):
            raise ShapeError(f"{where}.items: expected an object")
        for key, item in items.items():
            if not isinstance(item, dict):
                raise ShapeError(f"{where}.items.{key}: expected an object")
            _check_fields(item, ITEM_REGISTERS, ITEM_MAPS, f"{where}.items.{key}")
    return data


def schema_version_of(data: Any) -> int | None:
    version = data.get("schema_version") if isinstance(data, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


# --- merging -----------------------------------------------------------------------------


def merge_value(local: Any, remote: Any) -> tuple[Any, bool]:
    """``local`` with ``remote`` merged in (in place where possible) and whether it changed."""
    if remote is None:
        return local, False
    if local is None:
        return remote, True
    if is_register(local) and is_register(remote):
        return (remote, True) if newer(remote, local) else (local, False)
    if isinstance(local, dict) and isinstance(remote, dict):
        changed = False
        for name, value in remote.items():
            merged, did = merge_value(local.get(name), value)
            if did:
                local[name] = merged
                changed = True
        return local, changed
    return local, False  # a plain value both sides have: ours stays


def merge_documents(
    local: Doc, remote: Doc, on_item_change: Callable[[str, str], None] | None = None
) -> bool:
    """Merge ``remote`` into ``local`` in place; True when ``local`` changed.

    ``on_item_change(course_id, key)`` hears of every item that changed (render caches).
    """
    changed = False
    local_courses = local.setdefault("courses", {})
    for course_id, remote_course in remote.get("courses", {}).items():
        course = local_courses.setdefault(course_id, {})
        for name, value in remote_course.items():
            if name != "items":
                course[name], did = merge_value(course.get(name), value)
                changed |= did
                continue
            items = course.setdefault("items", {})
            for key, remote_item in value.items():
                merged, did = merge_value(items.get(key), remote_item)
                if did:
                    items[key] = merged
                    changed = True
                    if on_item_change is not None:
                        on_item_change(course_id, key)
    for name, value in remote.items():
        if name == "courses":
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
