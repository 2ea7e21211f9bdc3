"""``coursemate import FILE``: merge an exported progress file into a learner's store.

Merging follows the store's rules (the later write of each piece of state wins), so importing
the same file twice, or an older export, changes nothing that is newer here. A piece written at
the same moment with another value (an export edited by hand) is a conflict: the store keeps
the same one on every machine and this command says which. A file holding anything coursemate
would not write itself (a bad key or course id, an impossible date, a stamp from the future) is
refused whole, naming the first bad value. The learner is ``--learner``, else the default (last
used, else the OS user), as for every command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coursemate.commands.common import (
    CommandError,
    add_store_arguments,
    open_store,
    remember,
    save_store,
)
from coursemate.course.text import one_line
from coursemate.plural import counted

if TYPE_CHECKING:
    from coursemate.progress.document import Conflict

MAX_IMPORT_BYTES = 64 * 1024 * 1024


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import",
        help="merge an exported progress file into a learner's progress",
        description="Merge a file written by 'coursemate export --format json' (or a learner "
        "store file) into a learner's progress. Newer state wins, item by item.",
    )
    parser.add_argument("file", metavar="FILE", help="the exported JSON file")
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def read_import(path: Path) -> object:
    """The store document inside an export (or a store file itself)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_IMPORT_BYTES:
        raise CommandError(f"{path} is larger than {MAX_IMPORT_BYTES // 2**20} MB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    except (ValueError, RecursionError) as exc:
        raise CommandError(f"{path} is not valid JSON ({exc})") from exc
    if isinstance(data, dict) and "store" in data:
        return data["store"]
    return data


def _shown(value: object) -> str:
    """A stored value for a message: JSON, escapes and all, shortened."""
    text = json.dumps(value)  # ASCII: no escape sequence reaches the terminal
    return text if len(text) <= 60 else text[:59] + "…"


def conflict_lines(conflicts: list[Conflict]) -> list[str]:
    from coursemate.progress.document import json_path

    if not conflicts:
        return []
    count = counted(len(conflicts), "conflict")
    lines = [f"{count} (the same moment, different values; every machine keeps the same one):"]
    lines += [
        f"  kept {_shown(c.kept)} for {json_path(c.path)} (not {_shown(c.dropped)})"
        for c in conflicts
    ]
    return lines


def run(args: argparse.Namespace) -> int:
    from coursemate.progress.store import StoreError

    path = Path(args.file).expanduser()
    data = read_import(path)
    store = open_store(args, writes=True)
    conflicts: list[Conflict] = []
    try:
        changed = store.merge_document(data, conflicts)
    except StoreError as exc:
        raise CommandError(f"cannot import {path}: {exc}") from exc
    save_store(store)
    remember(store)
    shown = one_line(str(path))  # a file name can hold escape sequences too
    if changed:
        print(f"imported {shown} into {store.learner}'s progress", file=sys.stdout)
    elif not conflicts:
        print(f"{store.learner}'s progress already had everything in {shown}", file=sys.stdout)
    else:
        print(f"{store.learner}'s progress kept its own values from {shown}", file=sys.stdout)
    for line in conflict_lines(conflicts):
        print(line, file=sys.stdout)
    return 0
