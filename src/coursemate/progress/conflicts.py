"""Conflict copies that sync engines make of a learner's store: found, and filed away once merged.

When two machines change a store between two syncs, the engine keeps one version under the
store's name and the other beside it, under a name of the engine's own:

- Syncthing: ``NAME.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.json`` (DEVICE: 7 letters/digits)
- Dropbox: ``NAME (HOST's conflicted copy YYYY-MM-DD).json``, ``... YYYY-MM-DD (1)).json``
- Nextcloud / ownCloud: ``NAME (conflicted copy YYYY-MM-DD HHMMSS).json`` (some versions put a
  user name before the date), older ownCloud ``NAME_conflict-YYYYMMDD-HHMMSS.json``
- OneDrive: ``NAME-HOST.json``

OneDrive's form is also the shape of another learner's store name (``<slug>-<10 hex>.json``,
see ``coursemate.progress.names``): learner "Anna 0123456789 B" lives in a file that starts
with learner "Anna 0123456789"'s stem and a dash. So ``NAME-X.json`` counts as a conflict copy
of ``NAME.json`` only when all of these hold: ``NAME.json`` is in the folder; X looks like a
host name (letters, digits, ``_``, ``-``; at most 63) and does not end in the ten lower-case hex
digits every store name ends in; and, when the copy can be read, its ``learner`` field is the
store's learner (the store checks that). Anything else is left alone.

The backup (``NAME.bak.json``) is synced too: its conflict copies are merged the same way.
Scanning is one ``os.scandir`` of the store's folder. Merged copies are moved into
``merged-conflicts/`` beside the store, never deleted, under a name of their own there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

MERGED_FOLDER = "merged-conflicts"

FolderSignature = tuple[int, int]

_SYNCTHING = re.compile(r"\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}")
_DROPBOX = re.compile(r" \(.+['\u2019]s conflicted copy \d{4}-\d{2}-\d{2}(?: \(\d+\))?\)")
_NEXTCLOUD = re.compile(r" \(conflicted copy (?:.+ )?\d{4}-\d{2}-\d{2} \d{6}\)")
_OWNCLOUD = re.compile(r"_conflict-\d{8}-\d{6}")
_ONEDRIVE_HOST = re.compile(r"-([A-Za-z0-9][A-Za-z0-9_-]{0,62})")
_STORE_HASH_END = re.compile(r"(?:.*-)?[0-9a-f]{10}")

ENGINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Syncthing", _SYNCTHING),
    ("Dropbox", _DROPBOX),
    ("Nextcloud", _NEXTCLOUD),
    ("ownCloud", _OWNCLOUD),
)


@dataclass(frozen=True)
class ConflictCopy:
    """A file a sync engine made of the store when two machines changed it at once."""

    path: Path
    engine: str  # "Syncthing", "Dropbox", "Nextcloud", "ownCloud" or "OneDrive"

    @property
    def needs_owner_check(self) -> bool:
        """Is the name alone not enough (OneDrive): must the copy name the store's learner?"""
        return self.engine == "OneDrive"


def engine_of(name: str, stem: str, *, store_present: bool) -> str | None:
    """The engine whose conflict copy of ``<stem>.json`` the file ``name`` is, else None."""
    if not name.endswith(".json") or not name.startswith(stem):
        return None
    middle = name[len(stem) : -len(".json")]
    for engine, pattern in ENGINES:
        if pattern.fullmatch(middle):
            return engine
    host = _ONEDRIVE_HOST.fullmatch(middle)
    if store_present and host and not _STORE_HASH_END.fullmatch(host.group(1)):
        return "OneDrive"
    return None


def folder_signature(folder: Path) -> FolderSignature | None:
    """The folder's version now: a file added, removed or renamed in it changes this."""
    try:
        st = folder.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def find_conflict_copies(store_path: Path) -> tuple[list[ConflictCopy], FolderSignature | None]:
    """The conflict copies of ``store_path`` in its folder, by name; and the folder's signature
    taken before looking (so a copy that arrives during the scan changes it again)."""
    folder = store_path.parent
    signature = folder_signature(folder)
    stem = store_path.stem
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(stem) and entry.is_file(follow_symlinks=False):
                    names.append(entry.name)
    except FileNotFoundError:
        return [], signature
    copies: list[ConflictCopy] = []
    # The backup is synced too and gets conflict copies of its own when both machines saved
    # more than once apart: older versions, but merging them can only add what is missing.
    for base in (stem, f"{stem}.bak"):
        present = f"{base}.json" in names
        copies.extend(
            ConflictCopy(folder / name, engine)
            for name in sorted(names)
            if (engine := engine_of(name, base, store_present=present)) is not None
        )
    return copies, signature


def file_away(copy: Path) -> Path:
    """Move a merged conflict copy into ``merged-conflicts/`` beside it, never over another
    file there; where it went. ``OSError`` when it cannot be moved."""
    folder = copy.parent / MERGED_FOLDER
    if folder.is_symlink():
        # Engines sync symlinks as symlinks: a link here would carry the learner's files out
        # of the data folder, wherever it points.
        raise NotADirectoryError(f"{folder} is a link, not a folder")
    if folder.exists() and not folder.is_dir():
        # mkdir's own word for it, "File exists", did not say which file, nor what to do.
        raise NotADirectoryError(f"{folder} is a file, not a folder: move it away")
    folder.mkdir(exist_ok=True)
    target = folder / copy.name
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{copy.stem}-{n}{copy.suffix}"
    os.replace(copy, target)
    return target
