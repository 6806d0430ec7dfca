"""Stage 5, format: black, in-process, on Python files only.

black dominates generation time, so ``generate`` calls it only for files whose rendered text
changed since the manifest was written (see ``write.Manifest``).
"""

from __future__ import annotations

from functools import lru_cache

import black

FORMATTER = f"black {black.__version__}"


@lru_cache(maxsize=1)
def _mode() -> black.Mode:
    return black.Mode(target_versions={black.TargetVersion.PY311})


def needs_formatting(path: str) -> bool:
    return path.endswith((".py", ".pyi"))


def format_python(text: str) -> str:
    """black's output for ``text``; raises ``FormatError`` with black's message if it cannot parse."""
    try:
        return black.format_str(text, mode=_mode())
    except black.InvalidInput as exc:
        raise FormatError(str(exc)) from None


class FormatError(Exception):
    """The rendered text is not valid Python (a template fault)."""
