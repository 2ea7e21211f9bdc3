"""Turning raw YAML values into typed fields, with plain-word warnings and field paths.

A value of the wrong type or out of range never refuses the course: it becomes a warning
(line:column and field path) and the field is treated as missing, so a learner still gets
the course and an author sees every problem in one ``check`` run. A list item that is not a
mapping is skipped the same way. Only the reader refuses a file, for its top-level shape.
"""

from __future__ import annotations

import contextlib
import difflib
import html
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from coursemate.course.links import has_scheme, holds_spaces_or_controls
from coursemate.course.model import Problem
from coursemate.course.text import clean, one_line
from coursemate.course.yamlsafe import BadDate, locate

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IFRAME = re.compile(r"<iframe\b([^>]*)>.*?</iframe>|<iframe\b([^>]*)/?>", re.DOTALL | re.I)
_ATTR = re.compile(r'(\w[\w-]*)\s*=\s*"([^"]*)"')
_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\b\s*)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes)?\s*)?$",
    re.I,
)


class Context:
    """Where we are reading from, and the warnings collected so far.

    ``root`` is the composed YAML node graph of the file and ``line_offset`` the line the
    YAML starts on, so every problem can name its line and column in the whole file.
    """

    def __init__(
        self,
        file: Path | None,
        root: yaml.Node | None = None,
        line_offset: int = 0,
        warnings: list[Problem] | None = None,
        drafts: list[str] | None = None,
    ) -> None:
        self.file = file
        self.root = root
        self.line_offset = line_offset
        self.warnings: list[Problem] = [] if warnings is None else warnings
        # Field paths of the items ``items`` left out as drafts (shared like the warnings).
        self.drafts: list[str] = [] if drafts is None else drafts
        self.ignored: set[str] = set()  # the fields ``ignore`` warned about

    def _where(self, field: str | None, at_key: bool = False) -> tuple[int | None, int | None]:
        spot = locate(self.root, field, at_key=at_key) if field else None
        if spot is None:
            return None, None
        return self.position(*spot)

    def position(self, line: int, column: int) -> tuple[int, int]:
        """1-based line:column in the whole file of a 0-based spot in the YAML."""
        return line + 1 + self.line_offset, column + 1

    def warn(self, message: str, field: str | None = None, *, at_key: bool = False) -> None:
        """A warning pinned to the field's value (or, ``at_key``, to the key itself)."""
        line, column = self._where(field, at_key)
        self.warnings.append(Problem("warning", message, self.file, line, column, field))

    def warn_at(self, message: str, spot: BadDate) -> None:
        """A warning pinned to where a value was written, for values no field path reaches."""
        line, column = self.position(spot.line, spot.column)
        self.warnings.append(Problem("warning", message, self.file, line, column))

    def ignore(self, message: str, field: str) -> None:
        """A value that cannot be used: warned about, then treated as missing."""
        self.ignored.add(field)
        self.warn(f"{message}; treated as missing", field)

    def check_keys(self, data: Mapping[Any, Any], known: Iterable[str], path: str) -> None:
        """Warn about keys that look like misspellings of known ones; others are fine.

        Keys that differ from a known one only in case or in ``_`` versus ``-`` are
        spellings real sites use (``course_topics``), not mistakes.
        """
        known_set = known if isinstance(known, (set, frozenset)) else set(known)
        for key in data:
            if not isinstance(key, str) or key in known_set or _is_companion(key, known_set):
                continue
            close = difflib.get_close_matches(key, sorted(known_set), n=1, cutoff=0.8)
            if close and _loose(close[0]) != _loose(key):
                where = f"{path}.{key}" if path else key
                self.warn(
                    f"unknown key '{one_line(key)}': did you mean '{close[0]}'?", where, at_key=True
                )


_COMPANION = "_weight"


def _is_companion(key: str, known: frozenset[str] | set[str]) -> bool:
    """``course_vendors_weight`` beside ``course_vendors``: the site generator's (Hugo's)
    per-taxonomy weight, a key of its own and not a misspelling of the one it orders."""
    return key.endswith(_COMPANION) and key[: -len(_COMPANION)] in known


def _loose(key: str) -> str:
    return key.lower().replace("_", "-")


def describe(value: Any) -> str:
    """A short plain-words description of a YAML value, never walking big structures."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, Mapping):
        return "a mapping of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = one_line(value)
        return repr(text if len(text) <= 40 else text[:37] + "...")
    text = one_line(str(value))
    return text if len(text) <= 40 else text[:37] + "..."


def as_list(ctx: Context, value: Any, path: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, Mapping) and not value:
        return []
    if not isinstance(value, list):
        ctx.ignore(f"expected a list, got {describe(value)}", path)
        return []
    return value


def mappings(ctx: Context, value: Any, path: str) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
    """(index, field path, mapping) of each list item that is a mapping; any other item,
    an empty one (``null``) too, is warned about and skipped: read as an empty mapping it
    would become an untitled module, event or resource the author never wrote."""
    for i, raw in enumerate(as_list(ctx, value, path)):
        where = f"{path}[{i}]"
        if isinstance(raw, Mapping):
            yield i, where, raw
        else:
            ctx.warn(f"expected a mapping of fields, got {describe(raw)}; skipped", where)


def is_draft(entry: Mapping[str, Any]) -> bool:
    """``draft: true`` (the site generator's own flag): not published, so not in the course."""
    flag = entry.get("draft")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() in ("true", "yes"))


def items(ctx: Context, value: Any, path: str) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
    """``mappings`` without the drafts, each of which is counted in ``ctx.drafts``."""
    for i, where, entry in mappings(ctx, value, path):
        if is_draft(entry):
            ctx.drafts.append(where)
        else:
            yield i, where, entry


def markdown(ctx: Context, value: Any, path: str) -> str:
    """Markdown content: HTML comments dropped, iframes turned into links, entities decoded."""
    if value is None:
        return ""
    if isinstance(value, (int, float, date)):  # ``yes``, ``2024-01-01``: YAML's guesses
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n".join(f"- {v}" for v in value)
    if isinstance(value, Mapping):
        for key in ("content", "overview", "text"):
            if isinstance(value.get(key), str):
                return markdown(ctx, value[key], f"{path}.{key}")
        return ""
    if not isinstance(value, str):
        ctx.ignore(f"expected text, got {describe(value)}", path)
        return ""
    text = _HTML_COMMENT.sub("", value)
    text = _IFRAME.sub(_iframe_link, text)
    return clean(html.unescape(text)).strip()


def _iframe_link(match: re.Match[str]) -> str:
    attrs = dict(_ATTR.findall(match.group(1) or match.group(2) or ""))
    title = attrs.get("title") or "embedded content"
    src = html.unescape(attrs.get("src", ""))
    return f"[{title}]({src})" if src.startswith(("http://", "https://")) else f"({title})"


# What a one-line text field holds, named by its key, for the warning when it is not text.
_TEXT_KINDS = {
    "type": "a type",
    "timezone": "a timezone name",
    "location": "a location",
    "code": "a course code",
    "level": "a level",
}


def title(ctx: Context, value: Any, path: str) -> str:
    """One line of text (a title, a type, a timezone name...); "" when absent or not text."""
    if value is None:
        return ""
    if isinstance(value, (int, float, date)):
        return str(value)
    if not isinstance(value, str):
        kind = _TEXT_KINDS.get(path.rpartition(".")[2], "a title")
        ctx.ignore(f"expected {kind} as text, got {describe(value)}", path)
        return ""
    return one_line(html.unescape(_HTML_COMMENT.sub("", value)))


MAX_MINUTES = 1_000_000  # about two years: anything larger is a typo, not a duration


def minutes(ctx: Context, value: Any, path: str) -> int | None:
    """Minutes from 90, 90.0, "90", "90 minutes", "1.5 hours", "1h 30m"; None when absent or
    unusable (with a warning)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        result = value
    elif isinstance(value, float) and math.isfinite(value):
        result = round(value)
    elif (
        isinstance(value, str)
        and (match := _DURATION.match(value))
        and any(match.groups())
        and math.isfinite(total := float(match.group("h") or 0) * 60 + float(match.group("m") or 0))
    ):
        result = round(total)
    else:
        ctx.ignore(f"expected minutes as a whole number, got {describe(value)}", path)
        return None
    if result < 0:
        ctx.ignore(f"expected minutes of zero or more, got {describe(value)}", path)
        return None
    if result > MAX_MINUTES:
        ctx.ignore(f"expected a duration in minutes, got {describe(value)}: far too long", path)
        return None
    return result


def weight(ctx: Context, value: Any, path: str) -> float | None:
    if value is None or value == "":
        return None
    number = math.nan
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        with contextlib.suppress(ValueError, OverflowError):
            number = float(value)
    if not math.isfinite(number):
        ctx.ignore(f"expected a number for weight, got {describe(value)}", path)
        return None
    return number


def link(ctx: Context, value: Any, path: str) -> str | None:
    """The link as written, or None when it is absent, a placeholder, or plain text.

    A link with a scheme (``https:``, ``mailto:``, ``javascript:``) is kept as written, so
    what the app will refuse is seen and warned about, never turned into a web address.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        ctx.ignore(f"expected a link as text, got {describe(value)}", path)
        return None
    raw = html.unescape(value)
    text = one_line(raw)
    if not text or text.startswith("#"):
        return None
    if text.startswith(("/", "./", "../")) or "://" in text or has_scheme(text):
        link = text
    elif " " not in text and "." in text.split("/")[0]:  # "www.example.com/x", no scheme
        link = "https://" + text
    else:
        return None  # plain text, not a link
    if holds_spaces_or_controls(raw):
        # Cleaned up for the screen, it would be an address the file never wrote.
        ctx.ignore("the link holds spaces or control characters", path)
        return None
    return link


def identifier(value: Any) -> str:
    """An id as written (``1``, ``"intro"``); empty for absent or structured values."""
    if value is None or isinstance(value, (list, Mapping)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return one_line(str(value))[:200]


def string_list(ctx: Context, value: Any, path: str) -> tuple[str, ...]:
    """Names from a list of strings, or of mappings with a ``name``/``title``."""
    result: list[str] = []
    for i, item in enumerate(as_list(ctx, value, path)):
        if isinstance(item, Mapping):
            item = item.get("name") or item.get("title")
        if isinstance(item, (list, Mapping)):
            ctx.warn(f"expected a name, got {describe(item)}; skipped", f"{path}[{i}]")
            continue
        if item is not None and (text := one_line(str(item))):
            result.append(text)
    return tuple(result)


def as_datetime(ctx: Context, value: Any, path: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, BadDate):
        value.reported = True
        ctx.ignore(f"'{one_line(value)[:40]}' is not a real date", path)
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    ctx.ignore(f"expected a date and time like 2025-11-07T09:00:00, got {describe(value)}", path)
    return None


def as_date(ctx: Context, value: Any, path: str) -> date | None:
    stamp = as_datetime(ctx, value, path)
    return stamp.date() if stamp else None
