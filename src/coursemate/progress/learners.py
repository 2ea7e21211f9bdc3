"""Learner profiles: who is studying, and who studied last on this machine."""

from __future__ import annotations

import getpass
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coursemate.course.keys import is_course_id
from coursemate.progress.atomic import write_atomic
from coursemate.progress.document import FUTURE_SLACK, parse_stamp
from coursemate.progress.names import LearnerNameError, normalise_learner

LAST_LEARNER_FILE = "last-learner.json"
FALLBACK_LEARNER = "learner"


@dataclass(frozen=True)
class LearnerSummary:
    name: str
    path: Path
    course_ids: tuple[str, ...]
    last_activity: datetime | None


def os_user() -> str:
    """The OS user name; getpass fails in some containers (no passwd entry, no env vars)."""
    try:
        name = getpass.getuser()
    except Exception:  # getpass raises KeyError/OSError/ImportError depending on platform
        return FALLBACK_LEARNER
    try:
        return normalise_learner(name)
    except LearnerNameError:
        return FALLBACK_LEARNER


def default_learner(data_dir: Path) -> str:
    """The learner used last in ``data_dir``, else the OS user name."""
    try:
        data = json.loads((data_dir / LAST_LEARNER_FILE).read_text(encoding="utf-8"))
        return normalise_learner(data["learner"])
    except (OSError, ValueError, KeyError, TypeError):
        return os_user()


def remember_learner(data_dir: Path, name: str) -> None:
    """Make ``name`` the default learner (raises ``OSError`` if the folder is unusable)."""
    name = normalise_learner(name)
    path = data_dir / LAST_LEARNER_FILE
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("learner") == name:
            return  # unchanged: no write
    except (OSError, ValueError, AttributeError):
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"learner": name}, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8", "backslashreplace"))


def _parse_at(value: object) -> datetime | None:
    """A file's last activity; None when it is no real time or lies ahead (a year-9999 stamp
    would overflow on conversion to local time). Opening the store repairs it."""
    if not isinstance(value, str):
        return None
    try:
        moment = parse_stamp(value)
    except ValueError:
        return None
    return moment if moment <= datetime.now(UTC) + FUTURE_SLACK else None


# Every store's name (``coursemate.progress.names.learner_stem``): a slug and ten hex digits.
# Conflict copies, backups and files set aside are named otherwise (spaces, brackets, dots,
# "_", a host name after the hex).
_STORE_NAME = re.compile(r"[a-z0-9-]*-[0-9a-f]{10}\.json")


def list_learners(data_dir: Path) -> list[LearnerSummary]:
    """Every learner with a store in ``data_dir``, by name; unreadable files are skipped
    (opening that learner reports and repairs them).

    Only files named as stores are (``<slug>-<10 hex>.json``): a sync engine's conflict copy, a
    backup, a temp file or a copy set aside holds a learner under another name (``Store.open``
    of that learner merges or reports it), so it is not listed as a learner of its own.
    """
    found: list[LearnerSummary] = []
    try:
        candidates = sorted(data_dir.glob("*.json"))
    except OSError:
        return []
    for path in candidates:
        if not _STORE_NAME.fullmatch(path.name):
            continue
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("learner"), str):
            continue
        courses = data.get("courses")
        found.append(
            LearnerSummary(
                name=data["learner"],
                path=path,
                # A course id the reader cannot make is set aside when the store is opened.
                course_ids=tuple(sorted(c for c in courses if is_course_id(c)))
                if isinstance(courses, dict)
                else (),
                last_activity=_parse_at(data.get("updated")),
            )
        )
    return sorted(found, key=lambda s: (s.name.casefold(), s.name))


def look_alikes(data_dir: Path, name: str) -> list[str]:
    """Learners in ``data_dir`` whose name differs from ``name`` only by case ("Alice" for
    "alice"), when ``name`` itself has no store: a new profile for them would split one
    person's progress in two."""
    name = normalise_learner(name)
    names = [s.name for s in list_learners(data_dir)]
    if name in names:
        return []
    folded = name.casefold()
    return [other for other in names if other.casefold() == folded]
