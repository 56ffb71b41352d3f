"""One error family. Every TellerError carries a message fit to show a clerk."""

from __future__ import annotations


class TellerError(Exception):
    """Base of every error the clerk or the operator may see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputRefused(TellerError):
    """A value typed at a step was refused; the clerk stays on the step."""


class ProcedureError(TellerError):
    """A procedure file could not be loaded; carries every problem found."""

    def __init__(self, problems: list["Problem"]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Problem:
    """One problem in a procedure file: where it is and what is wrong."""

    __slots__ = ("path", "line", "field", "message", "severity")

    def __init__(self, path: str, line: int | None, field: str, message: str, severity: str = "error") -> None:
        self.path, self.line, self.field, self.message = path, line, field, message
        self.severity = severity  # "error": the file is refused; "warning": it loads, and validate says so

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        mark = "warning: " if self.is_warning else ""
        return f"{where}: {self.field or '(file)'}: {mark}{self.message}"

    def __repr__(self) -> str:
        return f"Problem({self!s})"


class NotFound(TellerError):
    """A number, receipt or staff member that does not exist."""


class AuthError(TellerError):
    """Wrong staff number, PIN or password."""


class StaffLocked(AuthError):
    """Five wrong PINs in a row: the staff number is locked until a supervisor unlocks it."""


class PrintFailed(TellerError):
    """The printer did not take the job. The transaction is safe; the job can be retried."""
