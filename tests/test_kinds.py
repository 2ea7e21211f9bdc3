"""Readable kinds for resource types: every type the real course files use has one; the
reading list shows the kind, the reading pane the kind and the type as written."""

from __future__ import annotations

from pathlib import Path

from coursemate.course.discover import find_courses
from coursemate.course.kinds import ACTIVITIES, KINDS, activity, readable_kind
from coursemate.course.reader import load_course
from coursemate.ui.screens.reading_list import ReadingListScreen
from helpers import go, make_app, pane_lines, study, top_screen

# Its type is the site's icon name, handshake-angle.
EBM_GUIDE = "The Evidence-based Management Guide"


def corpus_types(corpus: Path, reference: Path) -> set[str]:
    types: set[str] = set()
    for path in [*find_courses(corpus), reference]:
        course = load_course(path)
        for res in course.all_resources():
            types.add(res.type)
            types.update(link.type for link in res.links)
    return types - {""}


def test_every_type_in_the_corpus_has_a_readable_kind(
    corpus_dir: Path, reference_path: Path
) -> None:
    types = corpus_types(corpus_dir, reference_path)
    assert {"handshake-angle", "waveform-lines", "excersize", "flask-vial"} <= types
    assert {t for t in types if t.lower() not in KINDS} == set()
    kinds = {readable_kind(t) for t in types}
    # No icon name or misspelling reaches the learner, and each kind has its icon.
    assert kinds.isdisjoint({"handshake-angle", "waveform-lines", "excersize", "flask-vial"})
    assert all(activity(t) != "other" for t in types)
    assert set(ACTIVITIES) >= kinds
    assert readable_kind("excersize") == "exercise"
    assert readable_kind("waveform-lines") == "podcast"


def test_a_type_not_in_the_table_is_shown_as_written() -> None:
    assert readable_kind(" textNlist ") == "textNlist"
    assert readable_kind("Video") == "video"
    assert readable_kind("") == ""
    assert readable_kind("none") == ""


async def test_the_reading_list_shows_kinds_and_the_pane_the_raw_type(
    tmp_path: Path, reference_path: Path
) -> None:
    course = load_course(reference_path)
    ebm = next(r for r in course.all_resources() if r.title == EBM_GUIDE)
    assert ebm.type == "handshake-angle"
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, ebm.key)
        lines = await pane_lines(pilot, screen, "Kind:")
        shown = " ".join(line.text for line in lines)
        assert "Kind: guide (type: handshake-angle)" in " ".join(shown.split())
        await pilot.press("r")
        await pilot.pause()
        reading = top_screen(app)
        assert isinstance(reading, ReadingListScreen)
        table = reading.table
        types = {
            str(table.get_row_at(i)[1]).split(" ", 1)[1]: str(table.get_row_at(i)[2])
            for i in range(table.row_count)
        }
        assert types[EBM_GUIDE] == "guide"
        assert "handshake-angle" not in types.values()
        assert "newspaper" not in types.values() and "article" in types.values()
