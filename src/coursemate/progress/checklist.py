"""The catch-up checklist: every chosen experiment, grouped by module, and the words for it.

Built here once, without Textual or Rich: the catch-up screen (``ui/screens/catchup.py``) and
the catch-up report (``export.catchup_markdown``) only render it, so both list the same
experiments in the same groups and order, under the same labels, with the same reflection
text, status history and the learner's notes on the course's modules and resources.

An experiment the course no longer has (an *orphan*: its words were edited, which gives it a new
key, or its assignment went away) stays under its module while that module's assignment is
still there, marked as no longer in the course: the learner chose and ran it for that
assignment, and a typo fix in the course file should not move it out of its module. Only
orphans whose assignment is gone (and any other chosen key the course cannot place) are listed
last, under ``ORPHANED``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coursemate.course.keys import top_key
from coursemate.course.text import clean, one_line
from coursemate.progress.document import PROMPTS, REFLECTION_FIELDS

if TYPE_CHECKING:
    from coursemate.course.model import Course, Module
    from coursemate.progress.document import Status
    from coursemate.progress.state import ExperimentState, LearnerState

# The store's names, in the order of REFLECTION_FIELDS and PROMPTS (a test holds them to it), as
# the reflection form, the detail pane, the catch-up screen and the report word them.
REFLECTION_LABELS: dict[str, str] = {
    "did": "What I did",
    "happened": "What happened",
    "learned": "What I learned",
    "next": "What I will try next",
}
PROMPT_LABELS: dict[str, str] = {
    "questions": "Questions",
    "ideas": "Ideas",
    "challenges": "Challenges",
}

__all__ = [
    "GONE",
    "NOTES",
    "ORPHANED",
    "PROMPTS",
    "PROMPT_LABELS",
    "REFLECTION_FIELDS",
    "REFLECTION_LABELS",
    "Checklist",
    "ChecklistEntry",
    "ChecklistGroup",
    "ChecklistNote",
    "assignment_key_of",
    "build_checklist",
]

ORPHANED = "No longer in the course"
NOTES = "Notes"  # the part listing the learner's notes on modules and resources
GONE = "no longer in the course"  # beside an orphaned experiment's text


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    key: str
    text: str  # one line; "(text not recorded: <key>)" for an orphan whose text is gone
    own: bool  # the learner's own experiment
    status: Status
    reflected: bool  # all four reflection fields written
    orphaned: bool = False  # not in the course file any more (an own one: its assignment)
    # The stored state (status dates, reflection); None only if unchosen meanwhile.
    state: ExperimentState | None = field(default=None, compare=False, repr=False)

    @property
    def gone(self) -> bool:
        """A suggested experiment the course file no longer has (own ones live in the store)."""
        return self.orphaned and not self.own

    @property
    def kind(self) -> str:
        """What the report says after its text: own experiment, suggested or ``GONE``."""
        if self.own:
            return "own experiment"
        return GONE if self.gone else "suggested"

    @property
    def reflection(self) -> tuple[tuple[str, str], ...]:
        """The written reflection fields, in form order: (label, text without escapes, its
        line breaks kept and outer blank lines dropped)."""
        written = self.state.reflection if self.state is not None else {}
        parts = ((name, clean(written.get(name, "")).strip()) for name in REFLECTION_FIELDS)
        return tuple((REFLECTION_LABELS[name], text) for name, text in parts if text)

    @property
    def unwritten(self) -> tuple[str, ...]:
        """The labels of the reflection fields still empty, in form order."""
        done = {label for label, _text in self.reflection}
        return tuple(
            REFLECTION_LABELS[name]
            for name in REFLECTION_FIELDS
            if REFLECTION_LABELS[name] not in done
        )

    @property
    def history(self) -> str:
        """``planned 2025-11-07 → running 2025-11-10``: each status with the day it was entered,
        in the order it happened (the store keeps them in that order)."""
        dates = self.state.status_dates if self.state is not None else {}
        return " → ".join(f"{status} {day}" for status, day in dates.items())


@dataclass(frozen=True, slots=True)
class ChecklistGroup:
    module: Module | None  # None for the orphans listed last
    entries: tuple[ChecklistEntry, ...]

    @property
    def module_key(self) -> str | None:
        return self.module.key if self.module is not None else None


@dataclass(frozen=True, slots=True)
class ChecklistNote:
    """A note the learner wrote on a part of the course (module, resource, assignment...)."""

    key: str
    where: str  # one line: "Module 1 · Agile Product Management I", "Pre-reading · Scrum Guide"
    title: str  # one line: the item's own title
    text: str  # the note, without escapes, its line breaks kept


@dataclass(frozen=True, slots=True)
class Checklist:
    groups: tuple[ChecklistGroup, ...]
    notes: tuple[ChecklistNote, ...] = ()

    @property
    def entries(self) -> list[ChecklistEntry]:
        return [e for g in self.groups for e in g.entries]

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def reflected(self) -> int:
        return sum(1 for e in self.entries if e.reflected)

    def group_of(self, module_key: str) -> ChecklistGroup | None:
        return next((g for g in self.groups if g.module_key == module_key), None)


def assignment_key_of(key: str) -> str | None:
    """``m1/a`` for ``m1/a/x/3f2a9c1b`` and ``m1/a/own/0a1b2c3d``; None for other keys."""
    for marker in ("/x/", "/own/"):
        if marker in key:
            return key.split(marker, 1)[0]
    return None


def build_checklist(
    course: Course,
    store: LearnerState,
    known: frozenset[str] | None = None,
    *,
    notes: bool = True,
) -> Checklist:
    """Every chosen experiment: by module in course order, each module's suggested ones in
    course order, then the learner's own, then its orphans by key; other orphans last.

    ``known`` is ``course.keys()`` when the caller has it (the class view asks for hundreds of
    learners' checklists of one course); ``notes=False`` leaves the notes part out (the class
    view's rows count experiments and never show it)."""
    cid = course.identity
    chosen = store.chosen_keys(cid)
    owns = store.own_experiments(cid)  # once: each call walks every item the learner has
    own_texts = {own.key: own.text for own in owns}
    placed: set[str] = set()

    def entry(key: str, text: str, *, orphaned: bool = False) -> ChecklistEntry:
        state = store.experiment(cid, key)
        placed.add(key)
        return ChecklistEntry(
            key=key,
            text=one_line(text) or f"(text not recorded: {one_line(key)})",
            own=key in own_texts,
            status=state.status if state is not None else "planned",
            reflected=state is not None and state.reflection_complete,
            orphaned=orphaned,
            state=state,
        )

    if known is None:
        known = course.keys()
    loose = sorted(k for k in chosen if k not in known and k not in own_texts)
    groups: list[ChecklistGroup] = []
    for module in course.modules:
        assignment = module.assignment
        if assignment is None:
            continue
        entries = [entry(e.key, e.text) for e in assignment.experiments if e.key in chosen]
        entries += [
            entry(own.key, own.text)
            for own in owns
            if own.assignment_key == assignment.key and own.key in chosen
        ]
        entries += [
            entry(key, store.title(cid, key), orphaned=True)
            for key in loose
            if assignment_key_of(key) == assignment.key
        ]
        if entries:
            groups.append(ChecklistGroup(module, tuple(entries)))

    # What the course cannot place: own experiments whose assignment went away, orphans of a
    # gone assignment, and chosen keys that are not experiments at all (an import can bring any).
    rest = [
        entry(key, own_texts.get(key) or store.title(cid, key), orphaned=True)
        for key in sorted(chosen - placed)
    ]
    if rest:
        groups.append(ChecklistGroup(None, tuple(rest)))
    return Checklist(tuple(groups), _notes(course, store) if notes else ())


_KIND_WORDS = {
    "prereading": "Pre-reading",
    "module": "Module",
    "resource": "Resource",
    "assignment": "Assignment",
    "experiment": "Experiment",
}


def _notes(course: Course, store: LearnerState) -> tuple[ChecklistNote, ...]:
    """Every note on an item the course has, in course order, each saying where it is."""
    cid = course.identity
    stored = store.stored_keys(cid)  # once: the class view builds hundreds of checklists
    if not stored:
        return ()
    numbers = {m.key: m.number for m in course.modules}
    found: list[ChecklistNote] = []
    for item in course.items():
        if item.key not in stored:
            continue
        text = clean(store.note(cid, item.key)).strip()
        if not text:
            continue
        title = one_line(item.title) or "(untitled)"
        if item.kind == "module":
            where = f"Module {numbers[item.key]} · {title}"
        elif item.kind == "prereading":
            where = f"Pre-reading · {title}"
        else:
            number = numbers.get(top_key(item.key), "?")
            where = f"Module {number} · {_KIND_WORDS[item.kind]} · {title}"
        found.append(ChecklistNote(item.key, where, title, text))
    return tuple(found)
