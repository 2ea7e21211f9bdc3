"""Key press → repaint, headless with Pilot, on coursemate or the floor app.

    python benchmarks/navigation.py COURSE.md --target app|floor [--presses 500] [--out X.json]

Runs in its own process (run.py starts it) so its peak RSS is the app's alone.

Method: ``App._display`` is wrapped. In a real terminal it turns each compositor update into
escape sequences and writes them; headless it skips that, so the wrapper does the rendering to
segments itself (the write to the terminal is the only cost left out) and records the time each
frame was finished. The tree's ``render_lines`` is wrapped too, so a frame is known to carry
new tree lines (frames painted for other reasons, e.g. an animation elsewhere, are not
mistaken for the key's response). For every measured key the clock starts just before
``pilot.press(key)``; after ``pilot.press`` and ``pilot.pause()`` have let everything settle,
the latency is the time to the first frame with new tree lines ("first": what the user sees
move) and to the last frame of any kind in that window ("settled": includes follow-up work
such as a detail pane refreshing, and any periodic repaints). Textual paints on a 60 Hz update
timer, so up to ~17 ms of any figure is the wait for the next frame, for the floor as well.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (120, 40)
READY_TIMEOUT = 120.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def stats_ms(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2),
    }


def peak_rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


class FrameClock:
    """Wraps ``app._display`` to timestamp every painted frame (see the module docstring)."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.frames: list[tuple[float, bool]] = []  # (finished at, carried new tree lines)
        self._tree_rendered = False
        original = app._display
        console = app.console

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(console)  # what a real terminal would be sent
            self.frames.append((time.perf_counter(), self._tree_rendered))
            self._tree_rendered = False

        app._display = display

    def watch(self, widget: Any) -> None:
        """Note when ``widget`` renders lines, to tell its frames from the others."""
        original = widget.render_lines

        def render_lines(crop: Any) -> Any:
            self._tree_rendered = True
            return original(crop)

        widget.render_lines = render_lines

    async def press(self, pilot: Any, key: str) -> tuple[float | None, float | None]:
        """Press ``key``; seconds to the first frame with new tree lines and to the last frame."""
        before = len(self.frames)
        self._tree_rendered = False
        start = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        new = self.frames[before:]
        tree_frames = [t for t, tree in new if tree]
        if not tree_frames:
            return None, None
        return tree_frames[0] - start, new[-1][0] - start


def _is_module(data: Any) -> bool:
    if isinstance(data, dict):
        return "learningResources" in data
    return hasattr(data, "resources") and hasattr(data, "assignment")


def _is_resource(data: Any) -> bool:
    if isinstance(data, dict):
        return "link" in data
    return getattr(data, "kind", None) == "resource"


async def _wait_for_tree(app: Any, pilot: Any) -> Any | None:
    """The tree showing the modules, once the course has loaded; None if it never appears."""
    from textual.widgets import Tree

    deadline = time.perf_counter() + READY_TIMEOUT
    while time.perf_counter() < deadline:
        for tree in app.screen.query(Tree):
            if any(_is_module(node.data) for node in tree.root.children):
                return tree
        await pilot.pause(0.05)
    return None


def _module_nodes(tree: Any) -> list[Any]:
    return [node for node in tree.root.children if _is_module(node.data)]


async def _settle(pilot: Any) -> None:
    await pilot.pause()


async def bench_cursor(clock: FrameClock, pilot: Any, tree: Any, presses: int) -> dict[str, Any]:
    tree.move_cursor(_module_nodes(tree)[0])
    await _settle(pilot)
    first: list[float] = []
    last: list[float] = []
    start_line = tree.cursor_line
    keys = ["down"] * (presses // 2) + ["up"] * (presses - presses // 2)
    moved_down = 0
    for i, key in enumerate(keys):
        f, la = await clock.press(pilot, key)
        if i == presses // 2 - 1:
            moved_down = tree.cursor_line - start_line
        if f is not None and la is not None:
            first.append(f)
            last.append(la)
    return {
        "first": stats_ms(first),
        "settled": stats_ms(last),
        "no_frame": presses - len(first),
        "check": f"cursor moved {moved_down} lines down, back to line {tree.cursor_line}",
        "ok": moved_down > 0 and tree.cursor_line == start_line,
    }


async def _find_expand_key(clock: FrameClock, pilot: Any, tree: Any, node: Any) -> str | None:
    for key in ("space", "enter", "right"):
        tree.move_cursor(node)
        await _settle(pilot)
        await clock.press(pilot, key)
        if node.is_expanded:
            node.collapse()
            await _settle(pilot)
            return key
    return None


async def bench_expand(clock: FrameClock, pilot: Any, tree: Any, presses: int) -> dict[str, Any]:
    modules = _module_nodes(tree)
    key = await _find_expand_key(clock, pilot, tree, modules[-1])
    if key is None:
        return {"available": False, "reason": "no key (space/enter/right) expands a module"}
    first: list[float] = []
    last: list[float] = []
    toggled = 0
    tree.move_cursor(modules[0])
    await _settle(pilot)
    for module in modules[: presses // 2]:
        if tree.cursor_node is not module:
            tree.move_cursor(module)
            await _settle(pilot)
        for want in (True, False):
            f, la = await clock.press(pilot, key)
            toggled += module.is_expanded == want
            if f is not None and la is not None:
                first.append(f)
                last.append(la)
    return {
        "key": key,
        "first": stats_ms(first),
        "settled": stats_ms(last),
        "check": f"{toggled} of {2 * len(modules[: presses // 2])} presses toggled as expected",
        "ok": toggled == 2 * len(modules[: presses // 2]),
    }


async def bench_toggle_done(
    clock: FrameClock, pilot: Any, app: Any, tree: Any, presses: int
) -> dict[str, Any]:
    store = getattr(app, "store", None)
    course = getattr(app, "course", None)
    if store is None or course is None:
        return {"available": False, "reason": "the app has no store/course attribute"}
    saves: list[tuple[float, bool]] = []
    original_save: Callable[[], None] = store.save

    def timed_save() -> None:
        start = time.perf_counter()
        original_save()
        saves.append((time.perf_counter() - start, threading.current_thread() is main_thread))

    main_thread = threading.main_thread()
    try:
        store.save = timed_save
    except AttributeError:
        saves = []
    first: list[float] = []
    last: list[float] = []
    toggled = 0
    for module in _module_nodes(tree):
        if len(first) >= presses:
            break
        module.expand()
        await _settle(pilot)
        for child in list(module.children):
            if len(first) >= presses:
                break
            if not _is_resource(child.data):
                continue
            tree.move_cursor(child)
            await _settle(pilot)
            was = store.is_done(course.identity, child.data.key)
            f, la = await clock.press(pilot, "space")
            toggled += store.is_done(course.identity, child.data.key) != was
            if f is not None and la is not None:
                first.append(f)
                last.append(la)
        module.collapse()
    await pilot.pause(1.0)  # let the scheduled save run
    return {
        "first": stats_ms(first),
        "settled": stats_ms(last),
        "check": f"{toggled} of {len(first)} presses toggled done in the store",
        "ok": toggled == len(first) and toggled > 0,
        "saves": len(saves),
        "saves_on_ui_thread": sum(1 for _, on_main in saves if on_main),
        "save": stats_ms([s for s, _ in saves]),
    }


def make_app(target: str, course: Path, dirs: Path) -> Any:
    if target == "floor":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from floor_app import FloorApp

        return FloorApp(course)
    from coursemate.ui.factory import create_app
    from coursemate.ui.options import AppOptions

    return create_app(
        AppOptions(
            course=course,
            data_dir=dirs / "data",
            config_dir=dirs / "config",
            cache_dir=dirs / "cache",
        )
    )


async def run(target: str, course: Path, dirs: Path, presses: int) -> dict[str, Any]:
    result: dict[str, Any] = {"target": target, "presses": presses}
    start = time.perf_counter()
    app = make_app(target, course, dirs)
    async with app.run_test(size=SIZE) as pilot:
        clock = FrameClock(app)
        tree = await _wait_for_tree(app, pilot)
        if tree is None:
            result["available"] = False
            result["reason"] = "no Tree of modules appeared on the screen"
            return result
        result["ready_s"] = round(time.perf_counter() - start, 3)
        result["available"] = True
        clock.watch(tree)
        tree.focus()
        await _settle(pilot)
        idle_before = len(clock.frames)
        await pilot.pause(2.0)
        # Frames painted while nobody touches anything: should be 0 for an idle app.
        result["idle_frames_per_s"] = round((len(clock.frames) - idle_before) / 2.0, 1)
        sections: list[tuple[str, Any]] = [
            ("cursor", bench_cursor(clock, pilot, tree, presses)),
            ("expand_collapse", bench_expand(clock, pilot, tree, presses)),
        ]
        if target == "app":
            sections.append(("toggle_done", bench_toggle_done(clock, pilot, app, tree, presses)))
        for name, coro in sections:
            try:
                result[name] = await coro
            except Exception as exc:  # report, don't die: the app may be half-built
                result[name] = {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
                result[name]["traceback"] = traceback.format_exc(limit=4)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", type=Path)
    parser.add_argument("--target", choices=("app", "floor"), default="app")
    parser.add_argument("--presses", type=int, default=500)
    parser.add_argument("--dirs", type=Path, help="where the app's data/config/cache dirs go")
    parser.add_argument("--out", type=Path, help="write the JSON result here")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="coursemate-nav-") as tmp:
        dirs = args.dirs or Path(tmp)
        try:
            result = asyncio.run(run(args.target, args.course, dirs, args.presses))
        except Exception as exc:
            result = {
                "target": args.target,
                "available": False,
                "reason": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=6),
            }
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
