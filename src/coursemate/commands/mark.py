"""``coursemate mark [COURSE] KEY... [--undo]``: mark resources done, choose experiments.

COURSE is optional, so the first word is taken as the course when it ends in ``.md`` or names
an existing file or folder; otherwise every word is a key and the bundled course is used.
``--course`` says it explicitly. Every key is checked before anything is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coursemate.commands.common import (
    CommandError,
    add_store_arguments,
    load_cached,
    open_store,
    remember,
    save_store,
)

if TYPE_CHECKING:
    from coursemate.course.model import Course
    from coursemate.progress.store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "mark",
        help="mark resources and pre-reading done, choose experiments (by key)",
        description="Mark resources and pre-reading done, or choose experiments, by the keys "
        "'coursemate outline --keys' prints. With --undo, unmark / unchoose. "
        "COURSE is optional: the first word is the course when it ends in .md or is an "
        "existing file or folder, otherwise all words are keys of the bundled course "
        "(or of --course). Unknown keys: nothing is written, exit 1.",
    )
    parser.add_argument("words", nargs="+", metavar="[COURSE] KEY", help="course, then keys")
    parser.add_argument("--course", metavar="COURSE", help="the course, stated explicitly")
    parser.add_argument("--undo", action="store_true", help="unmark / unchoose instead")
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def split_course(words: list[str], course: str | None) -> tuple[str | None, list[str]]:
    """(course, keys) from the positional words (see the module docstring)."""
    if course is not None or not words:
        return course, words
    first = words[0]
    if first.endswith(".md") or Path(first).expanduser().exists():
        return first, words[1:]
    return None, words


def plan(course: Course, store: Store, keys: list[str], undo: bool) -> list[tuple[str, str]]:
    """(key, action) for every key, or ``CommandError`` naming every key that cannot be marked."""
    cid = course.identity
    actions: list[tuple[str, str]] = []
    problems: list[str] = []
    own = store.own_keys(cid)
    stored = store.stored_keys(cid)
    items = {item.key: item for item in course.items()}
    for key in dict.fromkeys(keys):  # each key once, in the order given
        item = items.get(key)
        if item is not None and item.kind in ("resource", "prereading"):
            actions.append((key, "done"))
        elif (item is not None and item.kind == "experiment") or key in own:
            actions.append((key, "chosen"))
        elif item is not None:
            problems.append(
                f"{key} is {'a module' if item.kind == 'module' else 'an assignment'}"
                "; mark its resources or experiments"
            )
        elif undo and key in stored:
            actions.append((key, "orphan"))  # no longer in the course, but its state can go
        else:
            problems.append(f"unknown key {key!r}")
    if problems:
        where = course.source or course.identity
        raise CommandError(
            f"nothing marked in {where}: "
            + "; ".join(problems)
            + " (see 'coursemate outline --keys')"
        )
    return actions


def run(args: argparse.Namespace) -> int:
    from coursemate.course.model import Experiment
    from coursemate.course.text import one_line
    from coursemate.progress.store import StoreError

    course_value, keys = split_course(args.words, args.course)
    if not keys:
        raise CommandError("no keys given (see 'coursemate outline --keys')", exit_code=2)
    course = load_cached(course_value)
    store = open_store(args, writes=True)
    cid = course.identity
    actions = plan(course, store, keys, args.undo)
    try:
        for key, action in actions:
            if action == "done":
                store.set_done(cid, key, not args.undo)
            elif action == "chosen":
                found = course.find(key)
                title = found.text if isinstance(found, Experiment) else None
                store.set_chosen(cid, key, not args.undo, title=title)
            else:
                store.set_done(cid, key, False)
                store.set_chosen(cid, key, False)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    save_store(store)
    remember(store)
    verbs = {"done": ("done", "not done"), "chosen": ("chosen", "unchosen")}
    for key, action in actions:
        verb = verbs.get(action, ("", "cleared"))[1 if args.undo else 0]
        found = course.find(key)
        title = one_line(getattr(found, "title", "") or getattr(found, "text", "")) if found else ""
        print(f"{verb:9} {key}" + (f"  {title}" if title else ""), file=sys.stdout)
    return 0
