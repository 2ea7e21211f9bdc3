"""SVG snapshots of the catch-up checklist and the reflection form (120×40, fixed data).

Update after a deliberate change with ``pytest tests/test_experiment_snapshots.py
--snapshot-update`` and look at the report before committing the new SVGs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coursemate.course import load_course
from coursemate.progress import store as store_module
from coursemate.progress.store import REFLECTION_FIELDS, Store
from helpers import CatchupApp

SIZE = (120, 40)


@pytest.fixture
def app(reference_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CatchupApp:
    # Status dates are "today" when set; pin it so the form's "since …" is the same every run.
    monkeypatch.setattr(store_module, "_today", lambda: date(2025, 11, 10))
    course = load_course(reference_path)
    store = Store.open(tmp_path / "data", "Ada")
    cid = course.identity
    chosen = {m: [e for mm, e in course.all_experiments() if mm.key == m] for m in ("m1", "m2")}
    m6 = [e for mm, e in course.all_experiments() if mm.key == "m6"]
    picks = [chosen["m1"][0], chosen["m1"][2], chosen["m2"][3], m6[4]]
    for exp in picks:
        store.set_chosen(cid, exp.key, True, title=exp.text)
    store.set_status(cid, picks[0].key, "done")
    store.set_status(cid, picks[2].key, "running")
    store.set_status(cid, picks[3].key, "dropped")
    answers = ("Listed users and buyers.", "They differ.", "Ask buyers.", "Interview three.")
    for name, text in zip(REFLECTION_FIELDS, answers, strict=True):
        store.set_reflection(cid, picks[0].key, name, text)
    store.set_reflection(cid, picks[2].key, "did", "Built a [bold]product box[/bold] with Sam.")
    own = store.add_own_experiment(cid, "m3/a", "Show the [red]value[/red] dashboard at Review")
    store.set_reflection(cid, own, "did", "Showed it.")
    store.set_chosen(cid, "m4/a/x/deadbeef", True, title="Map the feedback loops (reworded)")
    store.set_catchup_prompt(cid, "questions", "How do others measure value?")
    return CatchupApp(course, store)


def test_catchup_checklist(snap_compare: Any, app: CatchupApp) -> None:
    assert snap_compare(app, terminal_size=SIZE)


def test_reflection_form_over_the_checklist(snap_compare: Any, app: CatchupApp) -> None:
    # down, down: m2's running experiment, one field answered; e opens its form.
    assert snap_compare(app, terminal_size=SIZE, press=["down", "down", "e"])
