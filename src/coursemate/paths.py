"""Every filesystem location coursemate uses, in one place.

Order of precedence for each: command-line flag, environment variable, platformdirs default
(for the data directory, the ``data_dir`` setting comes before the default). Nothing here
touches the disk at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

# platformdirs and importlib.resources are imported where used: an override or environment
# variable (the common case in scripts and tests) needs neither, and start-up skips them.

APP_NAME = "coursemate"
DATA_DIR_ENV = "COURSEMATE_DATA_DIR"
CACHE_DIR_ENV = "COURSEMATE_CACHE_DIR"
CONFIG_DIR_ENV = "COURSEMATE_CONFIG_DIR"
BUNDLED_COURSE_NAME = "professional-scrum-product-owner.md"


def data_dir(
    override: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
) -> Path:
    """Where learner stores live: ``override`` (``--data-dir``), ``$COURSEMATE_DATA_DIR``, the
    ``data_dir`` setting in ``config_dir(config)``'s settings (relative to that folder when
    relative), else the platform's user data directory."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from coursemate.settings import load_settings

    folder = config_dir(config)
    setting = load_settings(folder)[0].data_dir  # a broken file is reported where it is used
    if setting:
        return folder / Path(setting).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Safe-to-delete caches (parsed courses)."""
    chosen = override or os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Settings such as the theme and the site URL."""
    chosen = override or os.environ.get(CONFIG_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def bundled_courses_dir() -> Path:
    """The courses shipped with coursemate: inside the wheel, or the checkout's ``courses/``."""
    from importlib import resources

    packaged = Path(str(resources.files("coursemate"))) / "courses"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "courses"


def bundled_course() -> Path:
    """The reference course, opened when no course is given."""
    return bundled_courses_dir() / BUNDLED_COURSE_NAME
