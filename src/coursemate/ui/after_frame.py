"""Run a callback after the frame that shows what was just changed.

``call_after_refresh`` runs its callback after the screen's next refresh, or at once when the
screen is idle and knows of no pending repaint. A widget asks for its repaint through a
message to the screen that goes out when the widget's own queue is empty, so a callback
registered in the same breath as the change can run before that frame: the pane or the
counts meant to follow the frame then share it, and the learner waits for both. Each further
hop through ``call_after_refresh`` lets those messages through first; ``HOPS`` was enough in
the benchmark's timelines of a tick (which goes through the store, the tree and the screen)
and an expand, and a callback that still comes early is only as late as before.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message_pump import MessagePump

HOPS = 3


def after_frame(node: MessagePump, callback: Callable[[], object], hops: int = HOPS) -> None:
    """Call ``callback`` (in ``node``'s context) after the frame that shows the changes made
    so far."""
    if hops <= 1:
        node.call_after_refresh(callback)
    else:
        node.call_after_refresh(after_frame, node, callback, hops - 1)
