"""Stable keys for course items.

The learner store keys every mark, choice and note by these strings, so they must survive
reordering and edits elsewhere in the course file. The scheme:

- module:      ``m<id>`` where ``<id>`` is the module's ``id`` from the file (slugged), else the
               slug of its title. ``m1``, ``mintro``.
- resource:    ``<module key>/r/<slug of title>``; when the title is empty, a short hash of the
               link. ``m1/r/what-is-a-product``.
- pre-reading: ``pre/<slug of title>`` (same fallback). ``pre/the-scrum-guide``.
- assignment:  ``<module key>/a`` (a module has at most one).
- experiment:  ``<assignment key>/x/<8 hex digits>``: a hash of the experiment's text with case,
               whitespace and Markdown punctuation folded, so it survives reordering, edits to
               other experiments, and re-wrapping; editing the experiment's own words gives it
               a new key (the old one is then reported as orphaned, never deleted).

- own experiment (the learner's): ``<assignment key>/own/<8 hex digits>``, random.

Where two siblings would get the same key, the second gets ``~2``, the third ``~3``, in file
order. Keys use only ``[a-z0-9-/~]`` so they are safe on a command line. ``is_item_key`` is that
alphabet as a grammar and ``is_course_id`` the shape of a course identity; the learner store
checks both on import and on load, because a store file or an export can come from anywhere.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from coursemate.course.text import one_line

_NON_WORD = re.compile(r"[^a-z0-9]+")
_FOLD = re.compile(r"[\W_]+", re.UNICODE)


SLUG_LENGTH = 48
COURSE_ID_LENGTH = 200  # ``fields.identifier`` keeps at most this many characters
# The longest key the grammar below allows is about 120 characters; a little room on top.
KEY_LENGTH = 160

# One slug (``slug``: words of [a-z0-9] joined by single hyphens, or ``short_hash`` hex), with
# the ``~n`` a repeated sibling gets.
_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*(?:~[1-9][0-9]{0,5})?"
_HEX = r"[0-9a-f]{8}"
_ITEM_KEY = re.compile(
    rf"pre/{_NAME}"
    rf"|m{_NAME}(?:/r/{_NAME}|/a(?:/x/{_HEX}(?:~[1-9][0-9]{{0,5}})?|/own/{_HEX})?)?"
)
_ASSIGNMENT_KEY = re.compile(rf"m{_NAME}/a")


def is_item_key(value: object) -> bool:
    """Could the reader (or ``Store.add_own_experiment``) have made this key?"""
    return (
        isinstance(value, str)
        and len(value) <= KEY_LENGTH
        and _ITEM_KEY.fullmatch(value) is not None
    )


def is_assignment_key(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= KEY_LENGTH
        and _ASSIGNMENT_KEY.fullmatch(value) is not None
    )


def is_course_id(value: object) -> bool:
    """Is ``value`` a course identity the reader could produce: one clean line, not too long?

    The reader keeps an ``id`` as written (folded to one line, escapes and controls removed,
    cut to ``COURSE_ID_LENGTH``, which can leave one trailing space), else a slug.
    """
    return (
        isinstance(value, str)
        and 0 < len(value) <= COURSE_ID_LENGTH
        and one_line(value) == value.removesuffix(" ")
    )


def slug(text: str, max_len: int = SLUG_LENGTH) -> str:
    """Lower-case ASCII slug; empty when nothing word-like remains."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return s[:max_len].rstrip("-")


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def fold(text: str) -> str:
    """Text with case, whitespace and punctuation folded away (for content hashes)."""
    return _FOLD.sub(" ", text.casefold()).strip()


def top_key(key: str) -> str:
    """The key of the module (or ``pre`` for pre-reading) that holds the item with ``key``."""
    return key.split("/", 1)[0]


def module_key(module_id: str, title: str) -> str:
    return "m" + (slug(module_id) or slug(title) or short_hash(title or module_id))


def named_key(prefix: str, title: str, link: str | None) -> str:
    return f"{prefix}/{slug(title) or short_hash(link or title or '-')}"


def experiment_key(assignment_key: str, text: str) -> str:
    return f"{assignment_key}/x/{short_hash(fold(text))}"


class KeyAllocator:
    """Hands out unique keys among siblings, suffixing ``~2``, ``~3`` to repeats."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, key: str) -> str:
        n = self._seen.get(key, 0) + 1
        self._seen[key] = n
        return key if n == 1 else f"{key}~{n}"
