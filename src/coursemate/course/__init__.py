"""Course reader and model. No Textual imports here: the CLI and tests use it headless.

Import what you need from its modules (``course.reader``, ``course.model``, ...): this package
re-exports nothing, so ``import coursemate.course.errors`` does not pull in the reader and its
YAML and Markdown parsers.
"""
