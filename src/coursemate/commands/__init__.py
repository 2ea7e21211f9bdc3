"""Subcommands. Each module has ``register(subparsers)`` which sets ``func`` on its parser.

Command modules are small and import their heavy dependencies inside ``run``, so building the
parser (and ``coursemate --help``) stays fast. ``COMMANDS`` maps each command name to its
module name; ``command_module`` imports one.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from coursemate.commands.common import CommandError

# name on the command line -> module in this package, in the order --help lists them
COMMANDS: dict[str, str] = {
    "open": "open_",
    "check": "check",
    "outline": "outline",
    "learners": "learners",
    "mark": "mark",
    "progress": "progress",
    "export": "export",
    "import": "import_",
    "agenda": "agenda",
    "class": "class_",
    "plan": "plan",
}


def command_module(name: str) -> ModuleType:
    """The module that implements the command ``name`` (a key of ``COMMANDS``)."""
    return importlib.import_module(f"{__name__}.{COMMANDS[name]}")


__all__ = ["COMMANDS", "CommandError", "command_module"]
