"""The course model: immutable, typed, free of any UI concern.

Every item a learner can act on carries a stable ``key`` (see ``coursemate.course.keys``);
the learner store keys progress by it, so keys must not change when unrelated parts of the
course file are edited or reordered.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

ItemKind = Literal["module", "resource", "prereading", "assignment", "experiment"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a course file: where it is and what it is, in plain words."""

    severity: Severity
    message: str
    file: Path | None = None
    line: int | None = None  # 1-based, relative to the whole file
    column: int | None = None  # 1-based
    field: str | None = None  # e.g. "syllabus[2].learningResources[0].duration"

    @property
    def location(self) -> str:
        parts = [str(self.file) if self.file else "<course>"]
        if self.line is not None:
            parts.append(f"{self.line}:{self.column or 1}")
        where = ":".join(parts)
        return f"{where} ({self.field})" if self.field else where

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Link:
    """A secondary link of a pre-reading item (the ``resources: [{type, title, url}]`` shape)."""

    title: str
    url: str | None
    type: str


@dataclass(frozen=True, slots=True)
class Resource:
    """Something to read or watch: a module's learning resource or a pre-reading item."""

    key: str
    kind: Literal["resource", "prereading"]
    title: str
    link: str | None  # as written in the file (may be relative, a placeholder, or None)
    minutes: int | None
    type: str  # free text from the file ("video", "blog", ...), "" when absent
    weight: float | None
    description: str = ""
    links: tuple[Link, ...] = ()
    parent_key: str | None = None  # module key, None for pre-reading
    content: str = ""  # Markdown: what the resource itself says (often thousands of characters)


@dataclass(frozen=True, slots=True)
class Experiment:
    """One suggested experiment of an assignment; ``text`` is inline Markdown."""

    key: str
    text: str
    parent_key: str  # assignment key


@dataclass(frozen=True, slots=True)
class Assignment:
    key: str
    title: str
    content: str  # Markdown
    experiments: tuple[Experiment, ...]
    parent_key: str  # module key


@dataclass(frozen=True, slots=True)
class Module:
    key: str
    id: str  # as written in the file ("1", "intro", ...) or derived from the title
    number: int  # 1-based position in the syllabus
    title: str
    minutes: int | None
    content: str  # Markdown
    resources: tuple[Resource, ...]
    assignment: Assignment | None


@dataclass(frozen=True, slots=True)
class Session:
    key: str
    day: int  # 1-based day number within its event
    start: datetime | None  # timezone-aware when the timezone is known
    end: datetime | None
    timezone: str  # IANA name as written, "" when absent
    module_ids: tuple[str, ...]  # as written in ``syllabus_ids``
    module_keys: tuple[str, ...]  # the ones that name a known module, in order


@dataclass(frozen=True, slots=True)
class Event:
    key: str
    start_date: date | None
    location: str
    sessions: tuple[Session, ...]
    registration_link: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A flat view of one actionable item, for outlines, scripting and progress maths."""

    key: str
    kind: ItemKind
    title: str
    minutes: int | None
    parent: str | None


@dataclass(frozen=True, slots=True)
class Course:
    identity: str
    title: str
    code: str
    level: str
    description: str
    introduction: str
    overview: str
    outcomes: str
    objectives: str
    prerequisites: str
    audience: str
    trainers: tuple[str, ...]
    assessment: str
    prereading: tuple[Resource, ...]
    modules: tuple[Module, ...]
    events: tuple[Event, ...]
    source: Path | None = None
    site_url: str | None = None
    body: str = ""  # Markdown below the front matter
    warnings: tuple[Problem, ...] = field(default=())
    # Field paths of the items marked ``draft: true``, which the model leaves out.
    drafts: tuple[str, ...] = ()

    @property
    def minutes(self) -> int:
        return sum(m.minutes or 0 for m in self.modules)

    def modules_by_key(self, keys: Container[str]) -> Iterator[Module]:
        """The modules whose keys are in ``keys``, in course order."""
        return (m for m in self.modules if m.key in keys)

    def items(self) -> Iterator[Item]:
        """Every item in course order: pre-reading, then each module and what it holds."""
        for pre in self.prereading:
            yield Item(pre.key, "prereading", pre.title, pre.minutes, None)
        for module in self.modules:
            yield Item(module.key, "module", module.title, module.minutes, None)
            for res in module.resources:
                yield Item(res.key, "resource", res.title, res.minutes, module.key)
            if module.assignment is not None:
                a = module.assignment
                yield Item(a.key, "assignment", a.title, None, module.key)
                for exp in a.experiments:
                    yield Item(exp.key, "experiment", exp.text, None, a.key)

    def all_resources(self) -> Iterator[Resource]:
        """Pre-reading then module resources, in course order."""
        yield from self.prereading
        for module in self.modules:
            yield from module.resources

    def all_experiments(self) -> Iterator[tuple[Module, Experiment]]:
        for module in self.modules:
            if module.assignment is not None:
                for exp in module.assignment.experiments:
                    yield module, exp

    def find(self, key: str) -> Resource | Module | Assignment | Experiment | None:
        """The item with this stable key, or None."""
        for res in self.prereading:
            if res.key == key:
                return res
        for module in self.modules:
            if module.key == key:
                return module
            for res in module.resources:
                if res.key == key:
                    return res
            a = module.assignment
            if a is not None:
                if a.key == key:
                    return a
                for exp in a.experiments:
                    if exp.key == key:
                        return exp
        return None

    def keys(self) -> frozenset[str]:
        return frozenset(item.key for item in self.items())
