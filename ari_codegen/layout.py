"""Laying out Python the way black keeps it, for the built-in templates (``render`` makes
these Jinja globals).

The Python the built-in templates emit is black's fixed point: ``ari_codegen.format`` runs
black only on what they cannot lay out (a line still too long, a docstring). So a bracket is
laid out one of the two ways black keeps as they are: on one line when that fits, else one
item a line after a trailing comma (a "magic" trailing comma: black never joins those lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

LINE_LENGTH = 88  # black's


def fits(line: str, indent: int = 0) -> bool:
    """Whether black leaves ``line`` at ``indent`` on one line as far as its length goes
    (an east Asian character counts twice: a line of any but ASCII fits at half)."""
    width = indent + len(line)
    return width <= LINE_LENGTH if line.isascii() else 2 * width <= LINE_LENGTH


@dataclass(frozen=True)
class Bracket:
    """A bracket among the items of another, laid out where it stands: on the outer's line
    if that fits, else by ``bracket`` on a line of its own. ``str`` of it is its one line.
    """

    opening: str
    items: tuple[object, ...]
    closing: str

    def __str__(self) -> str:
        return self.opening + ", ".join(map(str, self.items)) + self.closing


class TupleDisplay(Bracket):
    """A tuple display: ``()``, ``(x,)`` (a one-item tuple keeps its comma on its line,
    which black does not read as a trailing comma to explode), ``(x, y)``."""

    def __init__(self, items: Iterable[object]) -> None:
        super().__init__("(", tuple(items), ")")

    def __str__(self) -> str:
        if len(self.items) == 1:
            return f"({self.items[0]},)"
        return super().__str__()


def laid_out(value: Bracket, indent: int, after: str = "") -> str:
    """A ``Bracket`` (a ``TupleDisplay`` among them) followed by ``after`` at ``indent``, laid out
    by ``bracket``: on its line if it fits, else one item a line."""
    return bracket(
        value.opening, value.items, value.closing + after, indent, str(value) + after
    )


def bracket(
    opening: str,
    items: Iterable[object],
    closing: str,
    indent: int,
    flat: str | None = None,
) -> str:
    """``opening``, the items and ``closing`` at ``indent``: ``flat`` (by default the
    items joined by ``", "`` between the two) if it fits on the line, else one item a line
    with a trailing comma after each (an item that is a ``Bracket`` laid out in turn).
    """
    items = list(items)
    one_line = (
        flat if flat is not None else opening + ", ".join(map(str, items)) + closing
    )
    if not items or ("\n" not in one_line and fits(one_line, indent)):
        return one_line
    pad = " " * indent
    lines = [
        laid_out(item, indent + 4, ",") if isinstance(item, Bracket) else f"{item},"
        for item in items
    ]
    return "".join(
        [opening, *(f"\n{pad}    {line}" for line in lines), f"\n{pad}{closing}"]
    )


def call_in_call(
    outer: str, inner: str, items: Iterable[str], indent: int, brackets: str = "()"
) -> str:
    """``outer(inner(items))`` at ``indent`` (``brackets`` around the items: ``"{}"`` with
    no ``inner`` makes ``outer({items})``), as black lays out a call whose one argument is
    a call or a display: on one line if it fits, else the argument on a line of its own
    (laid out by ``bracket``) inside the outer call's parentheses."""
    items = [str(item) for item in items]
    opening, closing = inner + brackets[0], brackets[1]
    flat = f"{outer}({opening}{', '.join(items)}{closing})"
    if fits(flat, indent):
        return flat
    pad = " " * indent
    laid = bracket(opening, items, closing, indent + 4)
    return f"{outer}(\n{pad}    {laid}\n{pad})"
