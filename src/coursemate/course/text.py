"""Making untrusted course text safe to show.

Course files come from anywhere: their text must never reach the terminal as escape
sequences, nor be interpreted as Rich/Textual markup (callers wrap it in ``rich.text.Text``
or escape it; this module only strips what no terminal should receive).
"""

from __future__ import annotations

import re

# CSI / OSC / other ESC sequences, then any remaining C0/C1 control except tab and newline.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS/SOS/PM/APC
    r"|\x1b[@-Z\\-_]?"  # other two-byte ESC sequences, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# Lone surrogates ("\ud800" in a double-quoted YAML string) cannot be written to a UTF-8
# terminal at all, so they go too.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` without terminal escape sequences or control characters (keeps \\t and \\n)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def one_line(text: str) -> str:
    """``clean`` text folded onto one line, for titles and table cells."""
    return " ".join(clean(text).split())
