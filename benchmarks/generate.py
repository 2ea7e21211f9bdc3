"""Generate a large synthetic course in the real coursemate format, deterministically.

    python benchmarks/generate.py OUT.md [--modules 500] [--resources 20] [--experiments 10]
                                         [--seed 7]

The output looks like the reference course (YAML front matter + Markdown body): a ``syllabus``
of modules with ``learningResources`` (title, link, duration, type, weight) and an
``assignment`` whose ``examples`` block lists the experiments, some ``syllabusBefore``
pre-reading, and ``events`` whose ``sessions`` run twice a day (morning and afternoon, weekdays
only) in Europe/London and schedule the modules in order. Same arguments and seed, same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

DEFAULT_MODULES = 500
DEFAULT_RESOURCES = 20
DEFAULT_EXPERIMENTS = 10
DEFAULT_SEED = 7
MODULES_PER_SESSION = 3
SESSIONS_PER_EVENT = 10  # one working week of two sessions a day

_ADJECTIVES = [
    "Evidence-Based",
    "Empirical",
    "Adaptive",
    "Lean",
    "Scaled",
    "Collaborative",
    "Outcome-Focused",
    "Continuous",
    "Sustainable",
    "Effective",
    "Professional",
    "Iterative",
    "Incremental",
    "Transparent",
    "Customer-Centric",
    "Self-Managing",
    "Cross-Functional",
    "Strategic",
    "Measurable",
    "Resilient",
]
_NOUNS = [
    "Product Backlog Refinement",
    "Sprint Goals",
    "Stakeholder Alignment",
    "Value Delivery",
    "Release Planning",
    "Forecasting",
    "Product Vision",
    "Team Dynamics",
    "Definition of Done",
    "Flow Metrics",
    "Technical Debt",
    "Customer Discovery",
    "Hypothesis Testing",
    "Portfolio Management",
    "Roadmaps",
    "Facilitation",
    "Retrospectives",
    "Sprint Reviews",
    "Dependencies",
    "Quality Assurance",
    "Experimentation",
    "User Research",
    "Business Agility",
    "Leadership",
    "Coaching",
    "Kanban Practices",
    "Estimation",
    "Risk Management",
    "Governance",
    "Innovation Accounting",
]
_VERBS = [
    "Mastering",
    "Understanding",
    "Improving",
    "Measuring",
    "Scaling",
    "Facilitating",
    "Leading",
    "Rethinking",
    "Coaching",
    "Designing",
    "Navigating",
    "Practising",
    "Exploring",
    "Sustaining",
    "Balancing",
]
_SITES = (
    ("blog", "https://www.scrum.org/resources/blog/{slug}"),
    ("article", "https://nkdagility.com/resources/{slug}/"),
    ("video", "https://youtu.be/{vid}"),
    ("podcast", "https://podcasts.example.org/episodes/{slug}"),
    ("guide", "https://www.scrumguides.org/{slug}.html"),
    ("whitepaper", "https://www.scrum.org/resources/{slug}"),
)
_EXPERIMENT_OPENERS = (
    "Run a short experiment to",
    "Facilitate a discussion with your team to",
    "Interview two stakeholders to",
    "Measure for one Sprint how to",
    "Propose at least one change to",
    "Evaluate how your organisation tries to",
    "Create a visual to",
    "Pair with a colleague to",
)
_EXPERIMENT_GOALS = (
    "improve {noun} in your product",
    "make {noun} more transparent",
    "reduce waste around {noun}",
    "learn what your customers expect from {noun}",
    "shorten the feedback loop on {noun}",
    "align the team on {noun}",
    "find one bottleneck in {noun}",
    "validate an assumption about {noun}",
)
_VIDEO_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _title(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"


def _unique(rng: random.Random, seen: set[str], make: object) -> str:
    assert callable(make)
    for attempt in range(1000):
        text = make(rng)
        if attempt:
            text = f"{text} ({attempt + 1})"
        if text not in seen:
            seen.add(text)
            return text
    raise RuntimeError("could not make a unique title")  # pragma: no cover


def _resource(rng: random.Random, title: str, weight: int) -> list[str]:
    kind, pattern = rng.choice(_SITES)
    vid = "".join(rng.choice(_VIDEO_CHARS) for _ in range(11))
    link = pattern.format(slug=_slug(title), vid=vid)
    minutes = rng.choice((3, 5, 7, 8, 10, 11, 12, 15, 18, 20, 25, 30, 45))
    return [
        f"      - title: {_q(title)}",
        f"        link: {link}",
        f"        duration: {minutes}",
        f"        type: {kind}",
        f"        weight: {weight}",
    ]


def _module(rng: random.Random, number: int, resources: int, experiments: int) -> list[str]:
    title = f"{_title(rng)} {number}"
    lines = [
        f"  - id: {number}",
        f"    title: {_q(title)}",
        f"    duration: {rng.choice((30, 45, 60, 90, 120, 150, 180, 240))}",
        "    content: >-",
        f"      Students will be able to apply {rng.choice(_NOUNS).lower()} in their own",
        f"      context and explain how {rng.choice(_NOUNS).lower()} supports",
        f"      {rng.choice(_ADJECTIVES).lower()} product development.",
    ]
    if resources:
        lines.append("    learningResources:")
        seen: set[str] = set()
        for weight in range(1, resources + 1):
            lines += _resource(rng, _unique(rng, seen, _title), weight)
    lines += [
        "    assignment:",
        f"      title: {_q('How can you improve ' + rng.choice(_NOUNS).lower() + '?')}",
        "      content: >-",
        "        Pick at least one experiment below, run it before the next session and",
        "        bring what you learned.",
    ]
    if experiments:
        lines.append("      examples: |")
        seen_exp: set[str] = set()
        for _ in range(experiments):

            def make(r: random.Random) -> str:
                goal = r.choice(_EXPERIMENT_GOALS).format(noun=r.choice(_NOUNS).lower())
                return f"{r.choice(_EXPERIMENT_OPENERS)} {goal}."

            lines.append(f"        - {_unique(rng, seen_exp, make)}")
    return lines


def _sessions(modules: int, start: date) -> list[list[str]]:
    """Events of a week each: two sessions a day (09:00-12:30, 13:30-17:00), weekdays."""
    ids = list(range(1, modules + 1))
    chunks = [ids[i : i + MODULES_PER_SESSION] for i in range(0, len(ids), MODULES_PER_SESSION)]
    events: list[list[str]] = []
    day = start
    for first in range(0, len(chunks), SESSIONS_PER_EVENT):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        lines = [
            f"  - start_date: {day.isoformat()}",
            "    location: Virtual",
            '    registration_link: "#"',
            "    sessions:",
        ]
        for index, chunk in enumerate(chunks[first : first + SESSIONS_PER_EVENT]):
            if index and index % 2 == 0:
                day += timedelta(days=1)
                while day.weekday() >= 5:
                    day += timedelta(days=1)
            begin, end = ("09:00", "12:30") if index % 2 == 0 else ("13:30", "17:00")
            lines += [
                f"      - start_datetime: {day.isoformat()}T{begin}:00",
                f"        end_datetime: {day.isoformat()}T{end}:00",
                "        timezone: Europe/London",
                "        syllabus_ids:",
                *(f"          - {i}" for i in chunk),
            ]
        events.append(lines)
        day += timedelta(days=1)
    return events


def generate_course(
    modules: int = DEFAULT_MODULES,
    resources: int = DEFAULT_RESOURCES,
    experiments: int = DEFAULT_EXPERIMENTS,
    seed: int = DEFAULT_SEED,
) -> str:
    """The course file's text; deterministic for the same arguments."""
    rng = random.Random(seed)
    lines = [
        "---",
        f"title: {_q(f'Synthetic Scaled Product Ownership ({modules} modules)')}",
        "description: A generated course for coursemate's benchmark suite.",
        "shortTitle: Synthetic Course",
        "code: SYNTH",
        "level: advanced",
        'id: "990001"',
        "type: course",
        "date: 2025-01-06",
        "creator: coursemate benchmarks",
        "introduction: |",
        "  Welcome to a **very large** generated course. It exists to measure how coursemate",
        "  behaves when a syllabus has hundreds of modules and thousands of resources.",
        "",
        "  - every module has learning resources to read or watch",
        "  - every assignment suggests experiments to run",
        "outcomes: |",
        "  - Open a huge course quickly",
        "  - Navigate it smoothly",
        "trainers:",
        "  - /company/people/benchmark-trainer/",
        "syllabusBefore:",
    ]
    for n in range(1, 4):
        title = f"Before the course {n}: {_title(rng)}"
        lines += [
            f"  - title: {_q(title)}",
            f"    description: {_q('Prepare by reading about ' + rng.choice(_NOUNS).lower())}",
            "    resources:",
            '      - type: "reading"',
            f"        title: {_q(title)}",
            f"        url: https://www.scrumguides.org/{_slug(title)}.html",
            f'    timeRequired: "{rng.choice((15, 30, 45))} minutes"',
        ]
    lines.append("syllabus:")
    for number in range(1, modules + 1):
        lines += _module(rng, number, resources, experiments)
    lines.append("events:")
    for event in _sessions(modules, date(2026, 3, 2)):
        lines += event
    lines += [
        "---",
        "",
        "# About this course",
        "",
        "This course was generated by `benchmarks/generate.py`; its content is not meaningful.",
        "",
    ]
    return "\n".join(lines)


def first_module_title(text: str) -> str:
    """The first module's title in a generated course (what start-up waits to see)."""
    marker = "\n  - id: 1\n    title: "
    start = text.index(marker) + len(marker)
    return json.loads(text[start : text.index("\n", start)])


def write_course(path: Path, **kwargs: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(generate_course(**kwargs), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the course .md")
    parser.add_argument("--modules", type=int, default=DEFAULT_MODULES)
    parser.add_argument("--resources", type=int, default=DEFAULT_RESOURCES)
    parser.add_argument("--experiments", type=int, default=DEFAULT_EXPERIMENTS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    out = write_course(
        args.out,
        modules=args.modules,
        resources=args.resources,
        experiments=args.experiments,
        seed=args.seed,
    )
    print(f"{out} ({out.stat().st_size / 1_048_576:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
