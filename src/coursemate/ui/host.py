"""The one typed way for a screen or widget to reach the coursemate app it runs in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from coursemate.ui.app import CoursemateApp


def coursemate_app(node: DOMNode) -> CoursemateApp | None:
    """The ``CoursemateApp`` running ``node``; None under another app (the tests' hosts),
    where what only the coursemate app can do (export, links, learners) is off."""
    # Imported here: app.py imports the screens (lazily), which import this module.
    from coursemate.ui.app import CoursemateApp

    app = node.app
    return app if isinstance(app, CoursemateApp) else None
