"""Generated course files: the reader loads them or refuses them with its own error, and
nothing built on a loaded course (agenda, .ics, catch-up, exports, progress) ever raises.

The generator lives in ``tests/strategies.py`` so a soak run can draw many more examples.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from strategies import course_documents, exercise

PROFILE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(course_documents())
def test_generated_courses_load_or_fail_cleanly_and_never_crash_what_uses_them(
    text: str,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        exercise(text, Path(folder))
