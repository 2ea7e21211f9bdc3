"""Readable kinds for resource types.

A resource's ``type`` is free text, and the site generator many course files come from writes
the name of the icon it shows (``handshake-angle`` for the Scrum Guide, ``waveform-lines`` for
audio, even the misspelt ``excersize``). Learners see the kind (guide, podcast, exercise);
the raw type stays visible in the reading pane for authors. Every type value found in the
shared corpus of real course files is in ``KINDS``; a type not listed is shown as written.
"""

from __future__ import annotations

from typing import Literal

from coursemate.course.text import one_line

# How a kind is consumed, for the one-cell icon the tree and reading list show.
Activity = Literal["watch", "read", "guide", "do", "other"]

# raw type (lower-cased) -> readable kind
KINDS: dict[str, str] = {
    # site icon names
    "handshake-angle": "guide",
    "waveform-lines": "podcast",
    "excersize": "exercise",
    "flask-vial": "assessment",
    "newspaper": "article",
    "file-pdf": "PDF",
    "learning": "lesson",
    # words authors write
    "video": "video",
    "youtube": "video",
    "presentation": "slides",
    "podcast": "podcast",
    "audio": "podcast",
    "blog": "blog post",
    "post": "blog post",
    "article": "article",
    "page": "web page",
    "forum": "forum thread",
    "reading": "reading",
    "guide": "guide",
    "whitepaper": "white paper",
    "pdf": "PDF",
    "book": "book",
    "exercise": "exercise",
    "quiz": "quiz",
    "assessment": "assessment",
    "course": "course",
    "none": "",
}

ACTIVITIES: dict[str, Activity] = {
    **dict.fromkeys(("video", "slides", "podcast"), "watch"),
    **dict.fromkeys(("blog post", "article", "web page", "forum thread", "reading"), "read"),
    **dict.fromkeys(("guide", "white paper", "PDF", "book", "lesson", "course"), "guide"),
    **dict.fromkeys(("exercise", "quiz", "assessment"), "do"),
}


def readable_kind(resource_type: str) -> str:
    """The kind a learner reads for ``resource_type``; "" when the file gives none."""
    raw = one_line(resource_type).strip()
    known = KINDS.get(raw.lower())
    return known if known is not None else raw


def activity(resource_type: str) -> Activity:
    """Whether the resource is watched, read, studied as a guide, or done."""
    return ACTIVITIES.get(readable_kind(resource_type), "other")
