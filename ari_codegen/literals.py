"""Python literals for generated source: the one writer of strings, numbers and tuples."""

from __future__ import annotations

import re
from json.encoder import encode_basestring
from typing import Any, Iterable


def pystr(value: Any) -> str:
    """A double-quoted string literal of any text: valid Python, JSON and TOML (the
    generated pyproject.toml writes its strings with it, and TOML refuses a raw DEL)."""
    # json.dumps(value, ensure_ascii=False), faster
    text = encode_basestring(str(value))
    if "\x7f" in text:
        text = text.replace("\x7f", "\\u007f")
    try:
        text.encode("utf-8")
    except (
        UnicodeEncodeError
    ):  # lone surrogates: escape them alone (not astral characters,
        # which json.dumps would write as surrogate pairs: two code points in Python)
        text = re.sub(r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def pyrepr(value: Any) -> str:
    """A Python literal for JSON-like data: str, numbers, bools, None, lists and tuples."""
    if isinstance(value, str):
        return pystr(value)
    if isinstance(value, (list, tuple)):
        items = ", ".join(pyrepr(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return f'float("{value}")'  # nan, inf, -inf (a JSON number like 1e999 reads as inf)
    if isinstance(value, float):  # as black writes it: 1e16, not 1e+16
        return repr(value).replace("e+", "e")
    return repr(value)


def pyset(values: Iterable[Any]) -> str:
    items = [pyrepr(v) for v in values]
    return "{" + ", ".join(items) + "}" if items else "set()"
