"""A resource's own ``content`` (Markdown) in the model and the reading pane; ``draft: true``
items left out of the model and counted by ``check``.

The shared corpus has long Markdown ``content`` in its syllabus.yaml files on modules; the
course used here is a real one from it (Professional Scrum Facilitation Skills) whose
"Worst Possible Idea" resource is given that real text as its own content.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coursemate.cli import main
from coursemate.course.cache import load_course_cached, wait_for_writes
from coursemate.course.model import Course, Resource
from coursemate.course.reader import load_course
from coursemate.ui.widgets.detail_pane import MAX_CONTENT_CHARS, bounded_markdown
from helpers import go, make_app, pane_lines, study

FACILITATION = "scrumorg-professional-scrum-facilitation-skills"
RESOURCE = "Worst Possible Idea"
BAD_LINK = "[try it here](javascript:alert(1))"
GOOD_LINK = "[the guide](https://www.scrum.org/resources/worst-possible-idea)"


def module_texts(corpus: Path) -> list[str]:
    """The corpus course's own module texts: real Markdown, thousands of characters."""
    return [m.content for m in load_course(corpus / FACILITATION).modules if m.content]


def resource_named(course: Course, title: str) -> Resource:
    return next(r for r in course.all_resources() if r.title == title)


@pytest.fixture
def facilitation(tmp_path: Path, corpus_dir: Path) -> Path:
    """The corpus course with content on one resource and two items marked as drafts."""
    folder = tmp_path / "courses" / FACILITATION
    shutil.copytree(corpus_dir / FACILITATION, folder)
    syllabus = folder / "syllabus.yaml"
    text = syllabus.read_text(encoding="utf-8")
    content = "\n\n".join([*module_texts(corpus_dir), f"See {GOOD_LINK}, or {BAD_LINK}."])
    block = "".join(f"      {line}\n" if line else "\n" for line in content.splitlines())
    anchor = '  - title: "Worst Possible Idea"\n'
    assert anchor in text
    text = text.replace(anchor, f"{anchor}    content: |\n{block}", 1)
    # Two drafts: one resource, one whole module.
    text = text.replace(
        '  - title: "What is Facilitation?"\n',
        '  - title: "What is Facilitation?"\n    draft: true\n',
        1,
    )
    text = text.replace("- id: 4\n", "- id: 4\n  draft: true\n", 1)
    syllabus.write_text(text, encoding="utf-8")
    return folder


def test_a_resource_keeps_its_content_and_drafts_are_left_out(
    facilitation: Path, corpus_dir: Path
) -> None:
    original = load_course(corpus_dir / FACILITATION)
    course = load_course(facilitation)
    res = resource_named(course, RESOURCE)
    assert len(res.content) > 3000
    assert res.content.startswith(module_texts(corpus_dir)[0][:200])
    assert BAD_LINK in res.content
    titles = {r.title for r in course.all_resources()}
    assert "What is Facilitation?" in {r.title for r in original.all_resources()}
    assert "What is Facilitation?" not in titles
    assert len(course.modules) == len(original.modules) - 1
    assert "4" not in {m.id for m in course.modules}
    # Module numbers stay consecutive, and no key of a kept item moved.
    assert [m.number for m in course.modules] == list(range(1, len(course.modules) + 1))
    assert course.keys() <= original.keys()
    assert len(course.drafts) == 2
    assert not any("draft" in w.message or "content" in w.message for w in course.warnings)


def test_the_parse_cache_keeps_content_and_drafts(facilitation: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_course_cached(facilitation, cache_dir=cache)
    wait_for_writes()
    assert list((cache / "courses").glob("*.json"))
    again = load_course_cached(facilitation, cache_dir=cache)
    assert again == first
    assert resource_named(again, RESOURCE).content == resource_named(first, RESOURCE).content
    assert again.drafts == first.drafts and len(again.drafts) == 2


def test_check_says_how_many_drafts_were_left_out(
    facilitation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(facilitation)]) == 0
    out = capsys.readouterr().out
    assert "2 draft items left out" in out
    assert main(["check", str(facilitation), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    drafts = report["files"][0]["course"]["drafts_left_out"]
    assert drafts == ["syllabus[0].learningResources[0]", "syllabus[3]"]


async def test_the_pane_shows_the_content_with_no_clickable_link(
    facilitation: Path, tmp_path: Path, corpus_dir: Path
) -> None:
    course = load_course(facilitation)
    res = resource_named(course, RESOURCE)
    app = make_app(tmp_path, course=facilitation)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, res.key)
        lines = await pane_lines(pilot, screen, "Welcome and Icebreaker")
        shown = " ".join(" ".join(line.text.split()) for line in lines)
        assert "Welcome and Icebreaker" in shown
        assert "Link: none" not in shown
        # Links in the content are text, never terminal hyperlinks: ``o`` is the only way to
        # open one, and it opens http(s) only.
        assert all(seg.style is None or not seg.style.link for ln in lines for seg in ln)


def test_very_long_content_is_cut_at_a_paragraph_and_says_so(corpus_dir: Path) -> None:
    real = "\n\n".join(module_texts(corpus_dir))
    huge = "\n\n".join([real] * (MAX_CONTENT_CHARS // len(real) + 3))
    shown = bounded_markdown(huge)
    assert len(shown) < MAX_CONTENT_CHARS + 100
    kept = shown.rpartition("\n\n")[0]
    assert huge.startswith(kept) and huge[len(kept) : len(kept) + 2] == "\n\n"
    assert shown.endswith("more characters are in the course file.*")
    assert bounded_markdown(real) == real.strip()
