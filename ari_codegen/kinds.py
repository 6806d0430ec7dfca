"""Everything the generator knows about each Swagger type kind, one class per kind.

A spec names a type (``long``, ``Date``, ``List[Channel]``); ``parse`` reads it as an
``ir.TypeRef`` whose ``kind`` names one of the kinds below. Each kind says, in one place:

- how a spec writes it (``names``), the spellings read as those with a warning
  (``aliases``) and how to read a default written as text (``read_default``): for
  ``validate``;
- its Python annotation: for ``parse``;
- its JSON Schema (``schema``, for ``schema_out``) and its noun in messages (``noun``:
  ``expected an integer``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Mapping, Union

# Asterisk's timestamps, 2013-12-05T10:46:40.213-0600: one definition, in the runtime module
# that the generated validators use (a pattern cannot reject impossible days, so the
# validators also parse)
from .runtime._runtime import DATE_PATTERN as DATE_PATTERN

if TYPE_CHECKING:
    from .ir import Allowed, TypeRef

JsonScalar = Union[str, int, float, bool]
Reader = Callable[[str], "JsonScalar | None"]


def read_int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\s*-?\d+\s*", text) else None


def read_float(text: str) -> float | None:
    try:
        return (
            float(text)
            if re.fullmatch(r"\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*", text)
            else None
        )
    except ValueError:
        return None


def read_bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.strip().lower())


class Kind:
    """One Swagger type kind. Subclasses override what differs from a plain JSON scalar."""

    name: str = ""
    names: tuple[str, ...] = ()  # how a spec writes it: ("int", "long")
    aliases: Mapping[str, str] = {}  # tolerated spellings -> one of ``names``
    noun: str = "a value"  # in messages: "expected an integer"
    python: str = "Any"  # the annotation of one value
    schema: Mapping[str, Any] = {}  # its JSON Schema (Draft 2020-12)
    converts: bool = False  # decoding one value builds objects
    response_only: bool = False  # only a responseClass may be of this kind
    read_default: Reader | None = None  # a default written as text -> its value

    def annotation(self, t: TypeRef) -> str:
        """The annotation of a value."""
        return self.python


def range_text(allowed: Allowed) -> str:
    low = "-inf" if allowed.minimum is None else allowed.minimum
    high = "inf" if allowed.maximum is None else allowed.maximum
    return f"[{low}, {high}]"


class String(Kind):
    name = "string"
    names = ("string",)
    aliases = {"str": "string"}
    noun = "a string"
    python = "str"
    schema = {"type": "string"}


class Int(Kind):
    name = "int"
    names = ("int", "long")
    aliases = {"integer": "int", "int32": "int", "int64": "long"}
    noun = "an integer"
    python = "int"
    schema = {"type": "integer"}
    read_default = staticmethod(read_int)


class Double(Kind):
    name = "double"
    names = ("double", "float")
    aliases = {"number": "double"}
    noun = "a number"
    python = "float"
    schema = {"type": "number"}
    read_default = staticmethod(read_float)


class Boolean(Kind):
    name = "boolean"
    names = ("boolean",)
    aliases = {"bool": "boolean"}
    noun = "a boolean"
    python = "bool"
    schema = {"type": "boolean"}
    read_default = staticmethod(read_bool)


class Date(Kind):
    """Asterisk's timestamps, as aware datetimes (see ``DATE_PATTERN``)."""

    name = "date"
    names = ("Date",)
    aliases = {"date": "Date", "datetime": "Date", "date-time": "Date"}
    noun = "a date-time string"
    python = "datetime"
    schema = {"type": "string", "pattern": DATE_PATTERN}
    converts = True


class Object(Kind):
    """A JSON object of any content."""

    name = "object"
    names = ("object",)
    aliases = {"dict": "object", "map": "object"}
    noun = "an object"
    python = "Dict[str, Any]"
    schema = {"type": "object"}


class Containers(Object):
    """ARI's name for an object of string values (channel variables, say)."""

    name = "containers"
    names = ("containers",)
    aliases = {}


class ModelKind(Kind):
    """A reference to a model: its class is the TypeRef's annotation."""

    name = "model"
    noun = "an object"
    converts = True

    def annotation(self, t: TypeRef) -> str:
        return t.annotation


class ListKind(Kind):
    """``List[T]``: a JSON array; every item is of T."""

    name = "list"
    noun = "an array"

    def annotation(self, t: TypeRef) -> str:
        assert t.item is not None
        return f"List[{of(t.item).annotation(t.item)}]"


class Void(Kind):
    name = "void"
    names = ("void",)
    python = "None"
    response_only = True


class Binary(Kind):
    name = "binary"
    names = ("binary",)
    python = "bytes"
    response_only = True


KINDS: Mapping[str, Kind] = {
    kind.name: kind
    for kind in (
        String(),
        Int(),
        Double(),
        Boolean(),
        Date(),
        Object(),
        Containers(),
        ModelKind(),
        ListKind(),
        Void(),
        Binary(),
    )
}
"""Every kind by its name (``TypeRef.kind``)."""

SPEC_TYPES: Mapping[str, str] = {
    spec: kind.name for kind in KINDS.values() for spec in kind.names
}
"""Every primitive type name a spec may write -> its kind: ``long`` -> ``int``."""

ALIASES: Mapping[str, str] = {
    alias: spec for kind in KINDS.values() for alias, spec in kind.aliases.items()
}
"""Spellings read as a spec type name, with a warning: ``integer`` -> ``int``."""

READERS: Mapping[str, Reader] = {
    spec: kind.read_default
    for kind in KINDS.values()
    if kind.read_default is not None
    for spec in kind.names
}
"""How to read a default written as text, by spec type name."""


def of(t: TypeRef) -> Kind:
    """The kind of a type."""
    return KINDS[t.kind]
