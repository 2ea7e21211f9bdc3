"""Domain modules must not import Textual (the harlequin rule), checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

DOMAIN_MODULES = [
    "coursemate.course",
    "coursemate.course.reader",
    "coursemate.course.cache",
    "coursemate.course.discover",
    "coursemate.progress",
    "coursemate.progress.store",
    "coursemate.progress.maths",
    "coursemate.progress.learners",
    "coursemate.progress.catchup",
    "coursemate.agenda",
    "coursemate.ics",
    "coursemate.export",
    "coursemate.settings",
    "coursemate.paths",
    "coursemate.cli",
]


def test_domain_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {DOMAIN_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"domain modules imported: {result.stdout.strip()}"
