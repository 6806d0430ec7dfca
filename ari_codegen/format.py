"""Stage 5, format: black, in-process, on Python files only.

black dominates generation time, so ``generate`` calls it only for files whose rendered text
changed since the manifest was written (see ``write.Manifest``).
"""

from __future__ import annotations

import importlib.metadata
from functools import lru_cache

import black
import black.mode
import black.parsing

FORMATTER = f"black {importlib.metadata.version('black')}"


@lru_cache(maxsize=1)
def _mode() -> black.Mode:
    return black.Mode(target_versions={black.mode.TargetVersion.PY311})


def needs_formatting(path: str) -> bool:
    return path.endswith((".py", ".pyi"))


def format_python(text: str) -> str:
    """black's output for ``text``; raises ``FormatError`` with black's message if it cannot parse."""
    try:
        return black.format_str(text, mode=_mode())
    except black.parsing.InvalidInput as exc:
        raise FormatError(str(exc)) from None


class FormatError(Exception):
    """The rendered text is not valid Python (a template fault)."""
