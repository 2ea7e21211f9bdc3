"""The one factory that builds the app, shared by ``coursemate open``, the tests, the
screenshots and the benchmarks. Importing this module does not import Textual; calling
``create_app`` does."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coursemate.ui.app import CoursemateApp
    from coursemate.ui.options import AppOptions


def create_app(options: AppOptions) -> CoursemateApp:
    from coursemate.ui.app import CoursemateApp

    return CoursemateApp(options)
