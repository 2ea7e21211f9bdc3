"""The one error type the course reader raises."""

from __future__ import annotations

from pathlib import Path

from coursemate.course.model import Problem


class CourseError(Exception):
    """A course file that cannot be loaded; ``problem`` says what and where."""

    def __init__(
        self,
        message: str,
        *,
        file: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = Problem("error", message, file, line, column, field)
        super().__init__(str(self.problem))

    @property
    def file(self) -> Path | None:
        return self.problem.file

    @property
    def line(self) -> int | None:
        return self.problem.line

    @property
    def column(self) -> int | None:
        return self.problem.column

    @property
    def field(self) -> str | None:
        return self.problem.field

    @property
    def message(self) -> str:
        return self.problem.message
