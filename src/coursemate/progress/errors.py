"""The one error type the learner store raises."""

from __future__ import annotations


class StoreError(Exception):
    """A store problem in plain words (the CLI prints it and exits 1)."""
