"""Link rules (which links are opened or copied) and the small settings file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursemate.settings import Settings, load_settings, save_settings, settings_path
from coursemate.ui.links import open_in_browser, resolve_link

SITE = "https://nkdagility.com"


@pytest.mark.parametrize(
    ("link", "site", "expected"),
    [
        ("https://youtu.be/k1BXZk-iCMA", None, "https://youtu.be/k1BXZk-iCMA"),
        ("http://example.com/é", None, "http://example.com/%C3%A9"),
        ("//cdn.example.com/x", None, "https://cdn.example.com/x"),
        ("/resources/guides/the-scrum-guide", SITE, f"{SITE}/resources/guides/the-scrum-guide"),
        ("/resources/x/", SITE + "/", f"{SITE}/resources/x/"),
        ("guides/x", SITE + "/courses/", f"{SITE}/courses/guides/x"),
    ],
)
def test_web_links_resolve(link: str, site: str | None, expected: str) -> None:
    target = resolve_link(link, site)
    assert target.problem is None
    assert target.url == expected


def test_site_relative_link_without_site_url_says_how_to_fix() -> None:
    target = resolve_link("/resources/guides/the-scrum-guide", None)
    assert target.url is None
    assert "--site-url" in (target.problem or "")


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "file:///etc/passwd", "mailto:someone@example.com", "ftp://x.org/"],
)
def test_other_schemes_are_refused(link: str) -> None:
    target = resolve_link(link, SITE)
    assert target.url is None
    assert "only web links" in (target.problem or "")


@pytest.mark.parametrize("link", [None, "", "#", "  "])
def test_missing_links(link: str | None) -> None:
    assert resolve_link(link, SITE).problem == "this item has no link"


def test_bad_site_url_is_reported() -> None:
    target = resolve_link("/x", "file:///home")
    assert target.url is None
    assert "not an http(s) address" in (target.problem or "")


def test_a_link_holding_escape_sequences_or_spaces_is_no_link() -> None:
    # Stripped, it would be an address the file never wrote (course/links.py).
    for link in ("https://a.org/\x1b[31mx", "http://example.com/a b"):
        assert resolve_link(link, None).problem == "this item has no link"


def test_open_in_browser_refuses_non_web_urls() -> None:
    assert "refused" in (open_in_browser("file:///etc/passwd") or "")


def test_settings_round_trip_keeps_unknown_keys(tmp_path: Path) -> None:
    settings_path(tmp_path).write_text(json.dumps({"theme": "nord", "future": [1, 2]}))
    settings, messages = load_settings(tmp_path)
    assert messages == []
    assert settings == Settings(theme="nord", site_url=None, extra={"future": [1, 2]})
    save_settings(tmp_path, settings.with_theme("dracula"))
    saved = json.loads(settings_path(tmp_path).read_text())
    assert saved == {"theme": "dracula", "future": [1, 2]}
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left


def test_corrupt_settings_fall_back_to_defaults_with_a_message(tmp_path: Path) -> None:
    settings_path(tmp_path).write_text("{not json")
    settings, messages = load_settings(tmp_path)
    assert settings == Settings()
    assert len(messages) == 1 and "not valid JSON" in messages[0]


def test_missing_settings_are_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nowhere") == (Settings(), [])
