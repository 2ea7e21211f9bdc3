"""The footer: the keys that fit, quit and help always among them; recomposed only when the
keys it would show have changed.

Textual's ``Footer`` rebuilds all of its keys every time the screen's bindings are refreshed:
focus moves, screen pushes and our own ``refresh_bindings`` calls. Opening the study screen did
that six times over, each one mounting a dozen widgets; most found the same keys as before.

At 80 columns a screen's keys do not all fit, and ``Footer`` simply lets the last ones run off
the edge: quit and help, the keys that lead to every other key, were the first to go. Here
the keys are fitted to the width instead: quit and help always stay, the others are kept in
the screen's order (the keys for the selected item first, the screens to open last) and
dropped from the end, and when any was dropped help says "More keys".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

# Actions whose keys are never dropped: with them, every other key can be found.
ALWAYS = ("quit", "help")
MORE = "More keys"
# What a key takes beside its key and description: " key " and "description " padding
# (a compact key, as the palette's is, has one space between them only).
KEY_PADDING = 3
# The palette key is docked right, with a border and padding of its own.
PALETTE_EXTRA = 2


class FooterKey(Widget):
    """One key in the footer, drawn as Textual's own footer keys are.

    Textual's class of that name is private; this one has the same name so that ``Footer``'s
    styles, which select footer keys by that type name, apply to it unchanged.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    FooterKey {
        width: auto;
        height: 1;
        text-wrap: nowrap;
        background: $footer-item-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
            padding: 0 1;
        }
        .footer-key--description {
            padding: 0 1 0 0;
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        &:hover {
            pointer: pointer;
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        &.-disabled {
            text-style: dim;
        }
        &.-compact {
            .footer-key--key {
                padding: 0;
            }
            .footer-key--description {
                padding: 0 0 0 1;
            }
        }
    }
    """

    def __init__(
        self, binding: Binding, key_display: str, *, enabled: bool, tooltip: str, classes: str = ""
    ) -> None:
        super().__init__(classes=classes if enabled else f"{classes} -disabled")
        self.key = binding.key
        self.action = binding.action
        self.key_display = key_display
        self.description = binding.description
        self.enabled = enabled
        if tooltip:
            self.tooltip = tooltip

    @property
    def width_needed(self) -> int:
        padding = 1 if self.has_class("-compact") else KEY_PADDING
        return cell_len(self.key_display) + cell_len(self.description) + padding

    def render(self) -> Text:
        key_padding = self.get_component_styles("footer-key--key").padding
        description_padding = self.get_component_styles("footer-key--description").padding
        key = " " * key_padding.left + self.key_display + " " * key_padding.right
        text = Text.assemble((key, self.get_component_rich_style("footer-key--key")))
        if self.description:
            description = (
                " " * description_padding.left + self.description + " " * description_padding.right
            )
            text.append_text(
                Text.assemble(
                    (description, self.get_component_rich_style("footer-key--description"))
                )
            )
        text.stylize_before(self.rich_style)
        return text

    def on_mouse_down(self) -> None:
        if self.enabled:
            self.app.simulate_key(self.key)
        else:
            self.app.bell()


def fit_keys(keys: Sequence[FooterKey], room: int) -> tuple[list[FooterKey], bool]:
    """The keys to show in ``room`` cells, in their order, and whether any was dropped.

    Quit and help always stay; the others are dropped from the end until the rest fits.
    """
    if sum(k.width_needed for k in keys) <= room:
        return list(keys), False
    for key in keys:
        if key.action.rpartition(".")[2] == "help":
            key.description = MORE
    kept = list(keys)
    droppable = [k for k in keys if k.action.rpartition(".")[2] not in ALWAYS]
    while droppable and sum(k.width_needed for k in kept) > room:
        kept.remove(droppable.pop())
    return kept, True


class KeysFooter(Footer):
    """A ``Footer`` that fits its keys to its width and skips a recompose when nothing it
    shows would change."""

    _shown: tuple[object, ...] | None = None
    # Until the screen first tells its bindings, its widgets may not exist yet for
    # ``check_action`` to ask (Footer waits the same way).
    _ready = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._ready = True
        super().bindings_changed(screen)

    def _keys(self) -> tuple[object, ...]:
        keys = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return (self.compact, self.show_command_palette, self.size.width, keys)

    def compose(self) -> ComposeResult:
        # As Footer composes its keys (one per action, first binding wins), then fitted.
        if not self._ready:
            return
        bindings = self.screen.active_bindings
        by_action: dict[str, FooterKey] = {}
        for _node, binding, enabled, tooltip in bindings.values():
            if binding.show and binding.action not in by_action:
                display = self.app.get_key_display(binding)
                by_action[binding.action] = FooterKey(
                    binding, display, enabled=enabled, tooltip=tooltip
                )
        keys = list(by_action.values())
        room = self.size.width
        palette: list[FooterKey] = []
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                display = self.app.get_key_display(binding)
                tip = binding.tooltip or binding.description
                key = FooterKey(
                    binding,
                    display,
                    enabled=enabled,
                    tooltip=tip,
                    classes="-command-palette -compact",
                )
                palette.append(key)
                room -= key.width_needed + PALETTE_EXTRA
        if self.size.width:  # before the first layout every key is composed
            keys, _dropped = fit_keys(keys, room)
        yield from keys
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        # Fewer or more keys may fit now (the recompose is skipped when the width is the same).
        self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
