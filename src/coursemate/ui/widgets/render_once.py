"""A Rich renderable that renders another one once per width and replays the lines.

Textual renders a ``Static``'s content to measure its height and again to paint it, and does
both again on every layout (the first screen lays out twice). Rich's ``Markdown`` re-parses
and re-wraps each time, which made it the largest cost of showing the reading pane.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment


class RenderOnce:
    """``renderable`` as lines, rendered at most once for each width it is asked for."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines: dict[int, list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines = self._lines.get(width)
        if lines is None:
            # Height is left out: the measuring pass has none, the painting pass has one, and
            # Markdown lays out the same either way; the caller crops.
            lines = console.render_lines(
                self.renderable, options.update(height=None), pad=False, new_lines=False
            )
            self._lines[width] = lines
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line
