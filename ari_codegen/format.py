"""Stage 5, format: black, in worker processes across the cores, on Python files only.

black dominates generation time, so ``generate`` calls it only for files whose rendered text
changed since the manifest was written (see ``write.Manifest``), and imports this module
(and black) only then.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import black
import black.mode
import black.parsing


class FormatError(Exception):
    """The rendered text is not valid Python (a template fault)."""


@lru_cache(maxsize=1)
def _mode() -> black.Mode:
    return black.Mode(target_versions={black.mode.TargetVersion.PY311})


def format_python(text: str) -> str:
    """black's output for ``text``; raises ``FormatError`` with black's message if it cannot parse."""
    try:
        return black.format_str(text, mode=_mode())
    except black.parsing.InvalidInput as exc:
        raise FormatError(str(exc)) from None


def _format_one(text: str) -> str | FormatError:
    try:
        return format_python(text)
    except FormatError as exc:
        return exc


def format_all(texts: list[str]) -> list[str | FormatError]:
    """black's output for each text, or its ``FormatError``, in order.

    Several texts are formatted in a pool of processes, one per core, the longest first;
    where no pool can be started they are formatted here, one after the other.
    """
    workers = min(len(texts), os.cpu_count() or 1)
    if workers > 1:
        longest_first = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        try:
            with ProcessPoolExecutor(workers) as pool:
                done = pool.map(_format_one, [texts[i] for i in longest_first])
                by_index = dict(zip(longest_first, done))
            return [by_index[i] for i in range(len(texts))]
        except (OSError, RuntimeError):  # no processes here (or a broken pool)
            pass
    return [_format_one(text) for text in texts]
