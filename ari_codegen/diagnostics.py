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
    """One problem: where it is (file, JSON pointer, line), what is wrong, how to fix it.

    ``file`` is named as the user would reach it: a spec document relative to the spec's
    root, a template as ``builtin/NAME`` or under the template directory as given, an output
    file under the output directory as given. ``pointer`` is empty for problems of a whole
    file (unreadable, not JSON, a template fault). A warning about a wart that was read
    leniently ends its message with what was assumed, ``(read as 'int')``; ``assumed``
    holds that text, so that ``--strict``, where nothing is assumed, can drop it.
    """

    severity: Severity
    file: str
    pointer: str
    line: int | None
    message: str
    hint: str | None = None
    assumed: str | None = None

    def format(self) -> str:
        """``file:line: severity: pointer: message (hint: ...)`` as the CLI prints it; no
        pointer for a problem of the whole file."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        pointer = f"{self.pointer}: " if self.pointer else ""
        text = f"{where}: {self.severity.value}: {pointer}{self.message}"
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
    """``--strict``: every warning becomes an error, and says nothing of what a lenient
    reading would have assumed (nothing was)."""
    return [
        Diagnostic(
            Severity.ERROR,
            d.file,
            d.pointer,
            d.line,
            d.message.removesuffix(f" ({d.assumed})") if d.assumed else d.message,
            d.hint,
        )
        for d in diagnostics
    ]


def warning(
    file: str,
    pointer: str,
    line: int | None,
    message: str,
    hint: str | None,
    assumed: str | None = None,
) -> Diagnostic:
    """A warning; ``assumed`` (what a lenient reading took it for) ends the message."""
    text = f"{message} ({assumed})" if assumed else message
    return Diagnostic(Severity.WARNING, file, pointer, line, text, hint, assumed)


class SpecError(Exception):
    """Raised by the library API when a spec cannot be used; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        super().__init__("\n".join(d.format() for d in errors or diagnostics))
