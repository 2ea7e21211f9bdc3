"""The tree's look-alike figures, kept up incrementally, equal the figures worked out from
scratch over every pair of different titles, whatever order the titles arrive in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coursemate.ui.widgets.look_alike import LookAlikes, common_start


def from_scratch(titles: list[str]) -> list[int]:
    return [max((common_start(t, o) for o in titles if o != t), default=0) for t in titles]


@given(st.lists(st.text(alphabet="ab c", max_size=6), max_size=25))
def test_incremental_figures_equal_the_figures_from_scratch(titles: list[str]) -> None:
    look = LookAlikes[int]()
    figures: dict[int, int] = {}
    for i, title in enumerate(titles):
        for moved in look.add(title, i):
            assert look.shared(moved) > figures[moved]  # only growth is reported
        figures = {j: look.shared(j) for j in range(i + 1)}
    assert [look.shared(i) for i in range(len(titles))] == from_scratch(titles)


def test_module_titles_that_start_alike_part_where_they_differ() -> None:
    look = LookAlikes[str]()
    look.add("Agile Product Management I (Product vs. Project)", "m1")
    assert look.shared("m1") == 0
    moved = look.add("Agile Product Management II (Business Strategy)", "m2")
    assert moved == ["m1"]
    assert look.shared("m1") == look.shared("m2") == len("Agile Product Management I")
    assert look.shared("unknown") == 0
