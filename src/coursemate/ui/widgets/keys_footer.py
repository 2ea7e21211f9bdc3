"""The footer, recomposed only when the keys it would show have changed.

Textual's ``Footer`` rebuilds all of its keys every time the screen's bindings are refreshed:
focus moves, screen pushes and our own ``refresh_bindings`` calls. Opening the study screen did
that six times over, each one mounting a dozen widgets; most found the same keys as before.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """A ``Footer`` that skips a recompose when nothing it shows would change."""

    _shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        keys = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return (self.compact, self.show_command_palette, keys)

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
