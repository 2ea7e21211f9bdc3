"""Which links coursemate opens or copies, and how site-relative ones are resolved.

Rules: only ``http``/``https`` URLs are opened or copied. A site-relative link such as
``/resources/guides/x`` resolves against the course's site URL (``--site-url`` or the
``site_url`` setting); without one the learner is told so. Anything else (``file:``,
``javascript:``, ``mailto:``) is refused with a message. No Textual here: these rules are
tested on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from coursemate.course.links import WEB_SCHEMES, classify_link
from coursemate.course.text import one_line


@dataclass(frozen=True)
class LinkTarget:
    """Either a URL that may be opened, or the reason there is none."""

    url: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.url is not None


def _is_web_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def _safe(url: str) -> str:
    # Spaces and non-ASCII are percent-encoded; reserved characters are kept as written.
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def resolve_link(link: str | None, site_url: str | None) -> LinkTarget:
    """The URL to open for a link as written in the course file."""
    # The same rule the reader warns by (coursemate.course.links).
    kind, text = classify_link(link)
    if kind == "none":
        return LinkTarget(None, "this item has no link")
    if kind == "web":
        return LinkTarget(_safe(text))
    if kind == "refused":
        return LinkTarget(None, f"only web links (http/https) are opened; refused {text!r}")
    # No scheme: relative to the course's website.
    base = one_line(site_url or "")
    if not base:
        return LinkTarget(
            None,
            "this link is relative to the course's website; set the site's address with "
            '--site-url or "site_url" in settings.json',
        )
    if not _is_web_url(base):
        return LinkTarget(None, f"the site URL {base!r} is not an http(s) address")
    if not base.endswith("/"):
        base += "/"
    resolved = urljoin(base, text)
    if not _is_web_url(resolved):
        return LinkTarget(None, f"{text!r} does not resolve to a web address")
    return LinkTarget(_safe(resolved))


def open_in_browser(url: str) -> str | None:
    """Open ``url`` in a graphical browser; the reason it was not opened, or None.

    Console browsers (lynx, w3m, www-browser...) would fight the app for the terminal, so they
    are never launched from here. Blocking: call from a worker thread.
    """
    if not _is_web_url(url):
        return f"refused to open {url!r}: not an http(s) link"
    import webbrowser  # here, not at start-up: only a pressed key needs it

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return "no web browser found; press c to copy the link instead"
    if type(browser) is webbrowser.GenericBrowser:
        return "only a console browser is available; press c to copy the link instead"
    try:
        opened = browser.open(url, new=2)
    except OSError as exc:
        return f"the browser could not be started: {exc.strerror or exc}"
    return None if opened else "the browser did not accept the link; press c to copy it"


def copy_message(url: str, environ: Mapping[str, str]) -> str:
    """What to tell after ``url`` was handed to the terminal to copy (OSC 52).

    The app cannot know whether it arrived: terminals may ignore OSC 52, and tmux passes it on
    only with ``set-clipboard on``. So the message says where it was sent and shows the link,
    for copying by hand.
    """
    lines = [
        url,
        "Sent to the terminal's clipboard (OSC 52). Some terminals ignore that: "
        "then copy the link above by hand.",
    ]
    if environ.get("TMUX"):
        lines.append(
            "Inside tmux it reaches the clipboard only with 'set -g set-clipboard on' "
            "in ~/.tmux.conf."
        )
    return "\n".join(lines)
