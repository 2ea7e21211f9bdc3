"""Showing what other processes write to the open learner store.

Another shell's ``coursemate mark``, a second coursemate or a sync engine may write, replace
(rename over) or delete the learner's store while the app is open. Every ``WATCH_INTERVAL`` the
app compares the file's signature with the one the store last read or wrote (one ``stat``, on
the UI thread); only when they differ does a thread worker take the file lock and merge the
file in (``Store.reload_changes``), then the app repaints every screen that shows the store
(``ShowsStore``: each has a ``store_reloaded`` method).

In a synced folder the engine may instead leave a conflict copy beside the file
(``coursemate.progress.conflicts``): the same look also stats the folder, and only when that
changed lists it (one ``os.scandir``) for copies the store has not seen; the reload then merges
them in, the repaint shows them and the autosave files them away into ``merged-conflicts/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from coursemate.progress.store import Store

# Seconds between two looks at the file: another shell's change shows within about this long.
WATCH_INTERVAL = 1.0


class StoreReloaded(Message):
    """The reload worker merged in what another process wrote to ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        super().__init__()


@runtime_checkable
class ShowsStore(Protocol):
    """A screen showing a learner store's state, which it can show afresh."""

    store: Store

    def store_reloaded(self) -> None: ...


def repaint(screens: Iterable[Screen[object]], store: Store) -> None:
    """Show the store's new state on every screen of ``screens`` that shows ``store``.

    Screens under the top one are repainted too, so going back shows fresh data.
    """
    for screen in screens:
        if screen.is_mounted and isinstance(screen, ShowsStore) and screen.store is store:
            screen.store_reloaded()
