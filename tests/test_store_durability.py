"""The store's promises under crashes and concurrency, with real processes.

A driver process runs ``coursemate mark`` (``coursemate.cli.main``, the real command path) once
per key and prints each key after the command returned 0. Killing it with SIGKILL at random
moments must never leave a store that fails to load or lacks a confirmed mark; two drivers
marking at the same time must lose nothing.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursemate.course.reader import load_course
from coursemate.progress.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork semantics")

DRIVER = """
import contextlib, io, os, sys, time
from coursemate.cli import main
course, learner, data_dir, go, *keys = sys.argv[1:]
print("ready", flush=True)
while go != "-" and not os.path.exists(go):
    time.sleep(0.001)
for key in keys:
    with contextlib.redirect_stdout(io.StringIO()):  # the command's own report
        code = main(["mark", course, key, "--learner", learner, "--data-dir", data_dir])
    if code == 0:
        print(key, flush=True)
"""

LEARNER = "Zoë «durable» ../../etc"


def generated_course(path: Path, modules: int, per_module: int) -> Path:
    lines = ["---", "title: Generated course", "id: generated", "syllabus:"]
    for m in range(1, modules + 1):
        lines += [f'  - id: "{m}"', f"    title: Module {m}", "    duration: 60"]
        lines.append("    learningResources:")
        for r in range(1, per_module + 1):
            lines += [
                f"      - title: Resource {m}-{r}",
                f"        link: https://example.com/{m}/{r}",
                "        duration: 5",
            ]
    lines += ["---", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def start_driver(
    course: Path, data_dir: Path, keys: list[str], go: str = "-"
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(course), LEARNER, str(data_dir), go, *keys],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def test_sigkill_at_random_moments_never_loses_a_confirmed_mark(tmp_path: Path) -> None:
    course_file = generated_course(tmp_path / "course.md", modules=20, per_module=100)
    course = load_course(course_file)
    pending = [res.key for res in course.all_resources()]
    data_dir = tmp_path / "data"
    confirmed: set[str] = set()
    rng = random.Random(1234)
    kills = 0
    while kills < 55:
        proc = start_driver(course_file, data_dir, pending[:60])
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        # Kill at a random moment after the first confirmed mark, so every round has work in
        # flight however slow a loaded machine makes the first command.
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        out = first + out
        assert "Traceback" not in err
        if proc.returncode == -signal.SIGKILL:
            kills += 1
        done_now = set(out.split())
        confirmed |= done_now
        pending = [k for k in pending if k not in done_now]

        store = Store.open(data_dir, LEARNER)  # always loads, never reports damage
        assert store.messages == []
        assert not store.read_only
        missing = confirmed - store.done_keys(course.identity)
        assert not missing, f"confirmed marks lost after kill {kills}: {sorted(missing)[:5]}"
    assert len(confirmed) > 55  # the drivers really got work done between kills
    # Only the store, its backup, its lock and the last-learner file are left: no temp files
    # survive the next open, and nothing was moved aside as corrupt.
    Store.open(data_dir, LEARNER)
    names = sorted(p.name for p in data_dir.iterdir())
    assert not [n for n in names if "corrupt" in n or n.endswith(".tmp")], names


def test_two_processes_marking_at_once_lose_nothing(tmp_path: Path) -> None:
    course_file = generated_course(tmp_path / "course.md", modules=4, per_module=100)
    course = load_course(course_file)
    keys = [res.key for res in course.all_resources()]
    assert len(keys) == 400
    data_dir = tmp_path / "data"
    go = tmp_path / "go"
    first = start_driver(course_file, data_dir, keys[0::2], str(go))
    second = start_driver(course_file, data_dir, keys[1::2], str(go))
    for proc in (first, second):
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    go.touch()  # both start marking at the same moment
    outputs = [proc.communicate(timeout=120) for proc in (first, second)]
    for proc, (out, err) in zip((first, second), outputs, strict=True):
        assert proc.returncode == 0, err
        assert len(out.split()) == 200
    store = Store.open(data_dir, LEARNER)
    assert store.done_keys(course.identity) == frozenset(keys)
