"""A plain (non-editable) install ships the bundled course inside the wheel.

Builds the wheel with hatchling from the environment (no build isolation, no network) and
installs it with ``--no-deps`` into a fresh venv (``--system-site-packages``, plus a ``.pth``
pointing at this environment's site-packages so the runtime dependencies come from here), then
runs that venv's ``coursemate`` from an unrelated folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from helpers import REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(wheels),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("coursemate-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "coursemate/courses/professional-scrum-product-owner.md" in names
    # PEP 561: the marker that tells type checkers the installed package carries its types.
    assert "coursemate/py.typed" in names

    env_dir = base / "venv"
    # A fresh venv on the base interpreter; this environment's packages are added after the
    # install (see below), so nothing is downloaded.
    venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    # Only now let the venv see this environment's packages (the runtime dependencies): pip
    # never sees, and so never touches, the development install there.
    parent_sites = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "zz-parent-env.pth").write_text("\n".join(parent_sites) + "\n")
    return env_dir


def test_installed_outline_uses_the_bundled_course(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = installed / "bin" / "coursemate"
    result = subprocess.run(
        [str(script), "outline"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Professional Scrum Product Owner (PSPO) Course with Certification"
    assert "9 modules" in lines[1]
    # It ran the installed copy, and read the course shipped inside the package.
    where = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import coursemate, coursemate.paths as p; "
            "print(coursemate.__file__); print(p.bundled_course())",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout.splitlines()
    assert str(REPO / "src") not in where[0]
    assert where[1].startswith(str(installed))
    assert where[1].endswith("coursemate/courses/professional-scrum-product-owner.md")
