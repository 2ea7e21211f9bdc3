"""Domain modules must not import Textual (the harlequin rule), checked in a fresh interpreter."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

# Every module of the domain packages (found, so a new one cannot slip past), and the
# domain modules beside them.
DOMAIN_PACKAGES = ["coursemate.course", "coursemate.progress"]
DOMAIN_MODULES = [
    "coursemate.agenda",
    "coursemate.ics",
    "coursemate.export",
    "coursemate.settings",
    "coursemate.paths",
    "coursemate.cli",
]


def domain_modules() -> list[str]:
    found = list(DOMAIN_MODULES)
    for name in DOMAIN_PACKAGES:
        package = importlib.import_module(name)
        found.append(name)
        found += [m.name for m in pkgutil.iter_modules(package.__path__, prefix=name + ".")]
    return found


def test_the_domain_packages_are_all_found() -> None:
    names = domain_modules()
    assert {"coursemate.course.reader", "coursemate.course.experiments"} <= set(names)
    assert {"coursemate.progress.store", "coursemate.progress.atomic"} <= set(names)


def test_domain_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {domain_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"domain modules imported: {result.stdout.strip()}"
