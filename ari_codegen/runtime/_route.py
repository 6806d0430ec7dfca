"""What the stub server knows of an operation: ``Route`` and its ``Param``s.

The table of every operation of the spec, ``ROUTES``, is generated (``_spec.py``); these
classes are the same for every spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Tuple

__all__ = ["Param", "Route"]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of an operation, as the stub checks it."""

    name: str
    location: str  # path, query, body
    kind: str  # string, int, double, boolean, object, containers, ...
    required: bool
    multiple: bool
    values: Tuple[Any, ...] = ()  # a LIST
    minimum: float | None = None  # a RANGE
    maximum: float | None = None
    whole_body: bool = False  # the value is the whole JSON body, not one of its keys


@dataclass(frozen=True, slots=True)
class Route:
    """One operation of the spec: where it is and what it takes."""

    operation: str  # "channels.get"
    method: str
    path: str  # "/channels/{channelId}"
    params: Tuple[Param, ...]
    since: Tuple[str, ...] = ()
    websocket: bool = False

    @property
    def segments(self) -> Tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))
