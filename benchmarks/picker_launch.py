"""Start coursemate on a folder of courses with the dashboard, or (``--old``) the picker it
replaced, so ``benchmarks/picker.py`` times both through the same launcher.

    python benchmarks/picker_launch.py [--old] FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def main(argv: list[str]) -> int:
    old = "--old" in argv
    folder = next(a for a in argv if a != "--old")
    # Both variants import the screen module up front, so they pay for the same imports.
    import coursemate.ui.screens.picker as picker

    if old:
        import old_picker

        picker.PickerScreen = old_picker.PickerScreen  # type: ignore[assignment,misc]
    from coursemate.cli import main as coursemate_main

    return coursemate_main([folder])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
