from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from coursemate.course.model import Course
from coursemate.course.reader import load_course
from helpers import CORPUS, COURSEMATE, REFERENCE, Terminal


@pytest.fixture
def reference_path() -> Path:
    return REFERENCE


@pytest.fixture
def course(reference_path: Path) -> Course:
    """The reference course, loaded for each test."""
    return load_course(reference_path)


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not present at {CORPUS}")
    return CORPUS


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever touches the real user data, config or cache directories."""
    base = tmp_path_factory.mktemp("coursemate-home")
    monkeypatch.setenv("COURSEMATE_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("COURSEMATE_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("COURSEMATE_CACHE_DIR", str(base / "cache"))


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    """The data, config and cache folders of the ``terminal`` fixture's coursemate."""
    return {name: tmp_path / name for name in ("data", "config", "cache")}


@pytest.fixture
def terminal(dirs: dict[str, Path]) -> Iterator[Terminal]:
    """A fresh tmux session whose shell runs coursemate with the ``dirs`` folders."""
    if not COURSEMATE.exists():
        pytest.skip(f"coursemate is not installed in this environment ({COURSEMATE})")
    env = {
        "COURSEMATE_DATA_DIR": str(dirs["data"]),
        "COURSEMATE_CONFIG_DIR": str(dirs["config"]),
        "COURSEMATE_CACHE_DIR": str(dirs["cache"]),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
    }
    term = Terminal(f"coursemate-e2e-{uuid.uuid4().hex[:8]}", env)
    term.start()
    try:
        yield term
    finally:
        subprocess.run(["tmux", "kill-session", "-t", term.name], capture_output=True)
