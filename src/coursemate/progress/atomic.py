"""Atomic file writes: a crash leaves either the old file or the new one, never half of one.

Temp files carry this machine's name (``.NAME.HOST.PID.xxxxxxxx.tmp``): in a folder a sync
engine shares, another machine's temp file (perhaps copied half-written) is never taken for one
of ours, so it is neither read nor removed here (removing it would sync the removal back to the
machine writing it).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

# A host name as it may appear in a file name: letters, digits, "_" and "-" (dots, as in a
# fully qualified name, would make "NAME.HOST.lock" ambiguous to split).
_NOT_IN_TAG = re.compile(r"[^A-Za-z0-9_-]+")
MAX_MACHINE_TAG = 40
_machine: str | None = None  # worked out once; tests set it to play two machines


def machine_name() -> str:
    """This machine's name as used in lock and temp file names (never empty)."""
    global _machine
    if _machine is None:
        if hasattr(os, "uname"):
            node = os.uname().nodename
        else:  # pragma: no cover - Windows
            import socket

            node = socket.gethostname()
        _machine = _NOT_IN_TAG.sub("-", node).strip("-")[:MAX_MACHINE_TAG] or "host"
    return _machine


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
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=folder)
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


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{machine_name()}.{os.getpid()}."


def _backup_staging(backup: Path) -> Path:
    return backup.with_name(f".{backup.name}.{machine_name()}.tmp")


def is_own_temp(name: str, path: Path) -> bool:
    """Is ``name`` a temp file this machine's writers of ``path`` make (or made before temp
    names carried the machine: ``.NAME.xxxxxxxx.tmp``)?"""
    own = re.escape(f".{path.name}.{machine_name()}.")
    legacy = re.escape(f".{path.name}.")
    return (
        re.fullmatch(rf"{own}\d+\.[A-Za-z0-9_]+\.tmp|{legacy}[A-Za-z0-9_]+\.tmp", name) is not None
    )


def remove_stale_temps(path: Path, *, backup: Path | None = None) -> None:
    """Temp files a killed writer of ``path`` (and of its backup) on this machine left behind.

    Call only while holding the file's lock, so no live writer owns them. Other machines' temp
    files (a sync engine's copies) are theirs to remove.
    """
    stale_files = [
        stale for stale in path.parent.glob(f".{path.name}.*.tmp") if is_own_temp(stale.name, path)
    ]
    if backup is not None:
        stale_files.append(_backup_staging(backup))
    for stale in stale_files:
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


class NotRegularFileError(OSError):
    """The path is a named pipe, a device or a socket: nothing to read as a file."""


def read_regular(path: Path, limit: int) -> bytes:
    """Up to ``limit`` bytes of the regular file ``path``.

    Opened without blocking and checked before reading: a named pipe, or a link to one or to
    ``/dev/tty``, would otherwise wait for a writer for ever. ``NotRegularFileError`` for
    those, ``OSError`` when the file cannot be read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(f"{path}: not a regular file")
        # ``read(limit)`` sets aside ``limit`` bytes before it reads: 64 MB for every store
        # of a few kilobytes. Ask for the size the file has (and a byte more, to notice one
        # that grew since), and for the rest up to ``limit`` only if it did grow.
        want = min(limit, info.st_size + 1)
        data = handle.read(want)
        if len(data) == want < limit:
            data += handle.read(limit - want)
        return data
