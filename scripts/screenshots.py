"""Regenerate the SVG screenshots in ``screenshots/`` (shown in the README).

    python scripts/screenshots.py [OUTPUT_DIR]

Runs the real app headless on the bundled course with a throw-away learner store, so the
pictures never show anyone's progress.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    keys: Sequence[str] = ()
    reveal: str | None = None
    course: str | None = None  # a file name inside the temporary folder


FIRST_EXPERIMENT = "m1/a/x/ee81d5bb"  # "Define who your users and buyers are…"

SHOTS = (
    Shot("main", (120, 40), ("space", "down", "space", "up", "up", "up"),
         reveal="m1/r/whats-driving-your-need-for-agility"),
    Shot("main-80x24", (80, 24), ("space", "down"),
         reveal="m1/r/whats-driving-your-need-for-agility"),
    Shot("reading-list", (120, 40), ("space", "r", "down", "down"),
         reveal="m1/r/what-is-a-product"),
    Shot("help", (120, 40), ("f1",)),
    Shot("note-editor", (100, 30), ("e", *"Watch this with the team on Friday."),
         reveal="m1/r/what-is-a-product"),
    Shot("filter", (120, 40), ("slash", *"guide")),
    Shot("error-screen", (100, 24), course="broken.md"),
    # Three experiments chosen from module 1, the first one running and reflected on, then
    # the catch-up.
    Shot("catch-up", (120, 40),
         ("space", "s", "down", "enter", "e", *"Listed our users and buyers", "tab",
          *"Buyers and users disagree", "escape",
          "down", "space", "down", "down", "space", "C"),
         reveal=FIRST_EXPERIMENT),
    Shot("reflection", (120, 40),
         ("space", "s", "down", "enter", "e", *"Listed our users and buyers"),
         reveal=FIRST_EXPERIMENT),
    Shot("agenda", (120, 40), ("g",)),
    Shot("presenter", (120, 40), ("p",)),
    # The dashboard of a folder of courses: the shared corpus when it is here, else the bundled one.
    Shot("dashboard", (120, 40), ("down",), course="courses"),
)  # fmt: skip
CORPUS = Path("/work/shared/corpus")

BROKEN = "---\ntitle: Broken\nsyllabus:\n  - id: 1\n    title: a: b\n---\n"


async def take(shot: Shot, out: Path, work: Path) -> Path:
    from coursemate.ui.factory import create_app
    from coursemate.ui.options import AppOptions
    from coursemate.ui.screens.study import StudyScreen

    course = Path(shot.course) if shot.course else None
    app = create_app(AppOptions(course=course, learner="learner", data_dir=work / shot.name))
    async with app.run_test(size=shot.size) as pilot:
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if shot.course or isinstance(app.screen, StudyScreen):
                break
        if shot.reveal and isinstance(app.screen, StudyScreen):
            app.screen.syllabus.reveal(shot.reveal)
            await pilot.pause()
        for key in shot.keys:
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.5 if shot.name == "dashboard" else 0.2)  # the dashboard fills in
        target = out / f"{shot.name}.svg"
        app.save_screenshot(filename=target.name, path=str(out))
    return target


def _folder_of_courses(folder: Path) -> None:
    import shutil

    from coursemate.paths import bundled_course

    if CORPUS.is_dir():
        shutil.copytree(CORPUS, folder, ignore=shutil.ignore_patterns("*.tsv"))
    else:
        folder.mkdir()
        shutil.copy(bundled_course(), folder)


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("COURSEMATE_DATA_DIR", "COURSEMATE_CONFIG_DIR", "COURSEMATE_CACHE_DIR"):
            os.environ[name] = str(work / name.lower())
        (work / "broken.md").write_text(BROKEN, encoding="utf-8")
        _folder_of_courses(work / "courses")
        os.chdir(work)  # relative course paths keep the temporary folder out of the pictures
        for shot in SHOTS:
            print(await take(shot, out, work))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "screenshots"))
