"""Small user settings (theme, site URL, data directory) kept as JSON in the config directory.

No Textual here: the CLI may read settings too. Writes are atomic (temp file, fsync,
``os.replace``) so a crash never leaves a half-written file; unknown keys are kept so a newer
coursemate's settings survive an older one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class Settings:
    theme: str | None = None
    site_url: str | None = None
    # Where learner stores live when neither --data-dir nor COURSEMATE_DATA_DIR says (a synced
    # folder, say); see ``coursemate.paths.data_dir``.
    data_dir: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know

    def with_theme(self, theme: str) -> Settings:
        return replace(self, theme=theme)


def settings_path(config_dir: Path) -> Path:
    return config_dir / SETTINGS_FILE


def _text_or_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def load_settings(config_dir: Path) -> tuple[Settings, list[str]]:
    """The settings, plus messages for the user when the file could not be used."""
    path = settings_path(config_dir)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except OSError as exc:
        return Settings(), [f"could not read settings {path}: {exc.strerror or exc}"]
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
        return Settings(), [f"settings {path} are not valid JSON ({exc}); using defaults"]
    if not isinstance(data, dict):
        return Settings(), [f"settings {path} should hold a JSON object; using defaults"]
    known = {"theme", "site_url", "data_dir"}
    # A setting of the wrong type is ignored, and said so: a data_dir written as a list would
    # otherwise put learner data in the default folder instead of the synced one, silently.
    wrong = [
        f"settings {path}: {key} should be text; ignored"
        for key in sorted(known)
        if data.get(key) is not None and not isinstance(data[key], str)
    ]
    data_dir = _text_or_none(data.get("data_dir"))
    if data_dir is not None and "\0" in data_dir:
        # No path can hold one: opening the store ended in a ValueError traceback.
        wrong.append(f"settings {path}: data_dir holds a NUL character, no path can; ignored")
        data_dir = None
    return (
        Settings(
            theme=_text_or_none(data.get("theme")),
            site_url=_text_or_none(data.get("site_url")),
            data_dir=data_dir,
            extra={k: v for k, v in data.items() if k not in known},
        ),
        wrong,
    )


def save_settings(config_dir: Path, settings: Settings) -> None:
    """Write the settings atomically; raises ``OSError`` when the directory is unusable."""
    config_dir.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = dict(settings.extra)
    if settings.theme is not None:
        data["theme"] = settings.theme
    if settings.site_url is not None:
        data["site_url"] = settings.site_url
    if settings.data_dir is not None:
        data["data_dir"] = settings.data_dir
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    import tempfile  # only settings writes need it; every command may read settings

    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=config_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, settings_path(config_dir))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
