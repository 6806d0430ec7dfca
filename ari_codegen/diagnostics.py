"""Diagnostics: every problem found in a spec is a value, never an exception."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where it is (file, JSON pointer, line), what is wrong, how to fix it."""

    severity: Severity
    file: str
    pointer: str
    line: int | None
    message: str
    hint: str | None = None

    def format(self) -> str:
        """``file:line: severity: pointer: message (hint)`` as the CLI prints it."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        text = f"{where}: {self.severity.value}: {self.pointer or '/'}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "file": self.file,
            "pointer": self.pointer,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


def escalate(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``--strict``: every warning becomes an error."""
    return [
        Diagnostic(Severity.ERROR, d.file, d.pointer, d.line, d.message, d.hint)
        for d in diagnostics
    ]


class SpecError(Exception):
    """Raised by the library API when a spec cannot be used; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        super().__init__("\n".join(d.format() for d in errors or diagnostics))
