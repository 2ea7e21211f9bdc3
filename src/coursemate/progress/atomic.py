"""Atomic file writes: a crash leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); Windows has no directory handles to sync."""
    if os.name == "nt":  # pragma: no cover - not POSIX
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_backup(path: Path, backup: Path) -> None:
    """``backup`` becomes the current ``path`` (a hard link: no copy; a copy where unsupported)."""
    staging = _backup_staging(backup)
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    try:
        os.link(path, staging)
    except FileNotFoundError:
        return  # nothing to back up yet
    except OSError:
        # Filesystems without hard links (FAT, some network shares): copy and sync instead.
        shutil.copyfile(path, staging)
        with open(staging, "rb+") as handle:
            os.fsync(handle.fileno())
    os.replace(staging, backup)


def write_atomic(path: Path, data: bytes, *, backup: Path | None = None) -> None:
    """Write ``data`` to ``path``: temp file in the same folder, fsync, rename, fsync the folder.

    With ``backup``, the file being replaced is kept there first (the previous good version).
    """
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if backup is not None:
            _keep_backup(path, backup)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def _backup_staging(backup: Path) -> Path:
    return backup.with_name(f".{backup.name}.tmp")


def remove_stale_temps(path: Path, *, backup: Path | None = None) -> None:
    """Temp files a killed writer of ``path`` (and of its backup) left behind.

    Call only while holding the file's lock, so no live writer owns them.
    """
    stale_files = list(path.parent.glob(f".{path.name}.*.tmp"))
    if backup is not None:
        stale_files.append(_backup_staging(backup))
    for stale in stale_files:
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
