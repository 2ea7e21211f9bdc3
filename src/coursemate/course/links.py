"""Which links coursemate will open: the one rule the reader warns by and the app applies.

Only ``http``/``https`` links with a host are opened (``//host/x`` counts as https). A link
without a scheme (``/resources/x``, ``./x``) is relative to the course's website and resolves
once a site URL is known. Any other scheme (``file:``, ``javascript:``, ``data:``,
``mailto:``) is refused. A link holding spaces, line breaks or control characters (an escape
sequence) inside it is no link at all: cleaned up for the screen it would become an address
the file never wrote, so it counts as missing.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from coursemate.course.text import INVISIBLE, one_line

WEB_SCHEMES = ("http", "https")
LinkKind = Literal["none", "web", "relative", "refused"]

# A scheme as RFC 3986 spells it. One with a dot is taken for a host ("example.com:8080/x").
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*):")
# The common case, answered without ``urlsplit`` (a large course has thousands of links): an
# http(s) URL whose host part is plain ASCII without brackets, which urlsplit always accepts.
_PLAIN_WEB = re.compile(r"https?://[A-Za-z0-9.\-_~%!$&'()*+,;=:@]+(?:[/?#]|$)", re.I)


# Whitespace (a line break too), C0/C1 controls (ESC starts every escape sequence), BiDi
# controls and invisible characters: none belongs inside a URL as written.
_NOT_IN_A_LINK = re.compile(rf"[\s\x00-\x1f\x7f-\x9f{INVISIBLE}]")


def holds_spaces_or_controls(link: str) -> bool:
    """``link`` holds whitespace or control characters inside it (around it is fine)."""
    return _NOT_IN_A_LINK.search(link.strip()) is not None


def has_scheme(text: str) -> bool:
    """``text`` starts with a URL scheme such as ``https:`` or ``javascript:``."""
    match = _SCHEME.match(text)
    return match is not None and "." not in match.group(1)


def classify_link(link: str | None) -> tuple[LinkKind, str]:
    """What kind of link ``link`` is, and its text as it would be used (one line, and
    ``//host`` given https); a link holding spaces or control characters is "none"."""
    if link and holds_spaces_or_controls(link):
        return "none", ""
    text = one_line(link or "")
    if not text or text.startswith("#"):
        return "none", text
    if text.startswith("//"):
        text = "https:" + text
    if _PLAIN_WEB.match(text):
        return "web", text
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[broken": an address no browser could open either
        return "refused", text
    if parts.scheme:
        web = parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)
        return ("web" if web else "refused"), text
    return "relative", text
