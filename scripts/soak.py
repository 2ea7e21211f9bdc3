"""Reliability soak: store crashes and concurrency, reader fuzz, hostile imports.

    python scripts/soak.py [--quick] [--seed N] [--only PART ...] [--json] [--out FILE]

Four parts, each against the real code paths, each printing one row of a table:

1. ``sigkill``: a child process runs ``coursemate mark KEY`` (``coursemate.cli.main``, the real
   command) once per key and the command's own ``done KEY`` line is the acknowledgement that the
   mark was saved. The parent SIGKILLs it at a random moment, opens the store and checks that
   every acknowledged mark is on disk and that nothing was moved aside as damaged.
2. ``concurrency``: four such processes mark distinct keys of the same learner at once; every
   mark must be on disk afterwards.
3. ``fuzz``: generated course documents (random YAML types in every field, hostile YAML
   fragments) go through the reader (``load_course``); anything but ``CourseError`` is counted,
   and so is a document that uses more than ``FUZZ_TIMEOUT`` of CPU (a hang). Each distinct failure
   is printed with a command that reproduces it.
4. ``hostile-import``: crafted export files go through ``coursemate import FILE`` (the installed
   CLI); each must be refused (exit 1, a message naming the file, no traceback, no control
   characters echoed to the terminal) and leave the data directory byte-identical.

The full run (the README's figures) takes about four minutes on two cores; ``--quick`` is the size
``tests/test_soak.py`` runs. Results go to ``scripts/soak-results.json`` (``--out``) or, with
``--json``, to stdout. Exit status 0 when every part passed, 1 otherwise. Nothing here is
imported by coursemate itself, so none of it costs start-up time.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import importlib.util
import itertools
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "scripts" / "soak-results.json"
REFERENCE = REPO / "courses" / "professional-scrum-product-owner.md"
PARTS = ("sigkill", "concurrency", "fuzz", "hostile-import")

# What a terminal would act on if we echoed it: C0 controls but newline and tab, DEL, C1
# controls, and the BiDi embeddings/overrides/isolates that reorder what is shown.
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FUZZ_TIMEOUT = 2.0  # seconds of CPU; a small generated document parses in milliseconds
MAX_HANGS = 5  # then the fuzz stops: each costs FUZZ_TIMEOUT, and one is enough to fail
DONE_LINE = re.compile(r"done +(\S+)")


@dataclass(frozen=True)
class Sizes:
    kills: int
    writers: int
    marks_per_writer: int
    documents: int


FULL = Sizes(kills=200, writers=4, marks_per_writer=100, documents=10_000)
QUICK = Sizes(kills=20, writers=4, marks_per_writer=25, documents=1_000)


def printable(text: str, limit: int = 160) -> str:
    """Untrusted text made safe to print: unsafe characters as escapes, one line, shortened."""
    out = UNSAFE_CHARS.sub(lambda m: ascii(m.group())[1:-1], text).replace("\n", "\\n")
    return out if len(out) <= limit else out[: limit - 1] + "…"


def child_env(home: Path) -> dict[str, str]:
    """The environment for coursemate children: throw-away data, config and cache folders."""
    env = dict(os.environ)
    for name in ("DATA", "CONFIG", "CACHE"):
        env[f"COURSEMATE_{name}_DIR"] = str(home / name.lower())
    env["PYTHONUNBUFFERED"] = "1"  # an acknowledgement is on the pipe before the next mark
    return env


def coursemate_command() -> list[str]:
    """The installed ``coursemate`` beside this interpreter, else ``python -m coursemate``."""
    exe = shutil.which("coursemate", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "coursemate"]


# --- marking processes (parts 1 and 2) ---------------------------------------------------


def benchmark_module(name: str) -> Any:
    """A module of ``benchmarks/`` (the course generator, the run's helpers), loaded by path."""
    spec = importlib.util.spec_from_file_location(
        f"soak_benchmarks_{name}", REPO / "benchmarks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class MarksCourse:
    """The course the marking processes mark: its file, identity and resource keys."""

    path: Path
    identity: str
    keys: list[str]


def marks_course(work: Path, modules: int = 20, resources: int = 25) -> MarksCourse:
    """A generated course with ``modules × resources`` resources (benchmarks/generate.py)."""
    from coursemate.course.reader import load_course

    path = benchmark_module("generate").write_course(
        work / "marks-course.md", modules=modules, resources=resources, experiments=0, seed=13
    )
    course = load_course(path)
    return MarksCourse(path, course.identity, [res.key for res in course.all_resources()])


def drive(argv: list[str]) -> int:
    """Child process: ``coursemate mark`` once per key, after ``go`` exists ("-": at once).

    The command prints ``done KEY`` only after the store was saved: that line, on an
    unbuffered stdout, is the acknowledgement the parent counts.
    """
    course, learner, data_dir, go, *keys = argv
    from coursemate.cli import main

    print("ready", flush=True)
    while go != "-" and not os.path.exists(go):
        time.sleep(0.001)
    failures = 0
    for key in keys:
        if main(["mark", course, key, "--learner", learner, "--data-dir", data_dir]) != 0:
            failures += 1
    return 1 if failures else 0


def start_driver(
    course: Path, data_dir: Path, learner: str, keys: list[str], home: Path, go: str = "-"
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-u", __file__, "drive", str(course), learner, str(data_dir), go, *keys],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=child_env(home),
    )
    assert proc.stdout is not None
    ready = proc.stdout.readline().strip()
    if ready != "ready":
        proc.kill()
        _out, err = proc.communicate()
        raise RuntimeError(f"the marking process did not start: {ready!r} {err[-500:]}")
    return proc


def acknowledged(out: str) -> set[str]:
    """Keys of complete ``done KEY`` lines (a line cut by the kill is not an acknowledgement)."""
    lines = out.split("\n")[:-1]  # the last piece has no newline yet
    return {m.group(1) for line in lines if (m := DONE_LINE.match(line))}


def damage_in(data_dir: Path) -> list[str]:
    """Files that show damage: stores moved aside as corrupt."""
    return sorted(p.name for p in data_dir.glob("*.corrupt-*"))


@dataclass
class KillResult:
    kills: int = 0
    exited_before_kill: int = 0
    acknowledged: int = 0
    lost: int = 0
    corrupt_files: int = 0
    damaged_opens: int = 0  # Store.open reported damage or went read-only
    stale_temps: int = 0
    tracebacks: int = 0
    learners: int = 1
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        bad = self.lost + self.corrupt_files + self.damaged_opens + self.stale_temps
        return self.kills > 0 and bad + self.tracebacks + self.exited_before_kill == 0

    def row(self) -> tuple[str, str, str]:
        return (
            f"{self.kills:,} kills at random moments while `coursemate mark` runs",
            f"{self.acknowledged:,} acknowledged marks, {self.lost} lost, "
            f"{self.corrupt_files} corrupt files, {self.damaged_opens} damaged opens",
            "0 lost, 0 corrupt",
        )


def run_sigkill(kills: int, seed: int, work: Path, home: Path) -> KillResult:
    from coursemate.progress.store import Store

    started = time.perf_counter()
    course = marks_course(work)
    keys = course.keys
    data_dir = work / "sigkill-data"
    rng = random.Random(seed)
    result = KillResult()
    learner = "Zoë «soak» ../1"
    pending, confirmed, lost = list(keys), set[str](), set[str]()
    # A process that ends before the kill failed (150 marks take far longer than the wait):
    # stop after a few rather than retry for ever.
    while result.kills < kills and result.exited_before_kill < 5:
        if len(pending) < 60:  # this learner has everything marked: carry on with a new one
            result.learners += 1
            learner = f"Zoë «soak» ../{result.learners}"
            pending, confirmed = list(keys), set()
        proc = start_driver(course.path, data_dir, learner, pending[:150], home)
        assert proc.stdout is not None
        # The kill lands in the marking loop: after the first mark, within the next few.
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        out = first + out
        acked = acknowledged(out)
        if "Traceback" in err:
            result.tracebacks += 1
            result.examples.append(printable(err[-300:], 300))
        if proc.returncode == -signal.SIGKILL:
            result.kills += 1
        else:
            result.exited_before_kill += 1
            result.examples.append(f"exit {proc.returncode}: {printable(err[-300:], 300)}")
        result.acknowledged += len(acked)
        confirmed |= acked
        pending = [k for k in pending if k not in acked]

        store = Store.open(data_dir, learner)
        if store.messages or store.read_only:
            result.damaged_opens += 1
            result.examples.extend(printable(m) for m in store.messages)
        missing = confirmed - store.done_keys(course.identity) - lost
        if missing:
            result.examples.append(f"lost after kill {result.kills}: {sorted(missing)[:3]}")
        lost |= missing
    result.lost = len(lost)
    result.corrupt_files = len(damage_in(data_dir))
    # Store.open removes a killed writer's temp files; none may be left after one.
    result.stale_temps = len([p for p in data_dir.iterdir() if p.name.endswith(".tmp")])
    result.seconds = round(time.perf_counter() - started, 1)
    return result


@dataclass
class ConcurrencyResult:
    writers: int = 0
    marks_each: int = 0
    acknowledged: int = 0
    on_disk: int = 0
    lost: int = 0
    failed_processes: int = 0
    corrupt_files: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        expected = self.writers * self.marks_each
        clean = self.lost + self.failed_processes + self.corrupt_files == 0
        return expected > 0 and clean and self.on_disk == expected

    def row(self) -> tuple[str, str, str]:
        return (
            f"{self.writers} processes × {self.marks_each} marks on one learner, at once",
            f"{self.on_disk:,} of {self.writers * self.marks_each:,} marks on disk, "
            f"{self.lost} lost, {self.failed_processes} failed processes",
            "0 lost",
        )


def run_concurrency(writers: int, marks: int, work: Path, home: Path) -> ConcurrencyResult:
    from coursemate.progress.store import Store

    started = time.perf_counter()
    course = marks_course(work)
    keys = course.keys
    if len(keys) < writers * marks:
        raise ValueError(f"the course has {len(keys)} resources, not {writers * marks}")
    data_dir = work / "concurrency-data"
    go = work / "go"
    learner = "Ana María «together»"
    procs = [
        start_driver(course.path, data_dir, learner, keys[i::writers][:marks], home, str(go))
        for i in range(writers)
    ]
    go.touch()  # every writer is ready: they all start marking at the same moment
    result = ConcurrencyResult(writers=writers, marks_each=marks)
    acked: set[str] = set()
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        acked |= acknowledged(out)
        if proc.returncode != 0 or "Traceback" in err:
            result.failed_processes += 1
            result.examples.append(printable(err[-300:], 300))
    done = Store.open(data_dir, learner).done_keys(course.identity)
    result.acknowledged = len(acked)
    result.on_disk = len(done)
    result.lost = len(acked - done)
    result.corrupt_files = len(damage_in(data_dir))
    result.seconds = round(time.perf_counter() - started, 1)
    return result


# --- reader fuzz (part 3) ----------------------------------------------------------------


@dataclass(frozen=True)
class FuzzDocument:
    """One course to read: the course file's text and, when present, a ``syllabus.yaml``."""

    course: str
    syllabus: str | None = None


# Single-line YAML that a dumper never writes but a hand-edited file can hold. Each is put in
# place of a value, so every one of them meets the reader in every kind of field.
RAW_YAML = (
    "[&a x, *a, *a]",
    "*undefined",
    "!!binary aGVsbG8=",
    "!!binary '%%%'",
    "!!set {a, b}",
    "!!omap [{a: 1}, {b: 2}]",
    "!!pairs [{a: 1}, {a: 2}]",
    "{<<: {title: merged, duration: 5}, id: 1}",
    "{<<: [1, 2]}",
    "{? [a, b] : c}",
    "{a: 1, a: 2}",
    "2025-02-31",
    "!!timestamp 2025-13-01",
    "!!timestamp soon",
    "!!bool maybe",
    "2001-12-14t21:59:43.10-05:00",
    "9999-12-31T23:59:59.999999999Z",
    "0001-01-01 00:00:00",
    "!!float .nan",
    "-.inf",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "190:20:30",
    "!!int 'abc'",
    "!!python/object/apply:os.system ['echo pwned']",
    "!!str 5",
    "!custom tag",
    "!<tag:yaml.org,2002:str> x",
    '"\\e]52;c;cm0gLXJmIH4=\\a"',  # OSC 52: write the clipboard
    '"\\e[2J\\e[31mred\\x9b0m"',
    '"right\\u202eleft"',
    '"nul\\0byte"',
    '"\\ud800"',
    "~",
    "Yes",
    "off",
    "[" * 40 + "]" * 40,
    '"' + "x" * 5000 + '"',
    # Last, so the seed documents meet every other fragment before a possible hang stops them.
    "&r [*r]",  # a list that contains itself
    "&r {a: *r}",
)
RAW_TOKEN = "zqraw{:03d}zq"  # a plain scalar the dumper writes as is, swapped for RAW_YAML[n]


ODD_TEXT = (
    "",
    " ",
    "#",
    "#placeholder-x",
    "/resources/x",
    "./x/",
    "../../etc/passwd",
    "javascript:alert(1)",
    "mailto:a@b",
    "https://example.com/a?b=c#d",
    "90 minutes",
    "1h 30m",
    "2 hours",
    "ten",
    "- a\n- b",
    "1. one\n2) two\n\n* three",
    "```\n- not an item\n```",
    "[x](javascript:alert(1)) <script>alert(1)</script>",
    "[bold]markup[/bold] [link=https://x]y[/link]",
    "\x1b]52;c;cm0gLXJmIH4=\x07 \x1b[2J\x9b31m",
    "a\u202eb\u2066c",
    "Europe/London",
    "Nope/Zone",
    "2025-11-07T09:00:00",
    "2025-02-31",
    "Zoë «Ärger» 日本語 🙂",
)
TIMEZONES = ("UTC", "Europe/London", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati")
EDGE_INTS = (0, 1, -1, 59, 60, 2**31, 2**63, -(2**63) - 1, 10**20, -(10**40), 10**40)
EDGE_FLOATS = (math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, 0.5, -2.5, 1e-7)
# Characters for random text: YAML and Markdown syntax, whitespace, C0/C1 controls, BiDi and
# zero-width marks, line separators, letters from several scripts, an emoji.
TEXT_CHARS = (
    "abcxyzABC019 _-.,:;/\\#&*!|>'\"%@`?[]{}()<>=+~^$"
    "\t\n\r\x00\x07\x08\x1b\x7f\x85\x9b\x9c"
    "\u200b\u200e\u202a\u202e\u2066\u2069\u2028\u2029\ufeff"
    "éßøÅ日本語한국어עבריתالعربية🙂"
)


@dataclass
class _Draw:
    """Random values of every YAML type, from one seeded ``random.Random``."""

    rng: random.Random
    known_keys: tuple[str, ...]

    def text(self, most: int = 30) -> str:
        if self.rng.random() < 0.3:
            return self.rng.choice(ODD_TEXT)
        return "".join(self.rng.choice(TEXT_CHARS) for _ in range(self.rng.randint(0, most)))

    def moment(self) -> Any:
        rng = self.rng
        day = date.fromordinal(rng.randint(1, date.max.toordinal()))
        kind = rng.randrange(5)
        if kind == 0:
            return day
        at = datetime.combine(day, dtime(rng.randrange(24), rng.randrange(60), rng.randrange(60)))
        at = at.replace(microsecond=rng.choice((0, rng.randrange(10**6))))
        if kind == 1:
            return at
        if kind == 2:  # offsets with seconds (historical zones) cannot be read back as YAML
            seconds = rng.choice((0, 3600, -16200, 19800, 45900, rng.randint(-86399, 86399)))
            return at.replace(tzinfo=timezone(timedelta(seconds=seconds)))
        if kind == 3:
            return at.replace(tzinfo=ZoneInfo(rng.choice(TIMEZONES)))
        return self.text()

    def scalar(self) -> Any:
        rng = self.rng
        kind = rng.randrange(12)
        if kind == 0:
            return None
        if kind == 1:
            return rng.random() < 0.5
        if kind in (2, 3):
            return rng.choice(EDGE_INTS) if rng.random() < 0.5 else rng.randint(-1000, 10**6)
        if kind == 4:
            return rng.choice(EDGE_FLOATS) if rng.random() < 0.5 else rng.uniform(-1e6, 1e6)
        if kind in (5, 6, 7):
            return self.text()
        if kind == 8:
            return self.moment()
        if kind == 9:
            return rng.randbytes(rng.randrange(16))
        if kind == 10:
            return [] if rng.random() < 0.5 else {}
        return RAW_TOKEN.format(rng.randrange(len(RAW_YAML)))

    def key(self) -> Any:
        kind = self.rng.randrange(6)
        if kind < 3:
            return self.rng.choice(self.known_keys)
        if kind == 3:
            return self.text(12)
        return self.rng.choice((None, True, False, 0, 3, -1, 1.5, date(2025, 1, 1)))

    def anything(self, depth: int = 0) -> Any:
        rng = self.rng
        if depth >= 3 or rng.random() < 0.6:
            return self.scalar()
        if rng.random() < 0.5:
            return [self.anything(depth + 1) for _ in range(rng.randint(0, 4))]
        return {self.key(): self.anything(depth + 1) for _ in range(rng.randint(0, 4))}


def random_course_document(rng: random.Random) -> FuzzDocument:
    """The fuzz generator: a course whose fields hold any YAML type, mostly well-shaped.

    Each document picks the share of its fields that get a value of a random YAML type
    (none, a few, most or all; the rest are plausible), so some documents load and exercise
    every stage of the reader while others fail early in every possible way. Fields sit where
    the format puts them (``syllabus[].learningResources[]``, ``events[].sessions[]``, ...)
    and extra keys of any type join every mapping. This is the one function to swap for
    another generator (it only needs to return a ``FuzzDocument``).
    """
    from coursemate.course import schema

    known = sorted(
        schema.TOP_KEYS
        | schema.MODULE_KEYS
        | schema.RESOURCE_KEYS
        | schema.ASSIGNMENT_KEYS
        | schema.EVENT_KEYS
        | schema.SESSION_KEYS
        | schema.PREREADING_KEYS
    )
    draw = _Draw(rng, tuple(known))
    odd_share = rng.choice((0.0, 0.0, 0.05, 0.2, 0.6, 1.0))

    def minutes() -> Any:
        return rng.choice((rng.randint(-5, 600), rng.choice(EDGE_INTS), draw.text()))

    def texts() -> list[str]:
        return [draw.text() for _ in range(rng.randint(0, 3))]

    def module_id() -> Any:
        return rng.choice((rng.randint(-1, 6), draw.text(4)))

    plausible: dict[str, Callable[[], Any]] = {
        **dict.fromkeys(["duration", "timeRequired", "weight"], minutes),
        **dict.fromkeys(["start_date", "date", "start_datetime", "end_datetime"], draw.moment),
        **dict.fromkeys(["trainers", "tags", "categories", "aliases"], texts),
        "course_proficiencies": texts,
        "id": module_id,
        "timezone": lambda: rng.choice((*TIMEZONES, draw.text())),
        "syllabus_ids": lambda: [module_id() for _ in range(rng.randint(0, 4))],
        "draft": lambda: rng.random() < 0.5,
    }

    def value(name: Any, shaped: Callable[[], Any] | None = None) -> Any:
        if rng.random() < odd_share:
            return draw.anything()
        if shaped is not None:
            return shaped()
        return plausible.get(name, draw.text)()

    def mapping(names: Iterable[str], shaped: dict[str, Callable[[], Any]], most: int) -> Any:
        chosen = rng.sample(sorted(names), rng.randint(0, most))
        out: dict[Any, Any] = {name: value(name, shaped.get(name)) for name in chosen}
        for _ in range(rng.choice((0, 0, 0, 1, 2))):
            out.setdefault(draw.key(), draw.anything())
        return out

    def many(one: Callable[[], Any], most: int) -> list[Any]:
        return [one() for _ in range(rng.randint(0, most))]

    def resource() -> Any:
        return mapping(schema.RESOURCE_KEYS, {}, 7)

    def prereading() -> Any:
        link = lambda: mapping(["type", "title", "url"], {}, 3)  # noqa: E731
        return mapping(schema.PREREADING_KEYS, {"resources": lambda: many(link, 2)}, 8)

    def module() -> Any:
        shaped = {
            "learningResources": lambda: many(resource, 3),
            "assignment": lambda: mapping(schema.ASSIGNMENT_KEYS, {}, 3),
        }
        return mapping(schema.MODULE_KEYS, shaped, 9)

    def event() -> Any:
        session = lambda: mapping(schema.SESSION_KEYS, {}, 4)  # noqa: E731
        return mapping(schema.EVENT_KEYS, {"sessions": lambda: many(session, 3)}, 4)

    def legacy() -> Any:
        names = ["code", "lead", "details", "objectives", "audience", "skilllevel"]
        return mapping(names, {}, 4)

    shaped: dict[str, Callable[[], Any]] = {
        "syllabus": lambda: many(module, 4),
        "syllabusBefore": lambda: many(prereading, 3),
        "events": lambda: many(event, 2),
        "delivery": legacy,
        "offering": legacy,
        "card": lambda: mapping(["content", "title"], {}, 2),
    }
    front = mapping(schema.TOP_KEYS - set(shaped), {}, 6)
    for name in ("title", "id", "syllabus", "syllabusBefore", "events", "delivery", "card"):
        if rng.random() < (0.8 if name in ("title", "syllabus") else 0.3):
            front[name] = value(name, shaped.get(name))
    where = rng.choice(("front",) * 6 + ("mapping", "list", "anything"))
    syllabus: Any = None
    if where == "mapping":
        syllabus = {"syllabus": many(module, 3), "syllabusBefore": many(prereading, 2)}
    elif where == "list":
        syllabus = many(module, 3)
    elif where == "anything":
        syllabus = draw.anything()
    body = draw.text(120)
    if rng.random() < 0.95:  # a NUL makes the file binary: refused before any YAML is read
        body = body.replace("\x00", "")
    course = "---\n" + dump_yaml(front) + "---\n" + body
    if rng.random() < 0.1:
        course = course.replace("\n", "\r\n")
    if rng.random() < 0.05:
        course = "\ufeff" + course
    return FuzzDocument(course, None if where == "front" else dump_yaml(syllabus))


def dump_yaml(data: Any) -> str:
    """Block-style YAML of ``data`` with every raw token swapped for its RAW_YAML text."""
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return re.sub(r"zqraw(\d{3})zq", lambda m: RAW_YAML[int(m.group(1))], text)


def seed_documents() -> Iterator[FuzzDocument]:
    """Every RAW_YAML fragment in the places the reader looks first: run before the random ones."""
    for n in range(len(RAW_YAML)):
        token = RAW_TOKEN.format(n)
        module = {"id": 1, "title": "M", "duration": 5}
        yield FuzzDocument("---\n" + dump_yaml({"title": token}) + "---\n")
        for name in ("title", "duration", "learningResources", "assignment"):
            with_raw = {**module, name: token}
            yield FuzzDocument(
                "---\n" + dump_yaml({"title": "T", "syllabus": [with_raw]}) + "---\n"
            )
        events = [{"sessions": [{"start_datetime": token, "timezone": "UTC"}]}]
        yield FuzzDocument("---\n" + dump_yaml({"title": "T", "events": events}) + "---\n")
        yield FuzzDocument("---\ntitle: T\n---\n", dump_yaml({"syllabus": token}))


class FuzzTimeout(BaseException):
    """A document used more than FUZZ_TIMEOUT of CPU (a BaseException: no ``except
    Exception`` inside the reader may swallow it)."""


@contextlib.contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Raise ``FuzzTimeout`` in the main thread once this process used ``seconds`` of CPU.

    CPU time, not wall time: other processes on a busy machine do not count. The timer
    repeats, so a raise that lands where Python ignores exceptions (a garbage-collector
    callback) is followed by another.
    """

    def expired(_signum: int, _frame: object) -> None:
        raise FuzzTimeout

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _where(exc: BaseException) -> str:
    """The innermost coursemate frame of an exception: what makes two failures the same."""
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if "coursemate" in Path(f.filename).parts
    ]
    if not frames:
        return "outside coursemate"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno} ({last.name})"


@dataclass
class FuzzResult:
    documents: int = 0
    loaded: int = 0
    refused: int = 0  # CourseError: the reader's own, expected, answer
    unexpected: int = 0
    hangs: int = 0
    stopped_early: bool = False  # MAX_HANGS reached
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # signature -> reproducer

    @property
    def ok(self) -> bool:
        return self.documents > 0 and self.unexpected + self.hangs == 0

    def row(self) -> tuple[str, str, str]:
        return (
            f"{self.documents:,} generated course documents "
            f"({self.loaded:,} loaded, {self.refused:,} refused with `CourseError`)",
            f"{self.unexpected} other exceptions, {self.hangs} hangs"
            + (f" ({len(self.failures)} distinct)" if self.failures else "")
            + (f"; stopped after {MAX_HANGS} hangs" if self.stopped_early else ""),
            "0 other exceptions",
        )


def check_document(doc: FuzzDocument, folder: Path, result: FuzzResult, keep: Path) -> None:
    """Read one document as the app would (a course folder) and count the verdict."""
    from coursemate.course.errors import CourseError
    from coursemate.course.reader import load_course

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_bytes(doc.course.encode("utf-8"))
    syllabus = folder / "syllabus.yaml"
    if doc.syllabus is None:
        syllabus.unlink(missing_ok=True)
    else:
        syllabus.write_bytes(doc.syllabus.encode("utf-8"))
    result.documents += 1
    try:
        with cpu_limit(FUZZ_TIMEOUT):
            try:
                course = load_course(folder)
                # What `coursemate check` prints must format too.
                for warning in course.warnings:
                    str(warning)
                result.loaded += 1
            except CourseError as exc:
                if not str(exc) or not exc.message:
                    raise ValueError("a CourseError without a message") from exc
                result.refused += 1
    except FuzzTimeout:
        result.hangs += 1
        _keep_failure(result, f"hang (over {FUZZ_TIMEOUT:g} s of CPU)", folder, keep)
    except Exception as exc:
        result.unexpected += 1
        signature = f"{type(exc).__name__} at {_where(exc)}: {printable(str(exc), 100)}"
        _keep_failure(result, signature, folder, keep)


def _keep_failure(result: FuzzResult, signature: str, folder: Path, keep: Path) -> None:
    if signature in result.failures:
        return
    target = keep / f"fuzz-{len(result.failures) + 1}"
    shutil.copytree(folder, target, dirs_exist_ok=True)
    result.failures[signature] = f"coursemate check {target}"


def run_fuzz(
    documents: int,
    seed: int,
    work: Path,
    keep: Path,
    generate: Callable[[random.Random], FuzzDocument] = random_course_document,
) -> FuzzResult:
    """The seed documents, then generated ones up to ``documents`` in all.

    Document ``n`` comes from ``random.Random(f"{seed}:{n}")``, so each one can be made again
    on its own; failing documents are also copied to ``keep``.
    """
    started = time.perf_counter()
    result = FuzzResult()
    folder = work / "fuzz-course"
    seeds = list(seed_documents())
    generated = (generate(random.Random(f"{seed}:{n}")) for n in range(len(seeds), documents))
    for doc in itertools.chain(seeds, generated):
        if result.hangs >= MAX_HANGS:
            result.stopped_early = True
            break
        check_document(doc, folder, result, keep)
    result.seconds = round(time.perf_counter() - started, 1)
    return result


# --- hostile imports (part 4) ------------------------------------------------------------

MAX_IMPORT_BYTES = 64 * 1024 * 1024  # coursemate.commands.import_.MAX_IMPORT_BYTES


@dataclass(frozen=True)
class HostileCase:
    name: str
    what: str
    build: Callable[[dict[str, Any], Path], None]  # (genuine export, file to write)


def _json_case(name: str, what: str, mutate: Callable[[dict[str, Any]], Any]) -> HostileCase:
    """A case that edits a copy of the genuine export and writes it as JSON."""

    def build(export: dict[str, Any], path: Path) -> None:
        doc = copy.deepcopy(export)
        replaced = mutate(doc)
        data = doc if replaced is None else replaced
        # ensure_ascii: lone surrogates and control characters travel as JSON escapes.
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    return HostileCase(name, what, build)


def _bytes_case(name: str, what: str, make: Callable[[dict[str, Any]], bytes]) -> HostileCase:
    def build(export: dict[str, Any], path: Path) -> None:
        path.write_bytes(make(export))

    return HostileCase(name, what, build)


def _course(doc: dict[str, Any]) -> dict[str, Any]:
    courses: dict[str, Any] = doc["store"]["courses"]
    return courses[next(iter(courses))]


def _items(doc: dict[str, Any]) -> dict[str, Any]:
    items: dict[str, Any] = _course(doc)["items"]
    return items


def _stamp(doc: dict[str, Any]) -> str:
    stamp: str = doc["store"]["updated"]
    return stamp


def _register(doc: dict[str, Any], value: Any) -> dict[str, Any]:
    return {"at": _stamp(doc), "value": value}


def _add_item(key: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        _items(doc)[key] = {"done": _register(doc, True)}

    return mutate


def _rename_course(identity: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        courses = doc["store"]["courses"]
        courses[identity] = courses.pop(next(iter(courses)))

    return mutate


def _set_note(text: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        first = next(iter(_items(doc).values()))
        first["note"] = _register(doc, text)

    return mutate


def _set_catchup(value: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        _course(doc)["catchup_date"] = _register(doc, value)

    return mutate


def _set_status_date(value: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        chosen = next(item for item in _items(doc).values() if "status_dates" in item)
        chosen["status_dates"]["planned"] = _register(doc, value)

    return mutate


def _set_stamps(stamp: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        for item in _items(doc).values():
            for reg in item.values():
                if isinstance(reg, dict) and "at" in reg:
                    reg["at"] = stamp

    return mutate


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _first_register(value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        next(iter(_items(doc).values()))["done"] = value

    return mutate


def _nested_in_item(depth: int) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        deep: Any = 1
        for _ in range(depth):
            deep = [deep]
        next(iter(_items(doc).values()))["extra"] = deep

    return mutate


def _write_huge(_export: dict[str, Any], path: Path) -> None:
    with path.open("wb") as handle:  # sparse: the disk holds a few bytes, not 64 MB
        handle.write(b'{"store": {"learner": "')
        handle.truncate(MAX_IMPORT_BYTES + 1)


OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # "set the clipboard to `rm -rf ~`"


def hostile_cases() -> list[HostileCase]:
    """Every crafted export; each must be refused with the learner's data unchanged."""
    j = _json_case
    return [
        j("key-csi", "an item key with a CSI escape (clear screen)", _add_item("m1/r/x\x1b[2J")),
        j("key-osc52", "an item key with OSC 52 (write the clipboard)", _add_item("m1/r/" + OSC52)),
        j("key-newline", "an item key with a newline", _add_item("m1/r/x\ndone      m9/r/fake")),
        j("key-bidi", "an item key with a BiDi override", _add_item("m1/r/\u202egnp.exe")),
        j("key-c1", "an item key with a C1 control (8-bit CSI)", _add_item("m1/r/\x9b31m")),
        j("key-nul", "an item key with a NUL", _add_item("m1/r/\x00x")),
        j("key-empty", "an empty item key", _add_item("")),
        j("key-surrogate", "an item key with a lone surrogate", _add_item("m1/r/\ud800")),
        j("key-huge", "a 1 MB item key", _add_item("m1/r/" + "x" * 2**20)),
        j("course-osc52", "a course id with OSC 52", _rename_course("41711" + OSC52)),
        j("course-newline", "a course id with a newline", _rename_course("41711\nfake")),
        j("course-bidi", "a course id with a BiDi override", _rename_course("\u202e11714")),
        j("note-osc52", "a note with OSC 52", _set_note("see " + OSC52)),
        j("note-csi", "a note with CSI escapes", _set_note("\x1b[2J\x1b[31mred")),
        # No BiDi note: right-to-left writing uses those marks; notes keep them and every
        # screen and report strips them when showing (tests/test_hostile_text.py).
        j("date-feb-31", "a catch-up date 2025-02-31", _set_catchup("2025-02-31")),
        j("date-month-13", "a catch-up date 2025-13-01", _set_catchup("2025-13-01")),
        j("status-date-feb-30", "a status date 2025-02-30", _set_status_date("2025-02-30")),
        j(
            "stamp-far-future",
            "stamps 9999-12-31T23:59:59.999999Z (win every merge forever)",
            _set_stamps("9999-12-31T23:59:59.999999Z"),
        ),
        j(
            "stamp-impossible",
            "stamps 9999-99-99T99:99:99.999999Z",
            _set_stamps("9999-99-99T99:99:99.999999Z"),
        ),
        j("stamp-feb-30", "stamps on 2025-02-30", _set_stamps("2025-02-30T10:00:00.000000Z")),
        j(
            "updated-far-future",
            "a store 'updated' of 9999-12-31",
            _set(("store", "updated"), "9999-12-31T23:59:59.999999Z"),
        ),
        j(
            "type-done-string",
            'done: "yes" instead of true',
            _first_register({"at": "2025-01-01T00:00:00.000000Z", "value": "yes"}),
        ),
        j(
            "type-at-number",
            "a register stamped with a number",
            _first_register({"at": 12345, "value": True}),
        ),
        j(
            "type-nan",
            "a register whose value is NaN",
            _first_register({"at": "2025-01-01T00:00:00.000000Z", "value": float("nan")}),
        ),
        j("type-items-list", "items as a list", lambda d: _course(d).__setitem__("items", [])),
        j("type-courses-list", "courses as a list", _set(("store", "courses"), [])),
        j("type-learner-number", "a learner name that is a number", _set(("store", "learner"), 7)),
        j("type-version-string", 'schema_version "1"', _set(("store", "schema_version"), "1")),
        j("type-store-null", "store: null", _set(("store",), None)),
        j("type-top-array", "a JSON array", lambda d: [d]),
        j(
            "newer-schema",
            "a store from a newer coursemate (schema 2)",
            _set(("store", "schema_version"), 2),
        ),
        j("deep-in-item", "an item field nested 900 deep", _nested_in_item(900)),
        _bytes_case(
            "deep-array", "arrays nested 100,000 deep", lambda _d: b"[" * 100_000 + b"]" * 100_000
        ),
        _bytes_case(
            "not-utf8",
            "Latin-1 bytes",
            lambda d: (
                json.dumps(d, ensure_ascii=False)
                .replace("Ana", "An\xe1")
                .encode("latin-1", "replace")
            ),
        ),
        _bytes_case(
            "utf16", "UTF-16 with a byte-order mark", lambda d: json.dumps(d).encode("utf-16")
        ),
        HostileCase("huge-file", "a file of 64 MB + 1 byte", _write_huge),
    ]


@dataclass
class ImportOutcome:
    name: str
    what: str
    exit_code: int
    store_changed: bool
    traceback: bool
    names_file: bool  # the message says which file
    safe_message: bool  # no control or BiDi characters reach the terminal
    message: str  # printable()

    @property
    def refused(self) -> bool:
        return self.exit_code != 0

    @property
    def ok(self) -> bool:
        return (
            self.exit_code == 1
            and not self.store_changed
            and not self.traceback
            and self.names_file
            and self.safe_message
        )


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a data directory but the lock files (which a command may create)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".lock"
    }


def _restore(folder: Path, snapshot: dict[str, bytes]) -> None:
    shutil.rmtree(folder)
    for name, data in snapshot.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*coursemate_command(), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=child_env(home),
        timeout=300,
    )


@dataclass
class ImportBench:
    """A learner store ("Bo") to import into, and a genuine export from another learner."""

    data_dir: Path
    export: dict[str, Any]
    home: Path


def prepare_imports(work: Path, home: Path) -> ImportBench:
    """Marks and an export made with the real CLI on the reference course."""
    from coursemate.course.reader import load_course

    course = load_course(REFERENCE)
    resources = [res.key for res in course.all_resources()]
    _module, experiment = next(course.all_experiments())
    data_dir = work / "import-data"
    common = ["--data-dir", str(data_dir)]
    steps = [
        ["mark", str(REFERENCE), resources[0], resources[1], experiment.key, "--learner", "Ana"],
        [
            "export",
            str(REFERENCE),
            "--format",
            "json",
            "-o",
            str(work / "genuine.json"),
            "--learner",
            "Ana",
        ],
        ["mark", str(REFERENCE), resources[2], "--learner", "Bo"],  # Bo: the importing learner
    ]
    for args in steps:
        done = _cli([*args, *common], home)
        if done.returncode != 0:
            raise RuntimeError(f"coursemate {args[0]} failed: {done.stderr[-500:]}")
    export = json.loads((work / "genuine.json").read_text(encoding="utf-8"))
    return ImportBench(data_dir, export, home)


def import_case(bench: ImportBench, case: HostileCase, folder: Path) -> ImportOutcome:
    """Write the case's file, run ``coursemate import FILE`` for Bo, compare the data dir."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{case.name}.json"
    case.build(bench.export, file)
    before = _snapshot(bench.data_dir)
    done = _cli(
        ["import", str(file), "--learner", "Bo", "--data-dir", str(bench.data_dir)], bench.home
    )
    changed = _snapshot(bench.data_dir) != before
    if changed:
        _restore(bench.data_dir, before)  # the next case starts from the same store
    file.unlink()  # the huge one is 64 MB of (sparse) disk
    message = done.stderr.strip() or done.stdout.strip()
    return ImportOutcome(
        name=case.name,
        what=case.what,
        exit_code=done.returncode,
        store_changed=changed,
        traceback="Traceback" in done.stderr,
        names_file=str(file) in done.stderr,
        safe_message=UNSAFE_CHARS.search(done.stderr + done.stdout) is None,
        message=printable(message),
    )


def genuine_import(bench: ImportBench, folder: Path) -> ImportOutcome:
    """The control: the unedited export must be accepted, or refusals would prove nothing."""
    scratch = ImportBench(folder / "control-data", bench.export, bench.home)
    shutil.copytree(bench.data_dir, scratch.data_dir)
    write = lambda export, path: path.write_text(json.dumps(export), encoding="utf-8")  # noqa: E731
    return import_case(scratch, HostileCase("genuine", "the unedited export", write), folder)


@dataclass
class HostileResult:
    control_accepted: bool = False
    outcomes: list[ImportOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused(self) -> int:
        return sum(o.refused for o in self.outcomes)

    @property
    def clean(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.control_accepted and bool(self.outcomes) and self.clean == len(self.outcomes)

    def row(self) -> tuple[str, str, str]:
        n = len(self.outcomes)
        accepted = n - self.refused
        changed = sum(o.store_changed for o in self.outcomes)
        messy = self.refused - self.clean
        return (
            f"{n} crafted export files (control: the genuine export is "
            f"{'accepted' if self.control_accepted else 'REFUSED'})",
            f"{self.clean} refused cleanly, {accepted} accepted ({changed} changed the store)"
            + (f", {messy} refused but not cleanly" if messy else ""),
            f"all {n} refused, store unchanged",
        )


def run_hostile(work: Path, home: Path) -> HostileResult:
    started = time.perf_counter()
    bench = prepare_imports(work, home)
    folder = work / "imports"
    result = HostileResult()
    control = genuine_import(bench, folder)
    result.control_accepted = control.exit_code == 0 and control.store_changed
    for case in hostile_cases():
        result.outcomes.append(import_case(bench, case, folder))
    result.seconds = round(time.perf_counter() - started, 1)
    return result


# --- the run -----------------------------------------------------------------------------


def table(results: dict[str, Any]) -> list[str]:
    """The Markdown table the README shows."""
    labels = {"sigkill": "SIGKILL", "hostile-import": "hostile imports"}
    lines = ["| part | what ran | result | target |", "|---|---|---|---|"]
    for name, part in results.items():
        what, outcome, target = part.row()
        verdict = "met" if part.ok else "NOT MET"
        lines.append(f"| {labels.get(name, name)} | {what} | {outcome} | {target} — {verdict} |")
    return lines


def details(results: dict[str, Any]) -> list[str]:
    """What a reader of the table needs to act on: failures, each with how to reproduce it."""
    out: list[str] = []
    for name, part in results.items():
        if isinstance(part, FuzzResult):
            out += [f"{name}: {sig}\n    reproduce: {cmd}" for sig, cmd in part.failures.items()]
        elif isinstance(part, HostileResult):
            for o in part.outcomes:
                if not o.ok:
                    verdict = "accepted" if not o.refused else f"exit {o.exit_code}"
                    flags = [
                        flag
                        for flag, on in (
                            ("store changed", o.store_changed),
                            ("traceback", o.traceback),
                            ("message does not name the file", o.refused and not o.names_file),
                            ("control characters echoed", not o.safe_message),
                        )
                        if on
                    ]
                    out.append(
                        f"{name}: {o.name} ({o.what}): {verdict}"
                        + (f", {', '.join(flags)}" if flags else "")
                        + f": {o.message}"
                    )
        else:
            out += [f"{name}: {example}" for example in part.examples[:5]]
    return out


def to_json(results: dict[str, Any], sizes: Sizes, seed: int) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    for name, part in results.items():
        data = asdict(part)
        if isinstance(part, HostileResult):
            for row, outcome in zip(data["outcomes"], part.outcomes, strict=True):
                row["refused"], row["ok"] = outcome.refused, outcome.ok
        parts[name] = {"ok": part.ok, **data}
    return {
        "commit": benchmark_module("run").git_head(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "sizes": asdict(sizes),
        "seed": seed,
        "ok": all(part.ok for part in results.values()),
        "parts": parts,
    }


def run(sizes: Sizes, seed: int, only: list[str], work: Path, keep: Path) -> dict[str, Any]:
    home = work / "home"
    results: dict[str, Any] = {}
    for name in only:
        print(f"soak: {name} …", file=sys.stderr, flush=True)
        if name == "sigkill":
            results[name] = run_sigkill(sizes.kills, seed, work, home)
        elif name == "concurrency":
            results[name] = run_concurrency(sizes.writers, sizes.marks_per_writer, work, home)
        elif name == "fuzz":
            results[name] = run_fuzz(sizes.documents, seed, work, keep)
        else:
            results[name] = run_hostile(work, home)
        print(f"soak: {name} took {results[name].seconds:.0f} s", file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["drive"]:
        return drive(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the size the test suite runs")
    parser.add_argument("--seed", type=int, default=1, help="kill moments and generated data")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    keep = Path(tempfile.mkdtemp(prefix="soak-failures-"))
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        results = run(sizes, args.seed, args.only, Path(tmp), keep)
    if not any(keep.iterdir()):
        keep.rmdir()
    report = to_json(results, sizes, args.seed)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print("\n".join(table(results)))
        for line in details(results):
            print(line)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"results: {args.out}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
