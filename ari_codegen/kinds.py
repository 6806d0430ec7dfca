"""Everything the generator knows about each Swagger type kind, one class per kind.

A spec names a type (``long``, ``Date``, ``List[Channel]``); ``parse`` reads it as an
``ir.TypeRef`` whose ``kind`` names one of the kinds below. Each kind says, in one place:

- how a spec writes it (``names``), the spellings read as those with a warning
  (``aliases``) and how to read a default written as text (``read_default``): for
  ``validate``;
- its Python annotation and the imports that annotation needs: for ``parse``;
- how the generated models decode, encode and validate one JSON value of it, and the
  ``_runtime`` helpers that code calls (``runtime``); how the generated client checks one
  argument of it and puts it on the wire: for the IR's code builders, which the templates
  call;
- its JSON Schema (``schema``, for ``schema_out``) and its noun in messages (``noun``:
  ``expected an integer``).

The code builders return Python source; ``x`` is an expression (a local name), ``depth``
numbers the loop variables of nested lists. Two spellings in them are measured choices
(``bench/bench_runtime.py``) and stay in this module only:

- decoding and validating test a JSON value with ``x.__class__ is not str`` rather than
  ``not isinstance(x, str)``: about 20 ns less per field (a StasisStart has some sixty), and
  ``json.loads`` makes exact types; a subclass (an enum member) is checked like any other
  value that is no JSON string;
- a JSON object is ``x.__class__ is dict`` first, and only then the much slower
  ``isinstance(x, Mapping)`` (``is_mapping``; 400 ns against 30 ns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Union

from .literals import pyrepr, pystr

# Asterisk's timestamps, 2013-12-05T10:46:40.213-0600: one definition, in the runtime module
# that the generated validators use (a pattern cannot reject impossible days, so the
# validators also parse)
from .runtime._runtime import DATE_PATTERN as DATE_PATTERN

if TYPE_CHECKING:
    from .ir import Allowed, BuilderLocals, Enum, Parameter, PathPart, Property, TypeRef

JsonScalar = Union[str, int, float, bool]
Import = tuple[str, str]  # (module, name) as in ``from module import name``
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


def item_name(depth: int) -> str:
    """The loop variable over the items of a list at ``depth``: item, item1, item2, ..."""
    return f"item{depth}" if depth else "item"


def index_name(depth: int) -> str:
    return f"i{depth}" if depth else "i"


@dataclass(frozen=True)
class Check:
    """How a validator checks one JSON value: ``clauses`` are (condition, message) pairs,
    the first true one reported at problem path ``where`` (an ``if``/``elif`` chain);
    ``otherwise`` are statements that run when none is (a nested model's validator, the
    loop over a list's items)."""

    where: str
    clauses: tuple[tuple[str, str], ...] = ()
    otherwise: tuple[str, ...] = ()


class Kind:
    """One Swagger type kind. Subclasses override what differs from a plain JSON scalar."""

    name: str = ""
    names: tuple[str, ...] = ()  # how a spec writes it: ("int", "long")
    aliases: Mapping[str, str] = {}  # tolerated spellings -> one of ``names``
    noun: str = "a value"  # in messages: "expected an integer"
    argument_noun: str = ""  # for an argument of the client, when it differs from noun
    python: str = "Any"  # the annotation of one value
    annotation_imports: tuple[Import, ...] = ()  # what that annotation needs
    schema: Mapping[str, Any] = {}  # its JSON Schema (Draft 2020-12)
    runtime: frozenset[str] = frozenset()  # _runtime names its models code calls
    argument_runtime: frozenset[str] = frozenset()  # ... and its client code
    # an _http function: is one allowMultiple item valid?
    predicate: str = "_http.is_object"
    # decoding one value builds objects (see also TypeRef.converts)
    converts: bool = False
    bounded: bool = False  # a RANGE applies
    response_only: bool = False  # only a responseClass may be of this kind
    read_default: Reader | None = None  # a default written as text -> its value

    # --- annotations -----------------------------------------------------------------------

    def annotation(
        self, t: TypeRef, scalar: str | None = None, listed: str = "list"
    ) -> str:
        """The annotation of a value; ``scalar`` replaces that of a (list's) string element
        (an enum's), ``listed`` is how the list type is spelt (``builtins.list`` in a class
        body where a member named ``list`` shadows the builtin)."""
        return self.python

    # --- models: one JSON value --------------------------------------------------------------

    def wrong_json(self, t: TypeRef, x: str, depth: int = 0) -> str | None:
        """An expression that is true when ``x`` cannot be a JSON value of ``t`` (shallow for
        models); None when decoding ``x`` checks it by itself."""
        return None

    def decode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        """JSON value ``x`` -> its Python value (``x`` itself when nothing changes)."""
        return x

    def encode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        """Python value ``x`` -> its JSON value."""
        return x

    def check(
        self, t: TypeRef, x: str, where: str, allowed: Allowed | None, depth: int = 0
    ) -> Check:
        """Every way JSON value ``x`` at problem path ``where`` breaks ``t`` and ``allowed``."""
        wrong = self.wrong_json(t, x, depth)
        clauses = [(wrong, f"expected {self.noun}")] if wrong else []
        return Check(where, tuple(clauses) + _allowed_clauses(self, x, allowed))

    # --- the client: one argument -------------------------------------------------------------

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        """An expression that is true when argument ``x`` cannot be a value of ``t``."""
        raise NotImplementedError(f"no argument is of kind {self.name}")

    def argument_expected(self, t: TypeRef) -> str:
        return self.argument_noun or self.noun

    def query_value(self, t: TypeRef, x: str) -> str:
        """A valid argument as the text of a query parameter."""
        return f"_http.text({x})"

    def body_value(self, t: TypeRef, x: str) -> str:
        """A valid argument as the JSON value of a body key."""
        return x

    def segment(self, t: TypeRef, x: str) -> str:
        """A valid argument as one path segment, percent-encoded."""
        return f"_http.segment(_http.text({x}))"


def _allowed_clauses(
    kind: Kind, x: str, allowed: Allowed | None
) -> tuple[tuple[str, str], ...]:
    """LIST values of any scalar; RANGE bounds of numbers."""
    if allowed is None:
        return ()
    if allowed.kind == "list":
        values = ", ".join(map(str, allowed.values))
        return ((f"{x} not in {pyrepr(allowed.values)}", f"must be one of {values}"),)
    if not kind.bounded:
        return ()
    bounds = []
    if allowed.minimum is not None:
        bounds.append(f"{x} < {pyrepr(allowed.minimum)}")
    if allowed.maximum is not None:
        bounds.append(f"{x} > {pyrepr(allowed.maximum)}")
    if not bounds:
        return ()
    return ((" or ".join(bounds), f"must be in the range {range_text(allowed)}"),)


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
    predicate = "_http.is_str"

    def annotation(
        self, t: TypeRef, scalar: str | None = None, listed: str = "list"
    ) -> str:
        return scalar or self.python

    def wrong_json(self, t: TypeRef, x: str, depth: int = 0) -> str | None:
        return f"{x}.__class__ is not str"

    def decode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        # a value the spec does not list stays a plain str
        if enum is None:
            return x
        if depth:  # an item of a checked list is an explicit Any, for which mypy takes
            # dict.get's first overload (-> Member | None): look it up in two steps
            return f"{enum.py_values}[{x}] if {x} in {enum.py_values} else {x}"
        return f"{enum.py_values}.get({x}, {x})"

    def encode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        return f"str({x})" if enum else x

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        return f"not isinstance({x}, str)"

    def query_value(self, t: TypeRef, x: str) -> str:
        return x

    def segment(self, t: TypeRef, x: str) -> str:
        return f"_http.segment({x})"


class Int(Kind):
    name = "int"
    names = ("int", "long")
    aliases = {"integer": "int", "int32": "int", "int64": "long"}
    noun = "an integer"
    python = "int"
    schema = {"type": "integer"}
    bounded = True
    runtime = frozenset({"is_int"})
    predicate = "_http.is_int"
    read_default = staticmethod(read_int)

    def wrong_json(self, t: TypeRef, x: str, depth: int = 0) -> str | None:
        return f"{x}.__class__ is not int and not is_int({x})"  # 1.0 is an integer

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        return f"not _http.is_int({x})"  # never a bool


class Double(Kind):
    name = "double"
    names = ("double", "float")
    aliases = {"number": "double"}
    noun = "a number"
    python = "float"
    schema = {"type": "number"}
    bounded = True
    predicate = "_http.is_number"
    read_default = staticmethod(read_float)

    def wrong_json(self, t: TypeRef, x: str, depth: int = 0) -> str | None:
        return f"{x}.__class__ is not float and {x}.__class__ is not int"

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        return f"not _http.is_number({x})"


class Boolean(Kind):
    name = "boolean"
    names = ("boolean",)
    aliases = {"bool": "boolean"}
    noun = "a boolean"
    python = "bool"
    schema = {"type": "boolean"}
    predicate = "_http.is_bool"
    read_default = staticmethod(read_bool)

    def wrong_json(self, t: TypeRef, x: str, depth: int = 0) -> str | None:
        return f"{x}.__class__ is not bool"

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        return f"not isinstance({x}, bool)"


class Date(Kind):
    """Asterisk's timestamps, as aware datetimes (see ``DATE_PATTERN``)."""

    name = "date"
    names = ("Date",)
    aliases = {"date": "Date", "datetime": "Date", "date-time": "Date"}
    noun = "a date-time string"
    argument_noun = "a datetime"
    python = "datetime"
    annotation_imports = (("datetime", "datetime"),)
    schema = {"type": "string", "pattern": DATE_PATTERN}
    runtime = frozenset({"is_date", "parse_date", "format_date"})
    argument_runtime = frozenset({"format_date"})
    converts = True

    def decode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        return f"parse_date({x})"  # raises TypeError for a value that is no string

    def encode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        return f"format_date({x})"

    def check(
        self, t: TypeRef, x: str, where: str, allowed: Allowed | None, depth: int = 0
    ) -> Check:
        return Check(where, ((f"not is_date({x})", f"expected {self.noun}"),))

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        return f"not isinstance({x}, datetime)"

    def query_value(self, t: TypeRef, x: str) -> str:
        return f"format_date({x})"

    body_value = query_value


class Object(Kind):
    """A JSON object of any content (``object``, and ARI's ``containers``)."""

    name = "object"
    names = ("object",)
    aliases = {"dict": "object", "map": "object"}
    noun = "an object"
    python = "dict[str, Any]"
    annotation_imports = (("typing", "Any"),)
    schema = {"type": "object"}
    runtime = frozenset({"is_mapping"})

    def wrong_json(self, t: TypeRef, x: str, depth: int = 0) -> str | None:
        return f"{x}.__class__ is not dict and not is_mapping({x})"

    def encode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        return f"dict({x})"

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        return f"not isinstance({x}, dict)"


class Containers(Object):
    """ARI's name for an object of string values (channel variables, say)."""

    name = "containers"
    names = ("containers",)
    aliases = {}


class ModelKind(Kind):
    """A reference to a model: its class, validator and parser are on the TypeRef."""

    name = "model"
    noun = "an object"
    converts = True

    def annotation(
        self, t: TypeRef, scalar: str | None = None, listed: str = "list"
    ) -> str:
        return t.annotation

    def decode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        return (
            f"{t.py_parser}({x})" if t.py_parser else f"{t.annotation}.from_dict({x})"
        )

    def encode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        return f"{x}.to_dict()"

    def check(
        self, t: TypeRef, x: str, where: str, allowed: Allowed | None, depth: int = 0
    ) -> Check:
        return Check(
            where, otherwise=(f"problems.extend({t.py_validator}({x}, {where}))",)
        )

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        return f"not isinstance({x}, {t.annotation})"

    def body_value(self, t: TypeRef, x: str) -> str:
        return f"{x}.to_dict()"


class ListKind(Kind):
    """``List[T]``: a JSON array; every item is of T."""

    name = "list"
    noun = "an array"
    argument_noun = "a value"
    runtime = frozenset({"index"})

    def annotation(
        self, t: TypeRef, scalar: str | None = None, listed: str = "list"
    ) -> str:
        item = item_of(t)
        return f"{listed}[{of(item).annotation(item, scalar, listed)}]"

    def wrong_json(self, t: TypeRef, x: str, depth: int = 0) -> str | None:
        item = item_of(t)
        kind = of(item)
        wrong = (
            None
            if item.converts
            else kind.wrong_json(item, item_name(depth), depth + 1)
        )
        if wrong is None:  # the items' decoding checks them
            return f"{x}.__class__ is not list"
        return (
            f"{x}.__class__ is not list"
            f" or any({wrong} for {item_name(depth)} in {x})"
        )

    def decode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        item = item_of(t)
        if not (item.converts or _enum_of(item, enum)):
            return x
        each = of(item).decode(item, item_name(depth), enum, depth + 1)
        return f"[{each} for {item_name(depth)} in {x}]"

    def encode(
        self, t: TypeRef, x: str, enum: Enum | None = None, depth: int = 0
    ) -> str:
        item = item_of(t)
        if not (item.converts or _enum_of(item, enum)):
            return f"list({x})"
        each = of(item).encode(item, item_name(depth), enum, depth + 1)
        return f"[{each} for {item_name(depth)} in {x}]"

    def check(
        self, t: TypeRef, x: str, where: str, allowed: Allowed | None, depth: int = 0
    ) -> Check:
        item, name, i = item_of(t), item_name(depth), index_name(depth)
        inner = of(item).check(item, name, f"index({where}, {i})", allowed, depth + 1)
        return Check(
            where,
            ((f"{x}.__class__ is not list", f"expected {self.noun}"),),
            (f"for {i}, {name} in enumerate({x}):", *indent(chain(inner))),
        )

    def wrong_argument(self, t: TypeRef, x: str) -> str:
        item = item_of(t)
        if item.kind == "model":
            return f"not _http.is_list_of({x}, {item.annotation})"
        return f"not isinstance({x}, list)"

    def argument_expected(self, t: TypeRef) -> str:
        item = item_of(t)
        if item.kind == "model":
            return f"a list of {item.annotation}"
        return self.argument_noun

    def body_value(self, t: TypeRef, x: str) -> str:
        item = item_of(t)
        if item.kind == "model":
            return f"[{item_name(0)}.to_dict() for {item_name(0)} in {x}]"
        return x


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


def item_of(t: TypeRef) -> TypeRef:
    assert t.item is not None, t
    return t.item


def _enum_of(t: TypeRef, enum: Enum | None) -> Enum | None:
    """The enum that applies to (a list of) strings."""
    return enum if enum is not None and t.element.kind == "string" else None


# --- statements ----------------------------------------------------------------------------


def indent(lines: tuple[str, ...] | list[str], by: int = 1) -> tuple[str, ...]:
    return tuple("    " * by + line for line in lines)


def chain(check: Check, head: tuple[str, str] | None = None) -> tuple[str, ...]:
    """``check`` as validator statements: ``if``/``elif`` over its clauses (after ``head``,
    a clause that comes first), each appending its problem to ``problems``; ``else`` its
    ``otherwise``."""
    clauses = ([head] if head else []) + list(check.clauses)
    lines: list[str] = []
    for n, (condition, message) in enumerate(clauses):
        lines.append(f"{'if' if n == 0 else 'elif'} {condition}:")
        lines.append(f"    problems.append(Problem({check.where}, {pystr(message)}))")
    if check.otherwise and lines:
        lines += ["else:", *indent(check.otherwise)]
    else:
        lines += check.otherwise
    return tuple(lines)


def property_validation(p: Property, x: str, path: str) -> tuple[str, ...]:
    """A validator's statements for one property: JSON value ``x`` (``MISSING`` when the key
    is absent) of the object at problem path ``path``."""
    check = of(p.type).check(p.type, x, f"join({path}, {pystr(p.name)})", p.allowed)
    if p.required:
        return chain(check, (f"{x} is MISSING", "missing required field"))
    return (f"if {x} is not MISSING:", *indent(chain(check)))


# --- the client's request builders ---------------------------------------------------------


def argument_check(p: Parameter, names: BuilderLocals) -> tuple[str, ...]:
    """Builder statements that check argument ``p`` and, when it is valid, put it in the
    request (query, JSON body; a path parameter goes into the path once all are valid).
    """
    x, key, kind = p.py_name, pystr(p.name), of(p.type)

    def problem(message: str) -> str:
        return f"{names.problems}.append(Problem({key}, {pystr(message)}))"

    values = (
        p.allowed.values if p.allowed is not None and p.allowed.kind == "list" else ()
    )
    if p.allow_multiple:
        allowed = f", {pyrepr(values)}" if values else ""
        noun = pystr(kind.argument_expected(p.type))
        store = (
            f"{names.body}[{key}] = {names.values}"
            if p.location == "body"
            else f'{names.query}.append(({key}, ",".join(map(_http.text, {names.values}))))'
        )
        body = (
            f"{names.values} = _http.values({x})",
            f"_http.check_values({names.problems}, {key}, {names.values}, {kind.predicate}, {noun}{allowed})",
            store,
        )
        if p.required:
            return (
                f"if {x} is None:",
                f"    {problem('missing required parameter')}",
                "else:",
                *indent(body),
            )
        return (f"if {x} is not None:", *indent(body))
    clauses = [
        (kind.wrong_argument(p.type, x), f"expected {kind.argument_expected(p.type)}")
    ]
    if values:
        clauses.append(
            (
                f"{x} not in {pyrepr(values)}",
                f"must be one of {', '.join(map(str, values))}",
            )
        )
    elif p.allowed is not None and p.allowed.kind == "range":
        clauses += _allowed_clauses(kind, x, p.allowed)
    if p.location == "path" and p.type.kind == "string":
        clauses.append((f"not {x}", "must not be empty"))
    if p.required:
        clauses.insert(0, (f"{x} is None", "missing required parameter"))
    lines: list[str] = []
    for n, (condition, message) in enumerate(clauses):
        lines += [
            f"{'if' if n == 0 else 'elif'} {condition}:",
            f"    {problem(message)}",
        ]
    if p.location != "path":
        lines += ["else:", f"    {_store(p, names)}"]
    return tuple(lines) if p.required else (f"if {x} is not None:", *indent(lines))


def _store(p: Parameter, names: BuilderLocals) -> str:
    """The statement that puts a valid argument where it goes."""
    if p.location == "body" and p.whole_body:
        return f"{names.body}.update({of(p.type).body_value(p.type, p.py_name)})"
    if p.location == "body":
        return f"{names.body}[{pystr(p.name)}] = {of(p.type).body_value(p.type, p.py_name)}"
    # header and form parameters are sent in the query, as ARI reads them
    return f"{names.query}.append(({pystr(p.name)}, {of(p.type).query_value(p.type, p.py_name)}))"


def path_code(parts: tuple[PathPart, ...]) -> str:
    """The path of a request, each path parameter's value one percent-encoded segment."""
    pieces = [
        (
            of(part.parameter.type).segment(part.parameter.type, part.parameter.py_name)
            if part.parameter is not None
            else pystr(part.text)
        )
        for part in parts
    ]
    return " + ".join(pieces) or pystr("")


def decoder(t: TypeRef) -> str:
    """The ``_http`` decoder of a response body of type ``t``."""
    if t.kind in ("void", "binary"):
        return f"_http.{t.kind}"
    if t.kind == "model":
        return (
            f"_http.parsed({t.py_parser})"
            if t.py_parser
            else f"_http.model({t.annotation})"
        )
    if t.kind == "list" and item_of(t).kind == "model":
        item = item_of(t)
        return (
            f"_http.parsed_list({item.py_parser})"
            if item.py_parser
            else f"_http.model_list({item.annotation})"
        )
    if t.converts:  # deeper lists of models, dates
        return f"_http.parsed(lambda data: {of(t).decode(t, 'data')})"
    return "_http.json_value"


def decode_runtime(t: TypeRef) -> frozenset[str]:
    """The ``_runtime`` names that decoding a value of ``t`` calls."""
    return frozenset({"parse_date"}) if t.element.kind == "date" else frozenset()


def frame_parser(t: TypeRef) -> str:
    """For a websocket whose messages are of type ``t``: one decoded message -> its event.
    A message that does not fit its class still arrives, as the nearest base that fits.
    """
    if t.kind == "model" and t.py_parser:
        return f"partial({t.py_parser}, strict=False)"
    if t.kind == "model":
        return f"{t.annotation}.from_dict"
    if t.converts:
        return f"lambda data: {of(t).decode(t, 'data')}"
    return "lambda data: data"
