"""Generate a class's shared folder for a course, deterministically: learners' stores and exports.

    python benchmarks/class_gen.py OUT_DIR [--course COURSE] [--learners 300] [--seed 17]

Each learner's progress is made through coursemate's own ``LearnerState`` (marks, choices,
statuses, reflections, notes) and written as a learner store file or an ``export --format
json`` file, in a folder per learner group, the way a class's synced folder looks: about one
learner in six has not started, one in five has a second file (a store from another machine
or an export) that overlaps the first, and a few files are not progress at all (a README,
another course's store). Same arguments and seed, same learners and the same progress (the
registers' stamps are the time of the run).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from coursemate.course.model import Course
from coursemate.progress.document import REFLECTION_FIELDS, STATUSES
from coursemate.progress.names import learner_stem
from coursemate.progress.state import LearnerState

DEFAULT_LEARNERS = 300
DEFAULT_SEED = 17
GROUPS = ("monday", "tuesday", "remote")

_FIRST = ["Ana", "Bo", "Chen", "Dara", "Emeka", "Fatima", "Gus", "Hana", "Ilse", "Jonas"]
_LAST = ["Silva", "Berg", "Li", "Okafor", "Haddad", "Novak", "Ruiz", "Sato", "Weber", "Kim"]


def learner_name(i: int) -> str:
    return f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]} {i + 1:03d}"


def _progress(state: LearnerState, course: Course, rng: random.Random, share: float) -> None:
    """Mark about ``share`` of the resources done, in course order, and choose experiments."""
    cid = course.identity
    resources = list(course.all_resources())
    for res in resources[: round(len(resources) * share)]:
        state.set_done(cid, res.key, True)
    for module in course.modules:
        if module.assignment is None or rng.random() > share:
            continue
        experiments = module.assignment.experiments
        # A few favourites per module, so "most chosen" has something to rank.
        for exp in rng.sample(experiments[:4], k=min(len(experiments[:4]), rng.randint(1, 2))):
            state.set_chosen(cid, exp.key, True, title=exp.text)
            status = rng.choice(STATUSES[:3])
            state.set_status(cid, exp.key, status)
            if status == "done":
                for name in REFLECTION_FIELDS:
                    state.set_reflection(cid, exp.key, name, f"{name} for {exp.key}")
        if rng.random() < 0.2:
            state.set_note(cid, module.key, f"a note on {module.title}")


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _export(course: Course, doc: dict[str, Any]) -> dict[str, Any]:
    """What ``export --format json`` writes around the store document (its summary left out:
    the class view reads only the store inside)."""
    return {"format": "coursemate-progress", "course": {"identity": course.identity}, "store": doc}


def generate(
    course: Course, out: Path, learners: int = DEFAULT_LEARNERS, seed: int = DEFAULT_SEED
) -> int:
    """Write the class under ``out``; the number of files written."""
    rng = random.Random(seed)
    cid = course.identity
    files = 0
    for i in range(learners):
        name = learner_name(i)
        group = out / GROUPS[i % len(GROUPS)]
        stem = learner_stem(name)
        state = LearnerState(name)
        share = 0.0 if rng.random() < 1 / 6 else rng.random()
        if share:
            _progress(state, course, rng, share)
        doc = state.course_document(cid)
        if rng.random() < 0.3:
            _write(group / f"{stem}-export.json", _export(course, doc))
        else:
            _write(group / f"{stem}.json", doc)
        files += 1
        if share and rng.random() < 0.2:
            # The same learner on a second machine: some of the same marks and some more.
            other = LearnerState(name)
            _progress(other, course, rng, min(1.0, share + 0.1))
            _write(out / "laptops" / f"{stem}.json", other.course_document(cid))
            files += 1
    _write(
        out / "other-course" / "someone.json",
        {**LearnerState("Someone").document(), "courses": {"99999": {}}},
    )
    (out / "README.txt").write_text("Put your coursemate export here.\n", encoding="utf-8")
    return files + 2


def main(argv: list[str] | None = None) -> int:
    from coursemate import paths
    from coursemate.course.reader import load_course

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--course", type=Path, default=paths.bundled_course())
    parser.add_argument("--learners", type=int, default=DEFAULT_LEARNERS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    written = generate(load_course(args.course), args.out, args.learners, args.seed)
    print(f"wrote {written} files for {args.learners} learners under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
