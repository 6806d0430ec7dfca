"""Compare two ARI specs at the IR level and judge every change for an application.

``diff_specs(old, new)`` builds the IR of both specs (or takes ready ``ir.Spec`` values) and
returns a ``SpecDiff``: a list of ``Change`` values, each marked *breaking* or *compatible*
for an application written against OLD (its code, and the client generated from OLD) once
the server or the regenerated client follows NEW. Documentation (summaries, notes,
descriptions, ``since``) is not compared.

What is compared, and how it is matched:

- declarations by name (``channels``); operations by declaration + nickname, and an
  operation whose nickname or declaration changed but whose method + path did not is
  reported as renamed or moved instead of removed + added;
- parameters by wire name within their operation; error responses by status code;
- models by id across the whole spec; properties by JSON key. A model is compared on its
  effective properties (inherited ones included), except keys its parent (the same parent
  in both specs) has in either spec: those are reported once, on the parent.

Every collection is compared the same way (``_pair``: matched by key, added ones and
changed ones in NEW's order, then removed ones in OLD's order), and every change is judged
by one table, ``RULES``: the kind of what changed and how it changed → breaking or
compatible, with the reason. Parameters are data the application *sends*; model properties
and response types are data it *receives* (ARI models appear only in responses and events),
so the same change can be breaking for one and compatible for the other. A LIST value
(``enum_value``) is judged as part of its parameter or property. The rules, rendered from
``RULES``:
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import (
    Any,
    Callable,
    Generic,
    Hashable,
    Iterable,
    Iterator,
    Literal,
    TypeVar,
)

from . import ir
from .diagnostics import SpecError
from .load import load
from .parse import parse
from .validate import validate

Kind = Literal[
    "declaration",
    "operation",
    "parameter",
    "response",
    "error",
    "model",
    "property",
    "enum_value",
]
Action = Literal["added", "removed", "changed"]
KINDS: tuple[Kind, ...] = (
    "declaration",
    "operation",
    "parameter",
    "response",
    "error",
    "model",
    "property",
    "enum_value",
)
_PLURAL = {
    "declaration": "declarations",
    "operation": "operations",
    "parameter": "parameters",
    "response": "response types",
    "error": "error responses",
    "model": "models",
    "property": "model properties",
    "enum_value": "allowed values",
}


@dataclass(frozen=True)
class Change:
    """One difference between the specs.

    ``subject`` names what changed: ``channels.originate`` (an operation),
    ``channels.originate(endpoint)`` (a parameter), ``Channel.caller`` (a property),
    ``Channel`` (a model), ``channels`` (a declaration). ``aspect`` says which facet of it
    changed (``required``, ``type``, ``default``, ``values``, ``minimum``, ``maximum``,
    ``allow_multiple``, ``location``, ``method``, ``path``, ``nickname``, ``parent`` ...);
    it is empty for additions and removals. ``old`` and ``new`` are JSON values.
    """

    kind: Kind
    action: Action
    subject: str
    breaking: bool
    message: str
    aspect: str = ""
    old: Any = None
    new: Any = None
    declaration: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "action": self.action,
            "subject": self.subject,
            "aspect": self.aspect,
            "breaking": self.breaking,
            "message": self.message,
            "old": self.old,
            "new": self.new,
            "declaration": self.declaration,
        }

    def format(self) -> str:
        return f"{self.action:<8} {self.kind:<11} {self.subject}: {self.message}"


@dataclass
class SpecDiff:
    """Every change from ``old_version`` to ``new_version``, in spec order."""

    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    @property
    def compatible(self) -> list[Change]:
        return [c for c in self.changes if not c.breaking]

    @property
    def has_breaking(self) -> bool:
        return any(c.breaking for c in self.changes)

    def find(
        self,
        kind: str | None = None,
        subject: str | None = None,
        action: str | None = None,
        aspect: str | None = None,
    ) -> list[Change]:
        """The changes that match every given field."""
        return [
            c
            for c in self.changes
            if (kind is None or c.kind == kind)
            and (subject is None or c.subject == subject)
            and (action is None or c.action == action)
            and (aspect is None or c.aspect == aspect)
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind: how many were added, removed, changed, and how many are breaking."""
        table: dict[str, dict[str, int]] = {}
        for c in self.changes:
            row = table.setdefault(
                c.kind, {"added": 0, "removed": 0, "changed": 0, "breaking": 0}
            )
            row[c.action] += 1
            row["breaking"] += c.breaking
        return {k: table[k] for k in KINDS if k in table}

    def headline(self) -> str:
        versions = f"ARI {self.old_version or '?'} → {self.new_version or '?'}"
        if not self.changes:
            return f"{versions}: no changes"
        return (
            f"{versions}: {len(self.changes)} change(s), "
            f"{len(self.breaking)} breaking, {len(self.compatible)} compatible"
        )

    # -- output formats -----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "old": {"api_version": self.old_version},
            "new": {"api_version": self.new_version},
            "summary": {
                "total": len(self.changes),
                "breaking": len(self.breaking),
                "compatible": len(self.compatible),
                "by_kind": self.counts(),
            },
            "changes": [c.to_json() for c in self.changes],
        }

    def to_text(self) -> str:
        lines = [self.headline()]
        for title, changes in (
            ("Breaking", self.breaking),
            ("Compatible", self.compatible),
        ):
            if changes:
                lines += ["", f"{title} changes:"]
                lines += [f"  {c.format()}" for c in changes]
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        lines = [
            f"## ARI spec changes: {_md(self.old_version or '?')} → "
            f"{_md(self.new_version or '?')}",
            "",
        ]
        if not self.changes:
            return "\n".join(lines + ["No changes to operations or models.", ""])
        verdict = "⚠️ " if self.has_breaking else ""
        lines += [
            f"{verdict}**{len(self.changes)} change(s): {len(self.breaking)} breaking, "
            f"{len(self.compatible)} compatible.**",
            "",
            "| | added | removed | changed | breaking |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, row in self.counts().items():
            lines.append(
                f"| {_PLURAL[kind]} | {row['added']} | {row['removed']} "
                f"| {row['changed']} | {row['breaking']} |"
            )
        for title, changes in (
            ("Breaking changes", self.breaking),
            ("Compatible changes", self.compatible),
        ):
            if not changes:
                continue
            lines += [
                "",
                f"### {title}",
                "",
                "| Change | Kind | Subject | Details |",
                "|---|---|---|---|",
            ]
            for c in changes:
                what = c.action if not c.aspect else f"{c.action} ({c.aspect})"
                lines.append(
                    f"| {what} | {c.kind.replace('_', ' ')} | `{_md_code(c.subject)}` "
                    f"| {_md(c.message)} |"
                )
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        if fmt == "markdown":
            return self.to_markdown()
        return self.to_text()


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
        .replace("<", "&lt;")
    )


def _md_code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|").replace("\n", " ")


# --- types ------------------------------------------------------------------------------------


def type_key(t: ir.TypeRef) -> str:
    """A type as the generated code sees it: ``long`` and ``int`` are one type."""
    if t.kind == "list" and t.item is not None:
        return f"List[{type_key(t.item)}]"
    if t.kind == "model":
        return t.model or t.spec
    return t.kind


_DICTS = {"object", "containers"}
_WIDER = {("int", "double")}  # (narrower, wider)


def _type_text(t: ir.TypeRef) -> str:
    return t.spec


def _type_change(old: ir.TypeRef, new: ir.TypeRef) -> str:
    """How a type changed, as ``RULES`` names it; only for types that ``type_key`` tells
    apart (two lists are judged by their elements)."""
    if old.kind == "list" and new.kind == "list" and old.item and new.item:
        return _type_change(old.item, new.item)
    a, b = type_key(old), type_key(new)
    if {a, b} <= _DICTS:
        return "object ↔ containers"
    if (a, b) in _WIDER:
        return "type widened"
    if (b, a) in _WIDER:
        return "type narrowed"
    return "type changed"


# --- the rules ---------------------------------------------------------------------------------

RuleKind = Literal[
    "declaration", "operation", "response", "error", "parameter", "property", "model"
]


@dataclass(frozen=True)
class Rule:
    """How one kind of change is judged for an application written against OLD."""

    # what changed (a LIST value is judged with its parameter or property)
    kind: RuleKind
    # how it changed: "added", "optional → required", "LIST value removed" ...
    change: str
    breaking: bool
    reason: str


def _rules(kind: RuleKind, *rows: tuple[str, bool, str]) -> tuple[Rule, ...]:
    return tuple(
        Rule(kind, change, breaking, reason) for change, breaking, reason in rows
    )


BREAKING, COMPATIBLE = True, False

# fmt: off
RULES: tuple[Rule, ...] = (
    *_rules("declaration",
        ("added",                        COMPATIBLE, "a new resource"),
        ("removed",                      BREAKING,   "its resource class and methods are gone"),
    ),
    *_rules("operation",
        ("added",                        COMPATIBLE, "a new method"),
        ("removed",                      BREAKING,   "the method is gone"),
        ("moved to another declaration", BREAKING,   "the method moves to another resource"),
        ("renamed",                      BREAKING,   "a new nickname: the method has a new name"),
        ("Python name changed",          BREAKING,   "the method has a new name"),
        ("HTTP method changed",          BREAKING,   "the old request no longer reaches it"),
        ("path changed",                 BREAKING,   "the old request no longer reaches it"),
        ("upgrade changed",              BREAKING,   "the connection is made another way"),
        ("websocket protocol changed",   BREAKING,   "the connection is made another way"),
    ),
    *_rules("response",
        ("void → a type",                COMPATIBLE, "callers ignored the result"),
        ("a type → void",                BREAKING,   "readers of the result get None"),
        ("type changed",                 BREAKING,   "readers get another type"),
        ("type widened",                 BREAKING,   "long → double: readers may get a float"),
        ("type narrowed",                COMPATIBLE, "double → long: an int works where a float did"),
        ("object ↔ containers",          COMPATIBLE, "both decode to a dict"),
    ),
    *_rules("error",
        ("added",                        COMPATIBLE, "the client raises for any error status either way"),
        ("removed",                      COMPATIBLE, "the client raises for any error status either way"),
    ),
    *_rules("parameter",
        ("added (required)",             BREAKING,   "existing calls do not pass it"),
        ("added (optional)",             COMPATIBLE, "existing calls need not pass it"),
        ("removed",                      BREAKING,   "calls that pass it fail"),
        ("optional → required",          BREAKING,   "calls that omit it fail"),
        ("required → optional",          COMPATIBLE, "calls that pass it still work"),
        ("type changed",                 BREAKING,   "calls send the old type"),
        ("type widened",                 COMPATIBLE, "long → double: an int is still accepted"),
        ("type narrowed",                BREAKING,   "double → long: a float is refused"),
        ("object ↔ containers",          COMPATIBLE, "both are sent as a dict"),
        ("LIST value added",             COMPATIBLE, "every value sent so far is still allowed"),
        ("LIST value removed",           BREAKING,   "calls that send it are refused"),
        ("LIST added",                   BREAKING,   "values outside the LIST are refused"),
        ("LIST removed",                 BREAKING,   "its StrEnum goes away"),
        ("RANGE narrowed",               BREAKING,   "min up, max down, a bound set: values are refused"),
        ("RANGE widened",                COMPATIBLE, "min down, max up, a bound gone"),
        ("RANGE added",                  BREAKING,   "values outside the RANGE are refused"),
        ("RANGE removed",                COMPATIBLE, "every value is allowed"),
        ("LIST ↔ RANGE",                 BREAKING,   "the values allowed change kind"),
        ("allowMultiple false → true",   COMPATIBLE, "one value is still accepted"),
        ("allowMultiple true → false",   BREAKING,   "calls that send several values fail"),
        ("location changed",             BREAKING,   "sent in another place (query → body ...)"),
        ("defaultValue changed",         BREAKING,   "callers that omit it get the new behaviour"),
        ("defaultValue added",           COMPATIBLE, "the behaviour stays; it is documented"),
        ("defaultValue removed",         COMPATIBLE, "the behaviour stays; it is undocumented"),
        ("Python name changed",          BREAKING,   "calls with the old keyword argument fail"),
    ),
    *_rules("property",
        ("added",                        COMPATIBLE, "readers that do not know it are unaffected"),
        ("removed",                      BREAKING,   "readers of the field fail"),
        ("optional → required",          COMPATIBLE, "readers always get it"),
        ("required → optional",          BREAKING,   "readers may get None"),
        ("type changed",                 BREAKING,   "readers get another type"),
        ("type widened",                 BREAKING,   "long → double: readers may get a float"),
        ("type narrowed",                COMPATIBLE, "double → long: an int works where a float did"),
        ("object ↔ containers",          COMPATIBLE, "both decode to a dict"),
        ("LIST value added",             COMPATIBLE, "decoding is lenient: unknown values are kept as plain strings"),
        ("LIST value removed",           BREAKING,   "its member leaves the generated StrEnum"),
        ("LIST added",                   COMPATIBLE, "readers get values of a known set"),
        ("LIST removed",                 BREAKING,   "its StrEnum goes away"),
        ("RANGE narrowed",               COMPATIBLE, "readers get values within the old bounds"),
        ("RANGE widened",                BREAKING,   "readers may get values beyond the old bounds"),
        ("RANGE added",                  COMPATIBLE, "readers get values within the new bounds"),
        ("RANGE removed",                BREAKING,   "readers may get values beyond the old bounds"),
        ("LIST ↔ RANGE",                 BREAKING,   "the values allowed change kind"),
        ("Python name changed",          BREAKING,   "readers of the old field name fail"),
    ),
    *_rules("model",
        ("added",                        COMPATIBLE, "a new class"),
        ("removed",                      BREAKING,   "its class is gone"),
        ("Python name changed",          BREAKING,   "its class has a new name"),
        ("moved to another declaration", COMPATIBLE, "it stays importable from <package>.models"),
        ("parent added",                 COMPATIBLE, "it keeps its fields and gains a base class"),
        ("parent changed or removed",    BREAKING,   "isinstance checks and inherited fields change"),
        ("discriminator changed",        BREAKING,   "events decode by another key"),
    ),
)
# fmt: on
_RULE = {(rule.kind, rule.change): rule for rule in RULES}
_RULE_TITLES: dict[RuleKind, str] = {
    "declaration": "Declarations",
    "operation": "Operations",
    "response": "Response types (received)",
    "error": "Error responses",
    "parameter": "Parameters (sent)",
    "property": "Model properties (received)",
    "model": "Models",
}


def rules_text() -> str:
    """``RULES`` as text, one section per kind (the end of this module's docstring)."""
    width = max(len(rule.change) for rule in RULES)
    lines: list[str] = []
    for kind, title in _RULE_TITLES.items():
        lines += ["", f"{title}:", ""]
        lines += [
            f"  {rule.change:<{width}}  "
            f"{'breaking' if rule.breaking else 'compatible':<10}  {rule.reason}"
            for rule in RULES
            if rule.kind == kind
        ]
    return "\n".join(lines) + "\n"


__doc__ = (__doc__ or "") + rules_text()


# --- changes -----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class _At:
    """Where changes are reported (their kind, subject and declaration) and which rules judge
    them: their kind's, except for a LIST value (its parameter's or property's)."""

    kind: Kind
    subject: str
    declaration: str
    rules: RuleKind

    def added(self, change: str, message: str, new: Any = None) -> Change:
        return self._change("added", change, message, new=new)

    def removed(self, change: str, message: str, old: Any = None) -> Change:
        return self._change("removed", change, message, old=old)

    def changed(
        self, aspect: str, old: Any, new: Any, change: str, message: str
    ) -> Change:
        return self._change("changed", change, message, aspect, old, new)

    def _change(
        self,
        action: Action,
        change: str,
        message: str,
        aspect: str = "",
        old: Any = None,
        new: Any = None,
    ) -> Change:
        breaking = _RULE[(self.rules, change)].breaking
        return Change(
            self.kind,
            action,
            self.subject,
            breaking,
            message,
            aspect,
            _jsonable(old),
            _jsonable(new),
            self.declaration,
        )


def _at(kind: RuleKind, subject: str, declaration: str) -> _At:
    return _At(kind, subject, declaration, kind)


# --- keyed collections -------------------------------------------------------------------------

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True)
class _Pairing(Generic[K, T]):
    """Two collections matched by key (items are never None). ``new`` holds every item of NEW,
    in NEW's order, with the item of OLD it is compared with (None: it was added);
    ``removed`` the items of OLD that nothing in NEW matched, in OLD's order."""

    new: tuple[tuple[K, T | None, T], ...]
    removed: tuple[tuple[K, T], ...]


def _pair(old: Iterable[tuple[K, T]], new: Iterable[tuple[K, T]]) -> _Pairing[K, T]:
    """Match by equal keys. (A key may repeat: LIST values; every repetition counts.)"""
    old, new = list(old), list(new)
    old_of, new_keys = dict(old), {key for key, _ in new}
    return _Pairing(
        tuple((key, old_of.get(key), item) for key, item in new),
        tuple((key, item) for key, item in old if key not in new_keys),
    )


def _keyed(items: Iterable[T], key: Callable[[T], K]) -> Iterable[tuple[K, T]]:
    """One entry per key, as a dict keeps them (the last item, in the first one's place)."""
    return {key(item): item for item in items}.items()


def _nothing(*_: Any) -> Iterator[Change]:
    return iter(())


def _compare(
    pairing: _Pairing[K, T],
    added: Callable[[K, T], Change],
    removed: Callable[[K, T], Change],
    changed: Callable[[K, T, T], Iterable[Change]] = _nothing,
    *,
    changed_last: bool = False,
) -> Iterator[Change]:
    """The one comparison of keyed collections: NEW's items in order, each added or
    compared with its OLD item by ``changed``, then the removed ones; with
    ``changed_last``: the added ones, the removed ones, then the compared ones."""
    kept: list[tuple[K, T, T]] = []
    for key, was, item in pairing.new:
        if was is None:
            yield added(key, item)
        elif changed_last:
            kept.append((key, was, item))
        else:
            yield from changed(key, was, item)
    for key, item in pairing.removed:
        yield removed(key, item)
    for key, was, item in kept:
        yield from changed(key, was, item)


# --- the comparison ----------------------------------------------------------------------------


def _compare_specs(old: ir.Spec, new: ir.Spec) -> list[Change]:
    return [
        *_declarations(old, new),
        *_operations(old, new),
        *_models(old, new),
    ]


def _declarations(old: ir.Spec, new: ir.Spec) -> Iterator[Change]:
    def added(name: str, d: ir.Declaration) -> Change:
        message = f"new resource {d.py_class} ({d.source})"
        return _at("declaration", name, name).added("added", message)

    def removed(name: str, d: ir.Declaration) -> Change:
        message = f"resource {d.py_class} ({d.source}) is gone"
        return _at("declaration", name, name).removed("removed", message)

    pairing = _pair(
        _keyed(old.declarations, lambda d: d.name),
        _keyed(new.declarations, lambda d: d.name),
    )
    return _compare(pairing, added, removed)


# -- operations -------------------------------------------------------------------------------

_OpKey = tuple[str, str]  # (declaration, nickname)
_Located = tuple[str, ir.Operation]  # (declaration, operation)


def _operations_of(spec: ir.Spec) -> Iterable[tuple[_OpKey, _Located]]:
    return {
        (d.name, op.nickname): (d.name, op)
        for d in spec.declarations
        for op in d.operations
    }.items()


def _match_routes(pairing: _Pairing[_OpKey, _Located]) -> _Pairing[_OpKey, _Located]:
    """Pair a removed operation with an added one of the same method + path (renamed or
    moved), taking removed ones in OLD's order; of added ones that share a route, the last.
    """
    new = list(pairing.new)
    by_route = {
        (op.method, op.path): i
        for i, (_, was, (_, op)) in enumerate(new)
        if was is None
    }
    removed = []
    for key, (decl, op) in pairing.removed:
        i = by_route.pop((op.method, op.path), None)
        if i is None:
            removed.append((key, (decl, op)))
        else:
            new[i] = (new[i][0], (decl, op), new[i][2])
    return _Pairing(tuple(new), tuple(removed))


def _operations(old: ir.Spec, new: ir.Spec) -> Iterator[Change]:
    def at(key: _OpKey) -> _At:
        return _at("operation", f"{key[0]}.{key[1]}", key[0])

    def added(key: _OpKey, item: _Located) -> Change:
        op = item[1]
        return at(key).added("added", f"new {op.method} {op.path}")

    def removed(key: _OpKey, item: _Located) -> Change:
        op = item[1]
        return at(key).removed("removed", f"{op.method} {op.path} is gone")

    def changed(key: _OpKey, was: _Located, item: _Located) -> Iterator[Change]:
        return _operation((was[0], was[1].nickname), was[1], key, item[1])

    pairing = _match_routes(_pair(_operations_of(old), _operations_of(new)))
    return _compare(pairing, added, removed, changed, changed_last=True)


def _operation(
    old_key: _OpKey, old: ir.Operation, new_key: _OpKey, new: ir.Operation
) -> Iterator[Change]:
    at = _at("operation", f"{new_key[0]}.{new_key[1]}", new_key[0])
    route = f"({new.method} {new.path})"
    if old_key[0] != new_key[0]:
        yield at.changed(
            "declaration",
            old_key[0],
            new_key[0],
            "moved to another declaration",
            f"moved from {old_key[0]} to {new_key[0]} {route}",
        )
    if old_key[1] != new_key[1]:
        yield at.changed(
            "nickname",
            old_key[1],
            new_key[1],
            "renamed",
            f"renamed from {old_key[1]} to {new_key[1]} {route}",
        )
    elif old.py_name != new.py_name:
        yield at.changed(
            "py_name",
            old.py_name,
            new.py_name,
            "Python name changed",
            f"Python method renamed from {old.py_name}() to {new.py_name}()",
        )
    for aspect, change in (("method", "HTTP method changed"), ("path", "path changed")):
        a, b = getattr(old, aspect), getattr(new, aspect)
        if a != b:
            yield at.changed(aspect, a, b, change, f"{aspect} {a} → {b}")
    for aspect, change in (
        ("upgrade", "upgrade changed"),
        ("websocket_protocol", "websocket protocol changed"),
    ):
        a, b = getattr(old, aspect), getattr(new, aspect)
        if a != b:
            yield at.changed(aspect, a, b, change, f"{aspect} {a!r} → {b!r}")
    yield from _response(at.subject, at.declaration, old.response, new.response)
    yield from _parameters(at.subject, at.declaration, old, new)
    yield from _errors(at.subject, at.declaration, old, new)


def _response(
    subject: str, decl: str, old: ir.TypeRef, new: ir.TypeRef
) -> Iterator[Change]:
    if type_key(old) == type_key(new):
        return
    if old.kind == "void":
        change = "void → a type"
    elif new.kind == "void":
        change = "a type → void"
    else:
        change = _type_change(old, new)
    yield _at("response", subject, decl).changed(
        "type",
        old.spec,
        new.spec,
        change,
        f"returns {_type_text(new)} instead of {_type_text(old)}",
    )


def _errors(
    subject: str, decl: str, old: ir.Operation, new: ir.Operation
) -> Iterator[Change]:
    def at(code: int) -> _At:
        return _at("error", f"{subject} {code}", decl)

    def added(code: int, e: ir.ErrorResponse) -> Change:
        reason = f": {e.reason}" if e.reason else ""
        return at(code).added("added", f"may now respond {code}{reason}", new=code)

    def removed(code: int, e: ir.ErrorResponse) -> Change:
        reason = f" ({e.reason})" if e.reason else ""
        return at(code).removed(
            "removed", f"no longer documents {code}{reason}", old=code
        )

    pairing = _pair(
        _keyed(old.errors, lambda e: e.code), _keyed(new.errors, lambda e: e.code)
    )
    return _compare(pairing, added, removed)


# -- parameters -------------------------------------------------------------------------------


def _parameters(
    op_subject: str, decl: str, old: ir.Operation, new: ir.Operation
) -> Iterator[Change]:
    def at(name: str) -> _At:
        return _at("parameter", f"{op_subject}({name})", decl)

    def added(name: str, p: ir.Parameter) -> Change:
        need = "required" if p.required else "optional"
        return at(name).added(
            f"added ({need})",
            f"new {need} {p.location} parameter {p.py_name}: {_type_text(p.type)}",
        )

    def removed(name: str, p: ir.Parameter) -> Change:
        return at(name).removed(
            "removed", f"{p.location} parameter {p.py_name} is gone"
        )

    def changed(name: str, was: ir.Parameter, p: ir.Parameter) -> Iterator[Change]:
        return _parameter(at(name), was, p)

    pairing = _pair(
        _keyed(old.parameters, lambda p: p.name),
        _keyed(new.parameters, lambda p: p.name),
    )
    return _compare(pairing, added, removed, changed)


def _parameter(at: _At, old: ir.Parameter, new: ir.Parameter) -> Iterator[Change]:
    if old.py_name != new.py_name:
        yield at.changed(
            "py_name",
            old.py_name,
            new.py_name,
            "Python name changed",
            f"keyword argument renamed from {old.py_name} to {new.py_name}",
        )
    if old.location != new.location:
        yield at.changed(
            "location",
            old.location,
            new.location,
            "location changed",
            f"sent in the {new.location} instead of the {old.location}",
        )
    if old.required != new.required:
        change = "optional → required" if new.required else "required → optional"
        yield at.changed("required", old.required, new.required, change, change)
    if type_key(old.type) != type_key(new.type):
        yield at.changed(
            "type",
            old.type.spec,
            new.type.spec,
            _type_change(old.type, new.type),
            f"type {old.type.spec} → {new.type.spec}",
        )
    if old.allow_multiple != new.allow_multiple:
        yield at.changed(
            "allow_multiple",
            old.allow_multiple,
            new.allow_multiple,
            f"allowMultiple {str(old.allow_multiple).lower()} → "
            f"{str(new.allow_multiple).lower()}",
            (
                "accepts several values now"
                if new.allow_multiple
                else "accepts one value only now"
            ),
        )
    if (old.has_default, old.default) != (new.has_default, new.default):
        if old.has_default and new.has_default:
            yield at.changed(
                "default",
                old.default,
                new.default,
                "defaultValue changed",
                f"default {old.default!r} → {new.default!r} "
                "(callers that omit it get the new behaviour)",
            )
        elif new.has_default:
            yield at.changed(
                "default",
                None,
                new.default,
                "defaultValue added",
                f"documents default {new.default!r}",
            )
        else:
            yield at.changed(
                "default",
                old.default,
                None,
                "defaultValue removed",
                f"no longer documents default {old.default!r}",
            )
    yield from _allowed(at, old.allowed, new.allowed)


# -- allowed values (parameters and properties) -----------------------------------------------


def _allowed(
    at: _At, old: ir.Allowed | None, new: ir.Allowed | None
) -> Iterator[Change]:
    if old is None and new is None:
        return
    if old is None and new is not None:
        if new.kind == "list":
            yield at.changed(
                "values",
                None,
                list(new.values),
                "LIST added",
                f"now restricted to {_values(new.values)}",
            )
        else:
            yield at.changed(
                "range",
                None,
                [new.minimum, new.maximum],
                "RANGE added",
                f"now restricted to {_range(new)}",
            )
        return
    if new is None and old is not None:
        if old.kind == "list":
            gone = f" (enum {old.enum.py_name} is gone)" if old.enum is not None else ""
            yield at.changed(
                "values",
                list(old.values),
                None,
                "LIST removed",
                f"no longer restricted to {_values(old.values)}{gone}",
            )
        else:
            yield at.changed(
                "range",
                [old.minimum, old.maximum],
                None,
                "RANGE removed",
                f"no longer restricted to {_range(old)}",
            )
        return
    assert old is not None and new is not None
    if old.kind != new.kind:
        yield at.changed(
            "allowed",
            old.kind.upper(),
            new.kind.upper(),
            "LIST ↔ RANGE",
            f"allowed values changed from a {old.kind.upper()} to a "
            f"{new.kind.upper()}",
        )
    elif old.kind == "list":
        yield from _list_values(at, old.values, new.values)
    else:
        yield from _range_bounds(at, old, new)


def _list_values(
    at: _At, old: Iterable[ir.JsonScalar], new: Iterable[ir.JsonScalar]
) -> Iterator[Change]:
    values = _At("enum_value", at.subject, at.declaration, at.rules)

    def added(value: ir.JsonScalar, _: ir.JsonScalar) -> Change:
        return values.added("LIST value added", f"allows {value!r}", new=value)

    def removed(value: ir.JsonScalar, _: ir.JsonScalar) -> Change:
        return values.removed(
            "LIST value removed", f"no longer allows {value!r}", old=value
        )

    pairing = _pair(((v, v) for v in old), ((v, v) for v in new))
    return _compare(pairing, added, removed)


def _range_bounds(at: _At, old: ir.Allowed, new: ir.Allowed) -> Iterator[Change]:
    for aspect, a, b, narrower in (
        (
            "minimum",
            old.minimum,
            new.minimum,
            _tighter(old.minimum, new.minimum, lambda x, y: x > y),
        ),
        (
            "maximum",
            old.maximum,
            new.maximum,
            _tighter(old.maximum, new.maximum, lambda x, y: x < y),
        ),
    ):
        if a != b:
            yield at.changed(
                aspect,
                a,
                b,
                "RANGE narrowed" if narrower else "RANGE widened",
                f"{aspect} {_bound(a)} → {_bound(b)} "
                f"({'narrower' if narrower else 'wider'} range)",
            )


def _tighter(
    old: float | int | None,
    new: float | int | None,
    beyond: Callable[[float | int, float | int], bool],
) -> bool:
    """Does bound ``new`` narrow the range compared with ``old``? (None: unbounded.)"""
    return new is not None and (old is None or beyond(new, old))


def _bound(value: float | int | None) -> str:
    return "unbounded" if value is None else repr(value)


def _range(allowed: ir.Allowed) -> str:
    low = "-inf" if allowed.minimum is None else allowed.minimum
    high = "inf" if allowed.maximum is None else allowed.maximum
    return f"[{low}, {high}]"


def _values(values: Iterable[Any]) -> str:
    return ", ".join(repr(v) for v in values)


# -- models -----------------------------------------------------------------------------------


def _models(old_spec: ir.Spec, new_spec: ir.Spec) -> Iterator[Change]:
    def added(key: str, m: ir.Model) -> Change:
        extends = f" (extends {m.parent})" if m.parent else ""
        return _at("model", key, m.py_module).added(
            "added", f"new model {m.py_name}{extends}"
        )

    def removed(key: str, m: ir.Model) -> Change:
        return _at("model", key, m.py_module).removed(
            "removed", f"model {m.py_name} is gone"
        )

    def changed(key: str, was: ir.Model, m: ir.Model) -> Iterator[Change]:
        return _model(old_spec, new_spec, was, m)

    pairing = _pair(old_spec.models_by_id.items(), new_spec.models_by_id.items())
    return _compare(pairing, added, removed, changed, changed_last=True)


def _model(
    old_spec: ir.Spec, new_spec: ir.Spec, old: ir.Model, new: ir.Model
) -> Iterator[Change]:
    at = _at("model", new.id, new.py_module)
    if old.py_name != new.py_name:
        yield at.changed(
            "py_name",
            old.py_name,
            new.py_name,
            "Python name changed",
            f"class renamed from {old.py_name} to {new.py_name}",
        )
    if old.py_module != new.py_module:
        yield at.changed(
            "declaration",
            old.py_module,
            new.py_module,
            "moved to another declaration",
            f"moved from models.{old.py_module} to models.{new.py_module}",
        )
    if old.parent != new.parent:
        if old.parent is None:
            yield at.changed(
                "parent", None, new.parent, "parent added", f"now extends {new.parent}"
            )
        else:
            yield at.changed(
                "parent",
                old.parent,
                new.parent,
                "parent changed or removed",
                f"no longer extends {old.parent}"
                + (f"; extends {new.parent}" if new.parent else ""),
            )
    if old.discriminator != new.discriminator:
        yield at.changed(
            "discriminator",
            old.discriminator,
            new.discriminator,
            "discriminator changed",
            f"discriminator {old.discriminator!r} → {new.discriminator!r}",
        )
    # keys of the parent (the same in both specs) are compared once, on the parent
    skip: set[str] = set()
    if old.parent is not None and old.parent == new.parent:
        for spec in (old_spec, new_spec):
            parent = spec.models_by_id.get(old.parent)
            if parent is not None:
                skip.update(p.name for p in parent.all_properties)
    yield from _properties(
        at.subject,
        at.declaration,
        [p for p in old.all_properties if p.name not in skip],
        [p for p in new.all_properties if p.name not in skip],
    )


def _properties(
    model_subject: str,
    decl: str,
    old: Iterable[ir.Property],
    new: Iterable[ir.Property],
) -> Iterator[Change]:
    def at(name: str) -> _At:
        return _at("property", f"{model_subject}.{name}", decl)

    def added(name: str, p: ir.Property) -> Change:
        need = "required" if p.required else "optional"
        return at(name).added(
            "added", f"new {need} property {p.py_name}: {_type_text(p.type)}"
        )

    def removed(name: str, p: ir.Property) -> Change:
        return at(name).removed("removed", f"property {p.py_name} is gone")

    def changed(name: str, was: ir.Property, p: ir.Property) -> Iterator[Change]:
        return _property(at(name), was, p)

    pairing = _pair(_keyed(old, lambda p: p.name), _keyed(new, lambda p: p.name))
    return _compare(pairing, added, removed, changed)


def _property(at: _At, old: ir.Property, new: ir.Property) -> Iterator[Change]:
    if old.py_name != new.py_name:
        yield at.changed(
            "py_name",
            old.py_name,
            new.py_name,
            "Python name changed",
            f"field renamed from {old.py_name} to {new.py_name}",
        )
    if old.required != new.required:
        yield at.changed(
            "required",
            old.required,
            new.required,
            "optional → required" if new.required else "required → optional",
            (
                "optional → required"
                if new.required
                else "required → optional (readers may get None)"
            ),
        )
    if type_key(old.type) != type_key(new.type):
        yield at.changed(
            "type",
            old.type.spec,
            new.type.spec,
            _type_change(old.type, new.type),
            f"type {old.type.spec} → {new.type.spec}",
        )
    yield from _allowed(at, old.allowed, new.allowed)


# --- the entry point ---------------------------------------------------------------------------


def _as_ir(spec: ir.Spec | str | Path) -> ir.Spec:
    """The IR of a spec: load, validate, parse (no rendering, no black)."""
    if isinstance(spec, ir.Spec):
        return spec
    validated = validate(load(spec))
    if not validated.ok:
        raise SpecError(validated.diagnostics)
    return parse(validated)


def diff_specs(old: ir.Spec | str | Path, new: ir.Spec | str | Path) -> SpecDiff:
    """Every change from ``old`` to ``new``; specs may be IR or paths (listing, directory,
    or one declaration). Raises ``SpecError`` for a path whose spec has errors."""
    old_ir, new_ir = _as_ir(old), _as_ir(new)
    return SpecDiff(
        old_ir.api_version, new_ir.api_version, _compare_specs(old_ir, new_ir)
    )
