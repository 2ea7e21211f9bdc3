"""Domain modules must not import Textual (the harlequin rule), checked in a fresh interpreter;
and test modules stand on tests/helpers.py and conftest fixtures, never on each other."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


# --- the tests' own layering -------------------------------------------------------------

TESTS = Path(__file__).resolve().parent


def imported_names(path: Path) -> Iterator[tuple[int, str]]:
    """Every dotted name ``path`` imports, with its line; ``from a import b`` gives ``a`` and
    ``a.b`` (``b`` may be a module), relative imports keep their dots."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield node.lineno, base
            joint = "." if node.module else ""
            yield from ((node.lineno, f"{base}{joint}{alias.name}") for alias in node.names)


def imports_between_tests(folder: Path) -> list[str]:
    """Where a module under ``folder`` imports a test module or a conftest."""
    tests = {p.stem for p in folder.rglob("test_*.py")} | {"conftest"}
    found = []
    for path in sorted(folder.rglob("*.py")):
        for line, name in imported_names(path):
            hit = next((part for part in name.split(".") if part in tests), None)
            if hit is not None:
                found.append(f"{path.relative_to(folder)}:{line} imports {hit}")
    return sorted(set(found))


def test_no_test_module_imports_another() -> None:
    """So each module runs alone and under --import-mode=importlib; shared code goes in
    helpers.py, shared fixtures in conftest.py."""
    found = imports_between_tests(TESTS)
    assert found == [], "move what they share into tests/helpers.py or conftest.py: " + str(found)


def test_imports_between_tests_are_found(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "test_a.py").write_text("from test_b import go\nimport helpers\n")
    (tmp_path / "test_b.py").write_text("from helpers import go, study\nimport os.path\n")
    (tmp_path / "helpers.py").write_text("import json\n\nimport conftest\n")
    (tmp_path / "sub" / "test_c.py").write_text(
        "def f():\n    import test_a.x\n\nfrom . import test_b\nfrom .helpers import go\n"
    )
    assert imports_between_tests(tmp_path) == [
        "helpers.py:3 imports conftest",
        "sub/test_c.py:2 imports test_a",
        "sub/test_c.py:4 imports test_b",
        "test_a.py:1 imports test_b",
    ]
