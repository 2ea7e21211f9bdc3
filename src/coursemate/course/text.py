"""Making untrusted text safe to show: course files, learner stores, imports and file names.

Course files, stores and file names come from anywhere: their text must never reach the
terminal as escape sequences, nor be interpreted as Rich/Textual markup (callers wrap it in
``rich.text.Text`` or escape it; this module only strips what no terminal should receive).
BiDi controls and invisible format characters go too: they make text read differently from
what it is (a key or a name shown reversed, or two names that look the same).
"""

from __future__ import annotations

import re
from typing import Any

# CSI / OSC / other ESC sequences, then any remaining C0/C1 control except tab and newline.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS/SOS/PM/APC
    r"|\x1b[@-Z\\-_]?"  # other two-byte ESC sequences, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# BiDi controls (ALM, LRM, RLM, embeddings, overrides, isolates) and invisible format
# characters (zero-width space and joiners, word joiner, invisible operators, BOM).
INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
# Lone surrogates ("\ud800" in a double-quoted YAML string) cannot be written to a UTF-8
# terminal at all, so they go too.
_CONTROLS = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{INVISIBLE}]")
# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal must not receive; JSON
# can only hold them inside strings, where a \\u escape keeps the data exactly.
_JSON_RAW = re.compile(rf"[\x7f-\x9f\ud800-\udfff{INVISIBLE}\u2028\u2029]")


def clean(text: str) -> str:
    """``text`` without terminal escape sequences, control characters (keeps \\t and \\n),
    BiDi controls or invisible format characters."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def one_line(text: str) -> str:
    """``clean`` text folded onto one line, for titles and table cells."""
    return " ".join(clean(text).split())


def json_text(data: Any, indent: int | None = 2) -> str:
    """``data`` as indented JSON that is safe to print: readable non-ASCII text stays as it
    is, and every character a terminal could act on is a ``\\u`` escape, so nothing is lost.
    ``indent=None``: on one line (Python's fast encoder; indenting takes its slow one)."""
    import json  # only the commands that print JSON need it

    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
