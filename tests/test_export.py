"""Exports: the JSON document, the Markdown progress, and export → import round trips."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursemate.cli import main
from coursemate.course.model import Course
from coursemate.course.reader import load_course
from coursemate.export import progress_json, progress_markdown
from coursemate.progress.document import clean_text
from coursemate.progress.store import PROMPTS, REFLECTION_FIELDS, STATUSES, Store
from helpers import DATA


@pytest.fixture(scope="module")
def minimal() -> Course:
    return load_course(DATA / "minimal.md")


def test_progress_markdown_and_json(minimal: Course, tmp_path: Path) -> None:
    store = Store.open(tmp_path, "Ana")
    cid = minimal.identity
    first = minimal.prereading[0]
    store.set_done(cid, first.key, True)
    store.set_note(cid, first.key, "read twice")
    exp = minimal.modules[0].assignment.experiments[0]  # type: ignore[union-attr]
    store.set_chosen(cid, exp.key, True)
    store.set_done(cid, "pre/gone", True)

    text = progress_markdown(minimal, store, today=date(2025, 3, 1))
    assert text.startswith("# Progress: Minimal Course\n")
    assert f"- [x] {first.title} (20 min)\n  > read twice" in text
    assert f"- [ ] {minimal.prereading[1].title}" in text
    assert "- Overall: 1/5 items, 20/80 min (25%), 60 min left" in text
    assert f"- [planned] {exp.text} (suggested)" in text
    assert "## 2. Practice\n\nNo resources." in text
    assert "## Kept for items no longer in the course\n\n- pre/gone (done)" in text

    data = progress_json(minimal, store)
    assert data["format"] == "coursemate-progress"
    assert data["done_keys"] == [first.key]
    assert data["orphaned_keys"] == ["pre/gone"]
    assert data["overall"]["minutes_done"] == 20
    assert set(data["store"]["courses"]) == {cid}
    json.dumps(data)  # serialisable


# --- round trip --------------------------------------------------------------------------

KEYS = [f"m{m}/r/item-{i}" for m in range(3) for i in range(4)] + ["m1/a/x/0a0b0c0d"]
texts = st.text(max_size=40)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("done"), st.sampled_from(KEYS), st.booleans()),
        st.tuples(st.just("chosen"), st.sampled_from(KEYS), st.booleans()),
        st.tuples(st.just("note"), st.sampled_from(KEYS), texts),
        st.tuples(st.just("status"), st.sampled_from(KEYS), st.sampled_from(STATUSES)),
        st.tuples(
            st.just("reflection"),
            st.sampled_from(KEYS),
            st.tuples(st.sampled_from(REFLECTION_FIELDS), texts),
        ),
        st.tuples(st.just("prompt"), st.sampled_from(PROMPTS), texts),
        st.tuples(
            st.just("own"),
            st.sampled_from(["m1/a", "m2/a"]),
            # What is left once stored (control characters dropped) must be some text.
            texts.filter(lambda t: clean_text(t).strip()),
        ),
        st.tuples(st.just("position"), st.sampled_from(KEYS), st.none()),
        st.tuples(st.just("date"), st.dates(), st.none()),
    ),
    max_size=25,
)


# An operation: its kind, then its two arguments, whose types depend on the kind.
Op = tuple[str, Any, Any]


def apply(store: Store, cid: str, ops: list[Op]) -> None:
    for kind, a, b in ops:
        if kind == "done":
            store.set_done(cid, str(a), bool(b))
        elif kind == "chosen":
            store.set_chosen(cid, str(a), bool(b))
        elif kind == "note":
            store.set_note(cid, str(a), str(b))
        elif kind == "status":
            store.set_status(cid, str(a), b)
        elif kind == "reflection":
            field, text = b
            store.set_reflection(cid, str(a), field, text)
        elif kind == "prompt":
            store.set_catchup_prompt(cid, str(a), str(b))
        elif kind == "own":
            store.add_own_experiment(cid, str(a), str(b))
        elif kind == "position":
            store.set_last_position(cid, str(a))
        elif kind == "date":
            store.set_catchup_date(cid, a)


def view(store: Store, cid: str) -> dict[str, object]:
    """Everything the API shows about a course."""
    keys = sorted(set(KEYS) | store.stored_keys(cid) | store.chosen_keys(cid))
    return {
        "done": store.done_keys(cid),
        "chosen": store.chosen_keys(cid),
        "notes": {k: store.note(cid, k) for k in keys},
        "experiments": {k: store.experiment(cid, k) for k in keys},
        "own": store.own_experiments(cid),
        "prompts": store.catchup_prompts(cid),
        "date": store.catchup_date(cid),
        "position": store.last_position(cid),
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mine=operations, theirs=operations)
def test_export_then_import_merges_like_two_processes(
    minimal: Course, tmp_path_factory: pytest.TempPathFactory, mine: list[Op], theirs: list[Op]
) -> None:
    cid = minimal.identity
    folder = tmp_path_factory.mktemp("roundtrip")
    exporter = Store.open(folder / "a", "Ana")
    apply(exporter, cid, mine)
    exporter.save()
    exported = json.loads(json.dumps(progress_json(minimal, exporter), ensure_ascii=False))

    # Importing into an empty store reproduces everything.
    empty = Store.open(folder / "b", "Ana")
    empty.merge_document(exported["store"])
    empty.save()
    assert view(Store.open(folder / "b", "Ana"), cid) == view(exporter, cid)

    # Importing into a store with its own (later) changes: the order of merging is irrelevant.
    other = Store.open(folder / "c", "Ana")
    apply(other, cid, theirs)
    other.save()
    shared = Store.open(folder / "d", "Ana")
    shared.merge_document(other.document())
    shared.merge_document(exported["store"])
    again = Store.open(folder / "e", "Ana")
    again.merge_document(exported["store"])
    again.merge_document(other.document())
    assert view(shared, cid) == view(again, cid)  # merge order does not matter

    # Importing the same export twice changes nothing.
    assert not shared.merge_document(exported["store"])


NEXT_COURSE = """---
title: Coming up
id: next
syllabusBefore:
  - {title: "Read <b>this</b> ](x)", link: "https://example.com/1", duration: 5}
  - {title: Then that, link: "https://example.com/2", duration: 5}
---
"""


def test_progress_and_its_markdown_name_the_same_next_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "next.md"
    path.write_text(NEXT_COURSE, encoding="utf-8")
    course = load_course(path)
    data = tmp_path / "data"
    first, second = (res.key for res in course.prereading)

    def said() -> tuple[list[str], list[str]]:
        assert main(["progress", str(path), "--learner", "Ana", "--data-dir", str(data)]) == 0
        printed = capsys.readouterr().out.splitlines()
        markdown = progress_markdown(course, Store.open(data, "Ana")).splitlines()
        return [x for x in printed if x.startswith("Next:")], [
            x for x in markdown if x.startswith("- Next:")
        ]

    # The terminal shows the title as written; Markdown escapes what would start a tag or link.
    assert said() == (
        [f"Next: Read <b>this</b> ](x) [{first}]"],
        [f"- Next: Read \\<b>this\\</b> \\](x) [{first}]"],
    )
    store = Store.open(data, "Ana")
    store.set_done(course.identity, first, True)
    store.save()
    assert said() == ([f"Next: Then that [{second}]"], [f"- Next: Then that [{second}]"])
    store.set_done(course.identity, second, True)
    store.save()
    assert said() == ([], [])
