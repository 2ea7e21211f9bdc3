"""The floor: the least a Textual app can do for coursemate's job, to measure coursemate against.

    python benchmarks/floor_app.py COURSE.md

It reads the file, parses the front matter with PyYAML's C loader (``yaml.CSafeLoader``), builds
a Tree of every module and its resources (eagerly: no laziness, no cache), shows the course
introduction in a Markdown pane, and paints. Nothing else: no validation, no learner store, no
settings. Course text goes into the tree as ``rich.text.Text`` so it is never read as markup.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Markdown, Tree


def read_front_matter(path: Path) -> dict[str, Any]:
    """The YAML between the first two ``---`` lines, parsed with the C loader."""
    text = path.read_text(encoding="utf-8")
    # The file starts with a "---" line; the next "---" line closes the front matter.
    front = text.split("\n---", 1)[0].removeprefix("---")
    data = yaml.load(front, Loader=yaml.CSafeLoader)
    return data if isinstance(data, dict) else {}


class FloorApp(App[None]):
    CSS = """
    Tree { width: 1fr; }
    Markdown { width: 1fr; }
    """
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        data = read_front_matter(self.path)
        tree: Tree[dict[str, Any]] = Tree(Text(str(data.get("title", ""))), id="tree")
        tree.root.expand()
        for number, module in enumerate(data.get("syllabus") or [], start=1):
            node = tree.root.add(Text(f"{number} {module.get('title', '')}"), data=module)
            for resource in module.get("learningResources") or []:
                node.add_leaf(Text(str(resource.get("title", ""))), data=resource)
        with Horizontal():
            yield tree
            yield Markdown(str(data.get("introduction", "")))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: floor_app.py COURSE.md", file=sys.stderr)
        return 2
    FloorApp(Path(args[0])).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
