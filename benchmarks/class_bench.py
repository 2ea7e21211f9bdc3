"""The class view at scale (issue 17): a generated class of 300 learners on the reference course.

- ``class --json`` against ``progress --json`` for one learner, in alternating pairs in the same
  run (both as a user runs them, a process each, the parse cache warm);
- the Class screen's first rows (``coursemate --class DIR`` in tmux until the first learner's
  name shows) against the study screen's first screen (``coursemate`` until the first module's
  title shows), in alternating pairs;
- the peak RSS of each, two seconds after it showed.

``run.py --only class`` runs this part alone.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from startup import Launch, TmuxBench, summarise

LEARNERS = 300
T_CLASS_JSON_RATIO = 3.0
T_CLASS_SCREEN_RATIO = 1.5
T_CLASS_RSS_RATIO = 1.5


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def section_class(
    exe: str,
    reference: Path,
    needle: str,
    work: Path,
    pairs: int,
    base_env: dict[str, str],
    log: Callable[[str], None],
) -> dict[str, Any]:
    from class_gen import generate, learner_name

    from coursemate.course.reader import load_course
    from coursemate.progress.store import Store

    course = load_course(reference)
    folder = work / "class"
    files = generate(course, folder, LEARNERS)
    out: dict[str, Any] = {"learners": LEARNERS, "files": files, "pairs": pairs}

    # One learner's own store, with the progress of the class's first generated learner.
    data = work / "class-data"
    first = next((folder / "monday").glob("*.json"))
    store = Store.open(data, "Solo")
    import json

    doc = json.loads(first.read_text())
    doc = doc.get("store", doc)
    doc["learner"] = "Solo"
    store.merge_document(doc)
    store.save()
    env = {**base_env, "COURSEMATE_DATA_DIR": str(data), "COURSEMATE_CACHE_DIR": str(work / "cc")}
    class_cmd = [exe, "class", str(reference), "--from", str(folder), "--json"]
    progress_cmd = [exe, "progress", str(reference), "--json", "--learner", "Solo"]
    _timed(class_cmd, env), _timed(progress_cmd, env)  # the parse cache, warm for both
    class_s: list[float | None] = []
    progress_s: list[float | None] = []
    for i in range(pairs):
        class_s.append(_timed(class_cmd, env))
        progress_s.append(_timed(progress_cmd, env))
        log(f"    pair {i + 1}/{pairs}: class --json {_ms(class_s[-1])}, "
            f"progress --json {_ms(progress_s[-1])}")  # fmt: skip
    out["json"] = summarise(class_s, progress_s)

    first_row = min((learner_name(i) for i in range(LEARNERS)), key=lambda n: (n.casefold(), n))
    screen_a: list[float | None] = []
    study_b: list[float | None] = []
    rss: dict[str, list[int]] = {"class": [], "study": []}
    with TmuxBench("class", log) as bench:
        class_app = Launch([exe, str(reference), "--class", str(folder), "--learner", "Solo"], env)
        study_app = Launch([exe, str(reference), "--learner", "Solo"], env)
        bench.run(class_app, first_row), bench.run(study_app, needle)  # warm caches
        for i in range(pairs):
            a = bench.run(class_app, first_row)
            b = bench.run(study_app, needle)
            screen_a.append(a.seconds)
            study_b.append(b.seconds)
            log(f"    pair {i + 1}/{pairs}: class screen {_ms(a.seconds)}, "
                f"study screen {_ms(b.seconds)}")  # fmt: skip
        for name, launch, text in (("class", class_app, first_row), ("study", study_app, needle)):
            for _ in range(2):
                sample = bench.run(launch, text, settle=2.0)
                if sample.rss_peak_kb:
                    rss[name].append(sample.rss_peak_kb)
    out["screen"] = summarise(screen_a, study_b)
    out["screen"]["needle"] = first_row
    out["rss_mb"] = {
        name: statistics.median(values) / 1024 if values else None for name, values in rss.items()
    }
    class_mb, study_mb = out["rss_mb"]["class"], out["rss_mb"]["study"]
    out["rss_mb"]["ratio"] = class_mb / study_mb if class_mb and study_mb else None
    return out


def _ms(value: float | None) -> str:
    return "timeout" if value is None else f"{value * 1000:.0f} ms"


def class_rows(c: dict[str, Any], num: Callable[[Any, str], str]) -> list[str]:
    """The figures table's rows for this part."""
    j, s, r = c.get("json", {}), c.get("screen", {}), c.get("rss_mb", {})

    def ms(v: Any) -> str:
        return "—" if not isinstance(v, (int, float)) else f"{v * 1000:.0f} ms"

    return [
        f"| class of {c.get('learners')}: `class --json` / one learner's `progress --json` | "
        f"{ms(j.get('a_median_s'))} | {ms(j.get('b_median_s'))} | "
        f"{num(j.get('ratio_median'), '{:.2f}×')} |",
        f"| class of {c.get('learners')}: Class screen first rows / study first screen | "
        f"{ms(s.get('a_median_s'))} | {ms(s.get('b_median_s'))} | "
        f"{num(s.get('ratio_median'), '{:.2f}×')} |",
        f"| class of {c.get('learners')}: peak RSS, Class screen / study screen | "
        f"{num(r.get('class'), '{:.1f}')} MB | {num(r.get('study'), '{:.1f}')} MB | "
        f"{num(r.get('ratio'), '{:.2f}×')} |",
    ]


def class_targets(c: dict[str, Any]) -> list[tuple[str, float | None, float]]:
    """(target, measured ratio, limit) for issue 17's three."""
    return [
        ("class --json vs progress --json (one learner)",
         c.get("json", {}).get("ratio_median"), T_CLASS_JSON_RATIO),
        ("Class screen first rows vs study first screen",
         c.get("screen", {}).get("ratio_median"), T_CLASS_SCREEN_RATIO),
        ("peak RSS, Class screen vs study screen",
         c.get("rss_mb", {}).get("ratio"), T_CLASS_RSS_RATIO),
    ]  # fmt: skip
