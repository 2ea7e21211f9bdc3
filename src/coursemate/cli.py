"""Command line: ``coursemate [open] [COURSE]`` and the subcommands in ``coursemate.commands``.

Exit codes: 0 success; 1 a course or store could not be used (bad input, unknown keys, the
app's error screen); 2 usage errors; 128 + N ended by signal N after saving (129 the terminal
closed, 130 interrupted, 143 SIGTERM).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from coursemate import __version__
from coursemate.commands import COMMANDS, CommandError, command_module
from coursemate.course.errors import CourseError
from coursemate.course.text import clean

# Usage errors (2) are argparse's and CommandError's own.
EXIT_OK, EXIT_FAIL, EXIT_INTERRUPTED = 0, 1, 130


class _Parser(argparse.ArgumentParser):
    """Usage errors quote the arguments ("unrecognized arguments: ..."): shown cleaned, like
    every other text that did not come from coursemate itself. Subparsers are of this class
    too (argparse makes them with the parent parser's type)."""

    def error(self, message: str) -> NoReturn:
        super().error(clean(message))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or just for ``only`` (each one costs a module import,
    and ``coursemate COURSE`` is started many times a day)."""
    parser = _Parser(
        prog="coursemate",
        description="A terminal study companion for training courses.",
        epilog="With no command, 'open' is assumed: 'coursemate COURSE' opens the app. "
        "Exit codes: 0 ok, 1 a course or store could not be used, 2 usage error, "
        "128+N ended by signal N (129: the terminal closed).",
    )
    parser.add_argument("--version", action="version", version=f"coursemate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        command_module(name).register(sub)
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["open", *argv]


def main(argv: Sequence[str] | None = None) -> int:
    args_list = _with_default_command(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser(args_list[0] if args_list[0] in COMMANDS else None)
    args, extra = parser.parse_known_args(args_list)
    words = getattr(args, "words", None)
    if extra and isinstance(words, list) and not any(w.startswith("-") for w in extra):
        # ``mark COURSE --learner ann KEY``: argparse ends a list of words at the first
        # option; the words after it belong to the same list.
        words.extend(extra)
    elif extra:
        unknown = [w for w in extra if w.startswith("-")] or extra
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.func(args) or 0)
    # Messages name files and quote keys, ids and names from courses, stores and imports.
    except CourseError as exc:
        print(f"coursemate: {clean(str(exc))}", file=sys.stderr)
        return EXIT_FAIL
    except CommandError as exc:
        print(f"coursemate: {clean(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); nothing left to say.
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
