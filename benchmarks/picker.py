"""The dashboard's first screen in a real terminal (tmux, 120×40), against the picker it replaced.

    python benchmarks/picker.py [--pairs N] [--corpus DIR] [--out FILE]

Three launches per round, alternating: the old picker and the dashboard on the 31-course shared
corpus (the same needle, a title both show in their first frame), then the dashboard on a
generated folder of 500 courses. Targets (issue 15): the dashboard within 1.2× of the old
picker on the corpus (median of per-round ratios), and 500 courses within 2× of the dashboard's
own 31-course time (median of per-round ratios). ``run.py --only picker`` runs this section.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from generate import generate_course  # noqa: E402
from startup import Launch, TmuxBench, summarise  # noqa: E402

CORPUS = Path("/work/shared/corpus")
CORPUS_NEEDLE = "Agile Kata Professional"  # a title in both first frames of the corpus
GENERATED = 500
T_CORPUS_RATIO = 1.2
T_500_RATIO = 2.0


def generated_title(i: int) -> str:
    return f"Generated course {i:03d}"


def write_courses(folder: Path, count: int = GENERATED) -> Path:
    """``count`` small course folders (6 modules, sessions) with distinct titles and ids."""
    for i in range(count):
        text = generate_course(modules=6, resources=5, experiments=3, seed=i)
        head, sep, rest = text.partition("\ndescription:")
        head = f"---\ntitle: {json.dumps(generated_title(i))}"
        text = (head + sep + rest).replace('id: "990001"', f'id: "98{i:04d}"')
        text = text.replace("code: SYNTH", f"code: G{i:03d}")
        course = folder / f"course-{i:03d}"
        course.mkdir(parents=True)
        (course / "index.md").write_text(text, encoding="utf-8")
    return folder


def section_picker(
    work: Path, pairs: int, corpus: Path = CORPUS, log: Any = print
) -> dict[str, Any]:
    if shutil.which("tmux") is None:
        return {"available": False, "reason": "tmux is not installed"}
    if not corpus.is_dir():
        return {"available": False, "reason": f"the shared corpus {corpus} is not here"}
    generated = write_courses(work / "generated-500")
    env = {
        "COURSEMATE_DATA_DIR": str(work / "data"),
        "COURSEMATE_CONFIG_DIR": str(work / "config"),
        "COURSEMATE_CACHE_DIR": str(work / "cache"),
        "TERM": "xterm-256color",
    }
    launcher = [sys.executable, str(HERE / "picker_launch.py")]
    old: list[float | None] = []
    new: list[float | None] = []
    big: list[float | None] = []
    with TmuxBench("picker") as bench:
        for i in range(pairs):
            for bucket, argv, needle in (
                (old, [*launcher, "--old", str(corpus)], CORPUS_NEEDLE),
                (new, [*launcher, str(corpus)], CORPUS_NEEDLE),
                (big, [*launcher, str(generated)], generated_title(0)),
            ):
                bucket.append(bench.run(Launch(argv, env), needle).seconds)
            log(f"    round {i + 1}/{pairs}: old {_ms(old[-1])}, dashboard {_ms(new[-1])}, "
                f"500 courses {_ms(big[-1])}")  # fmt: skip
        leftovers = bench.leftovers()
    return {
        "pairs": pairs,
        "size": "120x40",
        "corpus_courses": sum(1 for p in corpus.iterdir() if p.is_dir()),
        "corpus_vs_old": summarise(new, old),
        "generated_500_vs_corpus": summarise(big, new),
        "leftover_processes": leftovers,
    }


def targets(result: dict[str, Any]) -> list[tuple[str, float | None, float]]:
    return [
        ("dashboard first screen, corpus (dashboard/old picker)",
         (result.get("corpus_vs_old") or {}).get("ratio_median"), T_CORPUS_RATIO),
        ("dashboard first screen, 500 courses (500/corpus)",
         (result.get("generated_500_vs_corpus") or {}).get("ratio_median"), T_500_RATIO),
    ]  # fmt: skip


def _ms(value: float | None) -> str:
    return "timeout" if value is None else f"{value * 1000:.0f} ms"


def report(result: dict[str, Any]) -> list[str]:
    if not result.get("available", True):
        return [f"picker: not measured ({result.get('reason')})"]
    a, b = result["corpus_vs_old"], result["generated_500_vs_corpus"]
    lines = [
        f"old picker, corpus:  {_ms(a['b_median_s'])}",
        f"dashboard, corpus:   {_ms(a['a_median_s'])}",
        f"dashboard, 500:      {_ms(b['a_median_s'])}",
    ]
    for name, value, limit in targets(result):
        status = "not measured" if value is None else ("met" if value <= limit else "not met")
        shown = "—" if value is None else f"{value:.2f}×"
        lines.append(f"{name}: {shown} (≤ {limit:g}×) — {status}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coursemate-bench-picker-") as tmp:
        result = section_picker(Path(tmp), args.pairs, args.corpus)
    print("\n".join(report(result)))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
