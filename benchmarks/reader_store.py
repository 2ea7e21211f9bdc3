"""The reader and the learner store alone, in-process, no Textual.

Parse: ``load_course`` (the real reader), ``load_course_cached`` with an empty cache (parse and
write the entry) and with the entry present (a hit), and the floor's bare
``yaml.load(front, CSafeLoader)`` for scale. Each is the median of ``repeats`` runs after one
untimed warm-up, so import costs are left out.

Store: a learner with 10,000 items marked done; first save, a save after one more change (what
the app's autosave does), and open (load). Skipped with a reason when ``coursemate.progress.store``
is not importable yet.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

STORE_ITEMS = 10_000


def _median_s(fn: Callable[[], object], repeats: int, *, warmup: bool = True) -> dict[str, Any]:
    if warmup:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median_ms": round(statistics.median(times) * 1000, 2), "runs": repeats}


def parse_times(path: Path, repeats: int) -> dict[str, Any]:
    from coursemate.course.reader import load_course

    out: dict[str, Any] = {"file": str(path), "bytes": path.stat().st_size}
    course = load_course(path)
    out["modules"] = len(course.modules)
    out["resources"] = sum(len(m.resources) for m in course.modules)
    out["load_course"] = _median_s(lambda: load_course(path), repeats)

    import yaml

    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    from floor_app import read_front_matter

    out["floor_csafeloader"] = _median_s(lambda: read_front_matter(path), repeats)
    out["floor_csafeloader"]["libyaml"] = bool(getattr(yaml, "__with_libyaml__", False))

    try:
        from coursemate.course.cache import load_course_cached
    except ImportError as exc:
        out["cached"] = {"available": False, "reason": f"not available: {exc}"}
        return out
    with tempfile.TemporaryDirectory(prefix="coursemate-cache-") as tmp:
        counter = iter(range(10_000))

        def miss() -> None:
            load_course_cached(path, cache_dir=Path(tmp) / f"cold-{next(counter)}")

        warm_dir = Path(tmp) / "warm"
        out["cached_miss"] = _median_s(miss, repeats)
        load_course_cached(path, cache_dir=warm_dir)
        out["cached_hit"] = _median_s(lambda: load_course_cached(path, cache_dir=warm_dir), repeats)
        hit = load_course_cached(path, cache_dir=warm_dir)
        out["cached_hit"]["equal_to_parse"] = hit == load_course(path)
    return out


def store_times(repeats: int, items: int = STORE_ITEMS) -> dict[str, Any]:
    try:
        from coursemate.progress.store import Store
    except ImportError as exc:
        return {"available": False, "reason": f"not available: {exc}"}
    try:
        with tempfile.TemporaryDirectory(prefix="coursemate-store-") as tmp:
            data_dir = Path(tmp)
            store = Store.open(data_dir, "bench")
            course_id = "synthetic-course"
            keys = [f"m{i // 20 + 1}/r/resource-{i % 20 + 1}" for i in range(items)]
            for key in keys:
                store.set_done(course_id, key, True)
            start = time.perf_counter()
            store.save()
            first_save = time.perf_counter() - start
            size = store.path.stat().st_size

            def save_after_change() -> None:
                # A real change each time (a no-op set would leave the store clean).
                store.set_done(course_id, keys[0], not store.is_done(course_id, keys[0]))
                assert store.dirty
                store.save()

            result: dict[str, Any] = {
                "available": True,
                "items": items,
                "file_bytes": size,
                "first_save_ms": round(first_save * 1000, 2),
                "save_after_change": _median_s(save_after_change, repeats),
                "open": _median_s(lambda: Store.open(data_dir, "bench"), repeats),
            }
            reopened = Store.open(data_dir, "bench")
            done = len(reopened.done_keys(course_id))
            result["check"] = f"{done} done keys after reopening"
            result["ok"] = done >= items - 1
            return result
    except Exception as exc:  # the store may be half-built while others work on it
        return {
            "available": False,
            "reason": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=4),
        }
