"""The one way a screen or widget changes the learner store, and asks for it to be saved.

``apply_change`` runs a store setter: a refusal (a read-only store, a bad key) is told as a
"Not saved" notification and nothing changes; a success posts ``SaveRequested`` to the app,
whose autosave writes the store in a thread worker (test hosts handle the message too). Screens
never touch the disk themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.message import Message

from coursemate.progress.store import StoreError

if TYPE_CHECKING:
    from textual.widget import Widget

    from coursemate.progress.store import Store


class SaveRequested(Message):
    """``store`` holds changes that should be on disk soon."""

    def __init__(self, store: Store) -> None:
        self.store = store
        super().__init__()


def request_save(node: Widget, store: Store) -> None:
    """Ask the app to save ``store`` now (posted to the app: the asking screen may be closing)."""
    node.app.post_message(SaveRequested(store))


def apply_change(
    node: Widget,
    store: Store,
    change: Callable[[], object],
    *,
    quiet: bool = False,
    save: bool = True,
) -> bool:
    """Run ``change`` (a setter of ``store``); True when the store took it.

    ``quiet`` keeps a refusal untold (a screen that already said the store is read-only).
    ``save=False`` leaves the write to the app's autosave timer, within its half-second
    interval: for changes made on every key press (the cursor's position, a tick), where a
    save started at once would compete with the repaint the learner is waiting for.
    """
    try:
        change()
    except StoreError as exc:
        if not quiet:
            node.notify(str(exc), title="Not saved", severity="error", markup=False)
        return False
    if save:
        request_save(node, store)
    return True


@runtime_checkable
class HoldsDraft(Protocol):
    """A screen holding typed text that is not in the store yet (the note editor)."""

    def keep_draft(self) -> None:
        """Put the typed text in the store: the app is ending (a signal, the terminal closed)
        with the screen still open, and what was typed must not be lost. Any thread."""
