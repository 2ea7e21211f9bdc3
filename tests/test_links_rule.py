"""The one link rule (coursemate.course.links) the reader warns by and the app applies."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursemate.course.links import classify_link, has_scheme
from coursemate.course.text import one_line
from coursemate.ui.links import resolve_link


def by_urlsplit(link: str) -> str:
    """The rule as the app first wrote it, with urlsplit alone (the fast path must agree)."""
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
    ],
)
def test_kinds_and_the_app_agree(link: str, kind: str) -> None:
    assert classify_link(link)[0] == kind
    target = resolve_link(link, "https://site.example")
    assert target.ok == (kind in ("web", "relative"))


def test_a_scheme_is_not_a_host_with_a_port() -> None:
    assert has_scheme("javascript:alert(document.cookie)")
    assert not has_scheme("example.com:8080/x")
