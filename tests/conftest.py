from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "courses" / "professional-scrum-product-owner.md"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def reference_path() -> Path:
    return REFERENCE


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
