"""coursemate's benchmark suite: one command, a table on stdout, a JSON file, the README's figures.

    python benchmarks/run.py [--quick] [--pairs N] [--presses N] [--only SECTION ...]

Sections: parse, store, startup, navigation (memory comes from startup and navigation),
picker (the dashboard of a folder of courses, see picker.py), and class (issue 17: a
generated class of 300 learners; see class_bench.py).
Everything runs against temporary COURSEMATE_DATA_DIR / CONFIG_DIR / CACHE_DIR, never the
user's. See benchmarks/README.md for what each figure means and how it is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REFERENCE = REPO / "courses" / "professional-scrum-product-owner.md"
RESULTS = HERE / "results" / "latest.json"
README = HERE / "README.md"
SECTIONS = ("parse", "store", "startup", "navigation", "picker", "class")

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from class_bench import class_rows, class_targets, section_class  # noqa: E402
from generate import first_module_title, write_course  # noqa: E402
from startup import Launch, TmuxBench, cold_and_warm  # noqa: E402

# Targets from issue 7.
T_REF_RATIO = 1.15
T_LARGE_COLD_RATIO = 1.0
T_LARGE_WARM_RATIO = 0.4
T_KEY_P99_MS = 20.0
T_SAVE_MS = 20.0
T_RSS_MB = 150.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def uncommitted_src() -> list[str]:
    """Files under src/ with uncommitted changes: the run measured those, not just HEAD."""
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return []
    return [line[3:] for line in out.stdout.splitlines() if line.strip()]


def module_needle(title: str) -> str:
    """What start-up waits to see: module 1's line, "▶ 1 " and its title's first word. Not
    more of the title: a tree shortens a title that starts like another's to where they part
    ("1 Leading…Alignment 1"), and the floor app shows it whole."""
    return f"▶ 1 {title.split()[0]}"


def reference_needle() -> str:
    from coursemate.course.reader import load_course

    return module_needle(load_course(REFERENCE).modules[0].title)


def coursemate_exe() -> str:
    local = Path(sys.executable).parent / "coursemate"
    return str(local) if local.exists() else (shutil.which("coursemate") or "coursemate")


# --- sections -------------------------------------------------------------------------------


def section_parse(large: Path, repeats: int) -> dict[str, Any]:
    from reader_store import parse_times

    return {"reference": parse_times(REFERENCE, repeats), "large": parse_times(large, repeats)}


def section_store(repeats: int) -> dict[str, Any]:
    from reader_store import store_times

    return store_times(repeats)


def compile_bytecode() -> str:
    """Compile coursemate's modules as ``pip install .`` does, and say so in the results.

    An editable install under ``PYTHONDONTWRITEBYTECODE`` (set on some machines) would
    otherwise compile every coursemate module from source on every start, while Textual's
    were compiled when pip installed them: that measures the install, not the app.
    """
    import compileall

    import coursemate

    package = Path(coursemate.__file__).parent
    compileall.compile_dir(package, quiet=1)
    return f"compiled {package}"


def section_startup(large: Path, work: Path, pairs: int) -> dict[str, Any]:
    if shutil.which("tmux") is None:
        return {"available": False, "reason": "tmux is not installed"}
    base_env = {
        "COURSEMATE_DATA_DIR": str(work / "data"),
        "COURSEMATE_CONFIG_DIR": str(work / "config"),
        "TERM": "xterm-256color",
    }
    exe = coursemate_exe()
    out: dict[str, Any] = {"pairs": pairs, "size": "120x40", "bytecode": compile_bytecode()}
    with TmuxBench("startup") as bench:
        for name, course, needle in (
            ("reference", REFERENCE, reference_needle()),
            ("large", large, module_needle(first_module_title(large.read_text(encoding="utf-8")))),
        ):
            log(f"  start-up, {name} course (needle {needle!r})")

            def app(cache: Path, course: Path = course) -> Launch:
                return Launch([exe, str(course)], {**base_env, "COURSEMATE_CACHE_DIR": str(cache)})

            floor = Launch(
                [sys.executable, str(HERE / "floor_app.py"), str(course)],
                {**base_env, "COURSEMATE_CACHE_DIR": str(work / "floor-cache")},
            )
            out[name] = cold_and_warm(
                bench, app, floor, needle, pairs, work / f"startup-{name}", log
            )
            out[name]["needle"] = needle
        # Peak RSS after the first screen, with two seconds to finish any background work.
        needle = out["large"]["needle"]
        cache = work / "rss-cache"
        cache.mkdir()
        app_rss = bench.run(
            Launch([exe, str(large)], {**base_env, "COURSEMATE_CACHE_DIR": str(cache)}),
            needle,
            settle=2.0,
        )
        floor_rss = bench.run(
            Launch([sys.executable, str(HERE / "floor_app.py"), str(large)], base_env),
            needle,
            settle=2.0,
        )
        out["rss_large_mb"] = {
            "app": app_rss.rss_peak_kb / 1024 if app_rss.rss_peak_kb else None,
            "floor": floor_rss.rss_peak_kb / 1024 if floor_rss.rss_peak_kb else None,
        }
    return out


def section_navigation(large: Path, work: Path, presses: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for target in ("app", "floor"):
        log(f"  navigation, {target} ({presses} presses per kind)")
        result_file = work / f"nav-{target}.json"
        dirs = work / f"nav-{target}-dirs"
        env = {**os.environ, "COURSEMATE_CACHE_DIR": str(dirs / "cache")}
        env["COURSEMATE_DATA_DIR"] = str(dirs / "data")
        env["COURSEMATE_CONFIG_DIR"] = str(dirs / "config")
        cmd = [sys.executable, str(HERE / "navigation.py"), str(large), "--target", target]
        cmd += ["--presses", str(presses), "--dirs", str(dirs), "--out", str(result_file)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if result_file.exists():
            out[target] = json.loads(result_file.read_text())
        else:
            out[target] = {
                "available": False,
                "reason": f"exit {proc.returncode}: {proc.stderr.strip()[-800:]}",
            }
    return out


# --- targets and the table ------------------------------------------------------------------


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _status(value: float | None, limit: float, extra_ok: bool = True) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit and extra_ok else "not met"


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 7 with the measured figure and met / not met / not measured."""
    s, n = results.get("startup", {}), results.get("navigation", {})
    rows: list[dict[str, Any]] = []

    def add(name: str, value: float | None, limit: float, unit: str, ok: bool = True) -> None:
        rows.append(
            {
                "target": name,
                "value": None if value is None else round(value, 3),
                "limit": limit,
                "unit": unit,
                "status": _status(value, limit, ok),
            }
        )

    add("reference first screen, cold (app/floor)", _get(s, "reference", "cold", "ratio_median"),
        T_REF_RATIO, "×")  # fmt: skip
    add("reference first screen, warm (app/floor)", _get(s, "reference", "warm", "ratio_median"),
        T_REF_RATIO, "×")  # fmt: skip
    add("large first screen, cold (app/floor)", _get(s, "large", "cold", "ratio_median"),
        T_LARGE_COLD_RATIO, "×")  # fmt: skip
    add("large first screen, warm (app/floor)", _get(s, "large", "warm", "ratio_median"),
        T_LARGE_WARM_RATIO, "×")  # fmt: skip
    for kind, label in (
        ("cursor", "cursor down/up"),
        ("expand_collapse", "expand/collapse"),
        ("toggle_done", "toggle done"),
    ):
        add(f"key→repaint p99, {label}", _get(n, "app", kind, "first", "p99_ms"),
            T_KEY_P99_MS, "ms")  # fmt: skip
    save = _get(results, "store", "save_after_change", "median_ms")
    on_ui = _get(n, "app", "toggle_done", "saves_on_ui_thread")
    add("store save, 10,000 states (off UI thread)", save, T_SAVE_MS, "ms", ok=not on_ui)
    rss = [
        v
        for v in (_get(s, "rss_large_mb", "app"), _get(n, "app", "peak_rss_mb"))
        if isinstance(v, (int, float))
    ]
    add("peak RSS, large course", max(rss) if rss else None, T_RSS_MB, "MB")
    from picker import targets as picker_targets

    for name, value, limit in picker_targets(results.get("picker", {})):
        add(name, value, limit, "×")
    if "class" in results:
        for name, value, limit in class_targets(results["class"]):
            add(name, value, limit, "×")
    return rows


def _ms(value: Any) -> str:
    return "—" if not isinstance(value, (int, float)) else f"{value * 1000:.0f} ms"


def _num(value: Any, fmt: str = "{:.1f}") -> str:
    return "—" if not isinstance(value, (int, float)) else fmt.format(value)


def figures_table(results: dict[str, Any]) -> list[str]:
    """Markdown table of the raw figures (also printed to stdout)."""
    s, n = results.get("startup", {}), results.get("navigation", {})
    p = results.get("parse", {})
    lines = ["| measure | coursemate | floor | ratio (median of pairs) |", "|---|---|---|---|"]
    for course in ("reference", "large"):
        for phase in ("cold", "warm"):
            d = _get(s, course, phase) or {}
            lines.append(
                f"| first screen, {course}, {phase} | {_ms(d.get('a_median_s'))} | "
                f"{_ms(d.get('b_median_s'))} | {_num(d.get('ratio_median'), '{:.2f}×')} |"
            )
    for kind, label in (
        ("cursor", "cursor down/up"),
        ("expand_collapse", "expand/collapse"),
        ("toggle_done", "toggle done (space)"),
    ):
        a = _get(n, "app", kind, "first") or {}
        b = _get(n, "floor", kind, "first") or {}
        why = _get(n, "app", kind, "reason") or _get(n, "app", "reason")
        app_txt = (
            f"{_num(a.get('p50_ms'))} / {_num(a.get('p99_ms'))} ms"
            if a
            else f"n/a ({why})"
            if why
            else "—"
        )
        floor_txt = f"{_num(b.get('p50_ms'))} / {_num(b.get('p99_ms'))} ms" if b else "—"
        lines.append(f"| key→repaint p50 / p99, {label} | {app_txt} | {floor_txt} | |")
    for course in ("reference", "large"):
        d = p.get(course) or {}
        lines.append(
            f"| parse {course}: load_course | {_num(_get(d, 'load_course', 'median_ms'))} ms | "
            f"{_num(_get(d, 'floor_csafeloader', 'median_ms'))} ms (CSafeLoader) | |"
        )
        if "cached_hit" in d:
            lines.append(
                f"| parse {course}: cached miss / hit | "
                f"{_num(_get(d, 'cached_miss', 'median_ms'))} / "
                f"{_num(_get(d, 'cached_hit', 'median_ms'))} ms | | |"
            )
    st = results.get("store", {})
    if st.get("available"):
        lines.append(
            f"| store 10,000 states: first save / save after change / open | "
            f"{_num(st.get('first_save_ms'))} / {_num(_get(st, 'save_after_change', 'median_ms'))}"
            f" / {_num(_get(st, 'open', 'median_ms'))} ms | | |"
        )
    elif st:
        lines.append(f"| store 10,000 states | n/a ({st.get('reason')}) | | |")
    lines.append(
        f"| peak RSS, large, first screen + 2 s (tmux) | "
        f"{_num(_get(s, 'rss_large_mb', 'app'))} MB | "
        f"{_num(_get(s, 'rss_large_mb', 'floor'))} MB | |"
    )
    lines.append(
        f"| peak RSS, large, after navigation (headless) | "
        f"{_num(_get(n, 'app', 'peak_rss_mb'))} MB | {_num(_get(n, 'floor', 'peak_rss_mb'))} MB | |"
    )
    if "class" in results:
        lines += class_rows(results["class"], _num)
    return lines


def targets_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| target (issue 7) | measured | limit | status |", "|---|---|---|---|"]
    for row in rows:
        value = "—" if row["value"] is None else f"{row['value']:g} {row['unit']}"
        lines.append(
            f"| {row['target']} | {value} | ≤ {row['limit']:g} {row['unit']} | {row['status']} |"
        )
    return lines


def update_readme(block: str) -> bool:
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    try:
        text = README.read_text(encoding="utf-8")
    except OSError:
        return False
    if start not in text or end not in text:
        return False
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    README.write_text(f"{head}{start}\n{block}\n{end}{tail}", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pairs, presses and repeats")
    parser.add_argument("--pairs", type=int, help="start-up pairs (default 7, quick 2)")
    parser.add_argument("--presses", type=int, help="presses per kind (default 500, quick 60)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"JSON file (default {RESULTS})")
    parser.add_argument("--no-readme", action="store_true", help="leave README.md's figures")
    args = parser.parse_args(argv)
    pairs = args.pairs or (2 if args.quick else 7)
    presses = args.presses or (60 if args.quick else 500)
    repeats = 3 if args.quick else 7
    sections = args.only or SECTIONS

    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_head(),
        "uncommitted_src": uncommitted_src(),
        "quick": args.quick,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
    }
    with tempfile.TemporaryDirectory(prefix="coursemate-bench-") as tmp:
        work = Path(tmp)
        large = write_course(work / "large-course.md")
        results["large_course"] = {
            "modules": 500,
            "resources_per_module": 20,
            "experiments_per_module": 10,
            "bytes": large.stat().st_size,
        }
        if "parse" in sections:
            log("parse")
            results["parse"] = section_parse(large, repeats)
        if "store" in sections:
            log("store")
            results["store"] = section_store(repeats)
        if "startup" in sections:
            log("start-up (tmux)")
            results["startup"] = section_startup(large, work, pairs)
        if "navigation" in sections:
            log("navigation (Pilot)")
            results["navigation"] = section_navigation(large, work, presses)
        if "picker" in sections:
            from picker import section_picker

            log("dashboard of a folder of courses (tmux)")
            results["picker"] = section_picker(work / "picker", pairs, log=log)
        if "class" in sections:
            log(f"class view (tmux), {pairs} pairs")
            env = {"COURSEMATE_CONFIG_DIR": str(work / "config"), "TERM": "xterm-256color"}
            results["class"] = section_class(
                coursemate_exe(), REFERENCE, reference_needle(), work, pairs, env, log
            )
    results["targets"] = evaluate(results)

    figures = figures_table(results)
    targets = targets_table(results["targets"])
    print("\n".join(figures))
    print()
    print("\n".join(targets))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    log(f"\nwrote {args.out}")
    if not args.no_readme and not args.quick and set(sections) == set(SECTIONS):
        block = "\n".join(
            [
                f"Measured {results['when']} on {results['machine']}, "
                f"commit `{results['commit']}`"
                + (
                    f" plus uncommitted changes to {', '.join(results['uncommitted_src'])}."
                    if results["uncommitted_src"]
                    else "."
                ),
                "",
                *figures,
                "",
                *targets,
            ]
        )
        if update_readme(block):
            log(f"updated {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
