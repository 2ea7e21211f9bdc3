"""Learner display names and the safe file names their stores live in.

A display name may be any Unicode text; the file name is ``<ascii slug>-<10 hex>.json``, the hex
being a hash of the whole (normalised) name, so names that slug alike ("Anna", "anna", "Ånna")
still get their own files, and no name (``../x``, ``/``, NUL, ``CON``, ``NUL.txt``) can leave the
data directory or hit a reserved device name. The display name itself is stored in the file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from coursemate.course.keys import slug
from coursemate.course.text import INVISIBLE

MAX_NAME_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A name is shown in lists and headers and picked by what it looks like: one that reorders
# itself or hides characters could pass for another learner.
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class LearnerNameError(ValueError):
    pass


def normalise_learner(name: str) -> str:
    """The canonical form of a display name (NFC, trimmed); raises ``LearnerNameError``."""
    if not isinstance(name, str):
        raise LearnerNameError("a learner name must be text")
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", name)).strip()
    if not text:
        raise LearnerNameError("a learner name cannot be empty")
    if _CONTROL.search(text):
        raise LearnerNameError("a learner name cannot contain control characters")
    if _INVISIBLE.search(text):
        raise LearnerNameError(
            "a learner name cannot contain invisible or text-direction characters"
        )
    if len(text) > MAX_NAME_LENGTH:
        raise LearnerNameError(f"a learner name can be at most {MAX_NAME_LENGTH} characters")
    return text


def learner_stem(name: str) -> str:
    """File stem for a normalised name: lower-case ASCII letters, digits and hyphens only."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{slug(name, max_len=40) or 'learner'}-{digest}"
