"""The one link rule (coursemate.course.links) the reader warns by and the app applies."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursemate.course.links import classify_link, has_scheme, holds_spaces_or_controls
from coursemate.course.reader import load_course
from coursemate.course.text import one_line
from coursemate.ui.links import resolve_link


def by_urlsplit(link: str) -> str:
    """The rule as the app first wrote it, with urlsplit alone (the fast path must agree)."""
    if holds_spaces_or_controls(link):
        return "none"
    text = one_line(link)
    if not text or text.startswith("#"):
        return "none"
    if text.startswith("//"):
        text = "https:" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return "refused"
    if parts.scheme:
        return "web" if parts.scheme.lower() in ("http", "https") and parts.netloc else "refused"
    return "relative"


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.builds(
            lambda scheme, rest: scheme + rest,
            st.sampled_from(["http://", "https://", "HTTPS://", "//", "file:", "javascript:", ""]),
            st.text(alphabet=st.sampled_from(list("ab.:@[]/?#%-é ")), max_size=12),
        ),
    )
)
def test_the_fast_path_agrees_with_urlsplit(link: str) -> None:
    assert classify_link(link)[0] == by_urlsplit(link)


@pytest.mark.parametrize(
    ("link", "kind"),
    [
        ("https://example.com/x", "web"),
        ("//example.com/x", "web"),
        ("/resources/guide", "relative"),
        ("./x", "relative"),
        ("file:///etc/passwd", "refused"),
        ("javascript:alert(1)", "refused"),
        ("data:text/html,<b>x</b>", "refused"),
        ("mailto:a@example.com", "refused"),
        ("http://[broken", "refused"),
        ("#placeholder", "none"),
        ("", "none"),
        ("  https://example.com/x \n", "web"),  # around the link is fine
        ("https://x.com/a\nb\x1b]8;;http://evil\x07click\x1b]8;;\x07", "none"),
        ("https://x.com/a b", "none"),
        ("/resources/my guide", "none"),
        ("https://x.com/\x1b[31mred", "none"),
        ("https://x.com/\u202eevil", "none"),
    ],
)
def test_kinds_and_the_app_agree(link: str, kind: str) -> None:
    assert classify_link(link)[0] == kind
    target = resolve_link(link, "https://site.example")
    assert target.ok == (kind in ("web", "relative"))


def test_a_scheme_is_not_a_host_with_a_port() -> None:
    assert has_scheme("javascript:alert(document.cookie)")
    assert not has_scheme("example.com:8080/x")


HOSTILE = r"https://x.com/a\nb\e]8;;http://evil\aclick\e]8;;\a"


def test_a_link_holding_controls_is_warned_about_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_text(
        "---\ntitle: Links\nsyllabus:\n  - title: One\n    duration: 5\n"
        "    learningResources:\n"
        f'      - {{title: Evil, duration: 5, link: "{HOSTILE}"}}\n'
        "      - {title: Spaced, duration: 5, url: 'https://x.com/a b'}\n"
        "      - {title: Fine, duration: 5, link: ' https://x.com/ok '}\n"
        "      - {title: Prose, duration: 5, link: 'see the handout'}\n"
        f'syllabusBefore:\n  - {{title: Pre, duration: 5, link: "{HOSTILE}"}}\n'
        "---\n",
        encoding="utf-8",
    )
    course = load_course(path)
    evil, spaced, fine, _ = course.modules[0].resources
    assert (evil.link, spaced.link, fine.link) == (None, None, "https://x.com/ok")
    assert course.prereading[0].link is None
    assert not resolve_link(evil.link, "https://site.example").ok
    warned = [(w.line, w.column, w.field, w.message) for w in course.warnings]
    words = "the link holds spaces or control characters; treated as missing"
    assert warned == [
        (7, 42, "syllabus[0].learningResources[0].link", words),
        (8, 43, "syllabus[0].learningResources[1].url", words),
        (
            10,
            43,
            "syllabus[0].learningResources[3].link",
            "'Prose' has no usable link ('see the handout' is not a web address)",
        ),
        (12, 37, "syllabusBefore[0].link", words),
    ]
