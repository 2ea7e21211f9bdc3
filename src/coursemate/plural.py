"""Counts with their noun, in the right number: "1 module", "2 modules", "0 matches".

Every message that counts something goes through ``counted`` (or ``noun`` when the number is
written apart from the noun, as in "3/1 item"), so none reads "1 warnings".
"""

from __future__ import annotations


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """``singular`` for exactly one, else ``plural`` (default: ``singular`` + "s")."""
    if count == 1:
        return singular
    return plural if plural is not None else singular + "s"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """The count and its noun: ``counted(1, "module")`` is "1 module"."""
    return f"{count} {noun(count, singular, plural)}"
