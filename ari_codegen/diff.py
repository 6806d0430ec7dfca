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

The rules. Parameters are data the application *sends*; model properties and response types
are data it *receives* (ARI models appear only in responses and events). The same change
can therefore be breaking for one and compatible for the other.

============================================  ==========  ===========================
change                                        parameter   property / response
============================================  ==========  ===========================
added                                         breaking if compatible
                                              required,
                                              else
                                              compatible
removed                                       breaking    breaking
optional → required                           breaking    compatible
required → optional                           compatible  breaking (readers get None)
type changed                                  breaking    breaking
type widened (long → double)                  compatible  breaking
type narrowed (double → long)                 breaking    compatible
object ↔ containers                           compatible  compatible
LIST value added                              compatible  compatible (decoding is
                                                          lenient: unknown values are
                                                          kept as plain strings)
LIST value removed                            breaking    breaking (its member leaves
                                                          the generated StrEnum)
LIST added where there was none               breaking    compatible
LIST removed (its StrEnum goes away)          breaking    breaking
RANGE narrowed (min up, max down, bound set)  breaking    compatible
RANGE widened (min down, max up, bound gone)  compatible  breaking
RANGE added / removed                         breaking /  compatible /
                                              compatible  breaking
LIST ↔ RANGE                                  breaking    breaking
allowMultiple false → true                    compatible  —
allowMultiple true → false                    breaking    —
location (query → body ...) changed           breaking    —
defaultValue changed                          breaking    —
defaultValue added or removed                 compatible  —
Python name (keyword / field) changed         breaking    breaking
============================================  ==========  ===========================

Operations: added is compatible; removed, renamed (a new nickname or a new Python method
name), moved to another declaration, a new HTTP method or path, a new ``upgrade`` or
websocket protocol are breaking. A response type follows the received-data rules; a void
response that now returns something is compatible, one that no longer does is breaking. A
new or removed error response is compatible (the generated client raises for any error
status either way). Models: added is compatible; removed, renamed (a new Python class
name), a changed or removed parent, or a changed discriminator is breaking; a new parent
or a move to another declaration (the model stays importable from ``<package>.models``) is
compatible. Declarations: added is compatible, removed is breaking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

from . import ir
from .diagnostics import SpecError

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


def _type_breaking(old: ir.TypeRef, new: ir.TypeRef, sent: bool) -> bool:
    """Is changing ``old`` into ``new`` breaking for data the application sends/receives?"""
    if old.kind == "list" and new.kind == "list" and old.item and new.item:
        return _type_breaking(old.item, new.item, sent)
    a, b = type_key(old), type_key(new)
    if a == b or {a, b} <= _DICTS:
        return False
    if sent:
        return (a, b) not in _WIDER
    return (b, a) not in _WIDER


def _type_text(t: ir.TypeRef) -> str:
    return t.spec


# --- the comparison ----------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


class _Differ:
    def __init__(self, old: ir.Spec, new: ir.Spec) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []

    def add(
        self,
        kind: Kind,
        action: Action,
        subject: str,
        breaking: bool,
        message: str,
        aspect: str = "",
        old: Any = None,
        new: Any = None,
        declaration: str = "",
    ) -> None:
        self.changes.append(
            Change(
                kind,
                action,
                subject,
                breaking,
                message,
                aspect,
                _jsonable(old),
                _jsonable(new),
                declaration,
            )
        )

    # -- declarations and operations ----------------------------------------------------------

    def run(self) -> list[Change]:
        old_decls = {d.name: d for d in self.old.declarations}
        new_decls = {d.name: d for d in self.new.declarations}
        for name, decl in new_decls.items():
            if name not in old_decls:
                self.add(
                    "declaration",
                    "added",
                    name,
                    False,
                    f"new resource {decl.py_class} ({decl.source})",
                    declaration=name,
                )
        for name, decl in old_decls.items():
            if name not in new_decls:
                self.add(
                    "declaration",
                    "removed",
                    name,
                    True,
                    f"resource {decl.py_class} ({decl.source}) is gone",
                    declaration=name,
                )
        self.operations()
        self.models()
        return self.changes

    def operations(self) -> None:
        def index(spec: ir.Spec) -> dict[tuple[str, str], ir.Operation]:
            return {
                (d.name, op.nickname): op
                for d in spec.declarations
                for op in d.operations
            }

        old_ops, new_ops = index(self.old), index(self.new)
        pairs: list[tuple[tuple[str, str], tuple[str, str]]] = [
            (key, key) for key in new_ops if key in old_ops
        ]
        gone = [k for k in old_ops if k not in new_ops]
        fresh = [k for k in new_ops if k not in old_ops]
        by_route = {(new_ops[k].method, new_ops[k].path): k for k in fresh}
        for key in list(gone):
            route = (old_ops[key].method, old_ops[key].path)
            if route in by_route:
                match = by_route.pop(route)
                pairs.append((key, match))
                gone.remove(key)
                fresh.remove(match)
        order = {k: i for i, k in enumerate(new_ops)}
        pairs.sort(key=lambda p: order[p[1]])
        for key in fresh:
            op = new_ops[key]
            self.add(
                "operation",
                "added",
                f"{key[0]}.{key[1]}",
                False,
                f"new {op.method} {op.path}",
                declaration=key[0],
            )
        for key in gone:
            op = old_ops[key]
            self.add(
                "operation",
                "removed",
                f"{key[0]}.{key[1]}",
                True,
                f"{op.method} {op.path} is gone",
                declaration=key[0],
            )
        for old_key, new_key in pairs:
            self.operation(old_key, old_ops[old_key], new_key, new_ops[new_key])

    def operation(
        self,
        old_key: tuple[str, str],
        old: ir.Operation,
        new_key: tuple[str, str],
        new: ir.Operation,
    ) -> None:
        decl = new_key[0]
        subject = f"{new_key[0]}.{new_key[1]}"

        def changed(aspect: str, a: Any, b: Any, breaking: bool, message: str) -> None:
            self.add(
                "operation", "changed", subject, breaking, message, aspect, a, b, decl
            )

        if old_key[0] != new_key[0]:
            changed(
                "declaration",
                old_key[0],
                new_key[0],
                True,
                f"moved from {old_key[0]} to {new_key[0]} "
                f"({new.method} {new.path})",
            )
        if old_key[1] != new_key[1]:
            changed(
                "nickname",
                old_key[1],
                new_key[1],
                True,
                f"renamed from {old_key[1]} to {new_key[1]} ({new.method} {new.path})",
            )
        elif old.py_name != new.py_name:
            changed(
                "py_name",
                old.py_name,
                new.py_name,
                True,
                f"Python method renamed from {old.py_name}() to {new.py_name}()",
            )
        for aspect in ("method", "path"):
            a, b = getattr(old, aspect), getattr(new, aspect)
            if a != b:
                changed(aspect, a, b, True, f"{aspect} {a} → {b}")
        for aspect in ("upgrade", "websocket_protocol"):
            a, b = getattr(old, aspect), getattr(new, aspect)
            if a != b:
                changed(aspect, a, b, True, f"{aspect} {a!r} → {b!r}")
        self.response(subject, decl, old.response, new.response)
        self.parameters(subject, decl, old, new)
        self.errors(subject, decl, old, new)

    def response(
        self, subject: str, decl: str, old: ir.TypeRef, new: ir.TypeRef
    ) -> None:
        if type_key(old) == type_key(new):
            return
        if old.kind == "void":
            breaking = False
        elif new.kind == "void":
            breaking = True
        else:
            breaking = _type_breaking(old, new, sent=False)
        self.add(
            "response",
            "changed",
            subject,
            breaking,
            f"returns {_type_text(new)} instead of {_type_text(old)}",
            "type",
            old.spec,
            new.spec,
            decl,
        )

    def errors(
        self, subject: str, decl: str, old: ir.Operation, new: ir.Operation
    ) -> None:
        old_codes = {e.code: e for e in old.errors}
        new_codes = {e.code: e for e in new.errors}
        for code, e in new_codes.items():
            if code not in old_codes:
                reason = f": {e.reason}" if e.reason else ""
                self.add(
                    "error",
                    "added",
                    f"{subject} {code}",
                    False,
                    f"may now respond {code}{reason}",
                    new=code,
                    declaration=decl,
                )
        for code, e in old_codes.items():
            if code not in new_codes:
                reason = f" ({e.reason})" if e.reason else ""
                self.add(
                    "error",
                    "removed",
                    f"{subject} {code}",
                    False,
                    f"no longer documents {code}{reason}",
                    old=code,
                    declaration=decl,
                )

    # -- parameters ---------------------------------------------------------------------------

    def parameters(
        self, op_subject: str, decl: str, old: ir.Operation, new: ir.Operation
    ) -> None:
        old_params = {p.name: p for p in old.parameters}
        new_params = {p.name: p for p in new.parameters}
        for name, p in new_params.items():
            subject = f"{op_subject}({name})"
            if name not in old_params:
                need = "required" if p.required else "optional"
                self.add(
                    "parameter",
                    "added",
                    subject,
                    p.required,
                    f"new {need} {p.location} parameter {p.py_name}: "
                    f"{_type_text(p.type)}",
                    declaration=decl,
                )
            else:
                self.parameter(subject, decl, old_params[name], p)
        for name, p in old_params.items():
            if name not in new_params:
                self.add(
                    "parameter",
                    "removed",
                    f"{op_subject}({name})",
                    True,
                    f"{p.location} parameter {p.py_name} is gone",
                    declaration=decl,
                )

    def parameter(
        self, subject: str, decl: str, old: ir.Parameter, new: ir.Parameter
    ) -> None:
        def changed(aspect: str, a: Any, b: Any, breaking: bool, message: str) -> None:
            self.add(
                "parameter", "changed", subject, breaking, message, aspect, a, b, decl
            )

        if old.py_name != new.py_name:
            changed(
                "py_name",
                old.py_name,
                new.py_name,
                True,
                f"keyword argument renamed from {old.py_name} to {new.py_name}",
            )
        if old.location != new.location:
            changed(
                "location",
                old.location,
                new.location,
                True,
                f"sent in the {new.location} instead of the {old.location}",
            )
        if old.required != new.required:
            changed(
                "required",
                old.required,
                new.required,
                new.required,
                "optional → required" if new.required else "required → optional",
            )
        if type_key(old.type) != type_key(new.type):
            changed(
                "type",
                old.type.spec,
                new.type.spec,
                _type_breaking(old.type, new.type, sent=True),
                f"type {old.type.spec} → {new.type.spec}",
            )
        if old.allow_multiple != new.allow_multiple:
            changed(
                "allow_multiple",
                old.allow_multiple,
                new.allow_multiple,
                old.allow_multiple,
                (
                    "accepts several values now"
                    if new.allow_multiple
                    else "accepts one value only now"
                ),
            )
        if (old.has_default, old.default) != (new.has_default, new.default):
            if old.has_default and new.has_default:
                changed(
                    "default",
                    old.default,
                    new.default,
                    True,
                    f"default {old.default!r} → {new.default!r} "
                    "(callers that omit it get the new behaviour)",
                )
            elif new.has_default:
                changed(
                    "default",
                    None,
                    new.default,
                    False,
                    f"documents default {new.default!r}",
                )
            else:
                changed(
                    "default",
                    old.default,
                    None,
                    False,
                    f"no longer documents default {old.default!r}",
                )
        self.allowed(subject, decl, "parameter", old.allowed, new.allowed, sent=True)

    # -- allowed values (parameters and properties) -------------------------------------------

    def allowed(
        self,
        subject: str,
        decl: str,
        kind: Kind,
        old: ir.Allowed | None,
        new: ir.Allowed | None,
        sent: bool,
    ) -> None:
        def changed(aspect: str, a: Any, b: Any, breaking: bool, message: str) -> None:
            self.add(kind, "changed", subject, breaking, message, aspect, a, b, decl)

        if old is None and new is None:
            return
        if old is None and new is not None:
            if new.kind == "list":
                changed(
                    "values",
                    None,
                    list(new.values),
                    sent,
                    f"now restricted to {_values(new.values)}",
                )
            else:
                changed(
                    "range",
                    None,
                    [new.minimum, new.maximum],
                    sent,
                    f"now restricted to {_range(new)}",
                )
            return
        if new is None and old is not None:
            if old.kind == "list":
                changed(
                    "values",
                    list(old.values),
                    None,
                    True,
                    f"no longer restricted to {_values(old.values)}"
                    + (
                        f" (enum {old.enum.py_name} is gone)"
                        if old.enum is not None
                        else ""
                    ),
                )
            else:
                changed(
                    "range",
                    [old.minimum, old.maximum],
                    None,
                    not sent,
                    f"no longer restricted to {_range(old)}",
                )
            return
        assert old is not None and new is not None
        if old.kind != new.kind:
            changed(
                "allowed",
                old.kind.upper(),
                new.kind.upper(),
                True,
                f"allowed values changed from a {old.kind.upper()} to a "
                f"{new.kind.upper()}",
            )
            return
        if old.kind == "list":
            for value in new.values:
                if value not in old.values:
                    self.add(
                        "enum_value",
                        "added",
                        subject,
                        False,
                        f"allows {value!r}",
                        new=value,
                        declaration=decl,
                    )
            for value in old.values:
                if value not in new.values:
                    self.add(
                        "enum_value",
                        "removed",
                        subject,
                        True,
                        f"no longer allows {value!r}",
                        old=value,
                        declaration=decl,
                    )
            return
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
                changed(
                    aspect,
                    a,
                    b,
                    narrower if sent else not narrower,
                    f"{aspect} {_bound(a)} → {_bound(b)} "
                    f"({'narrower' if narrower else 'wider'} range)",
                )

    # -- models -------------------------------------------------------------------------------

    def models(self) -> None:
        old_models, new_models = self.old.models_by_id, self.new.models_by_id
        for key, model in new_models.items():
            if key not in old_models:
                self.add(
                    "model",
                    "added",
                    key,
                    False,
                    f"new model {model.py_name}"
                    + (f" (extends {model.parent})" if model.parent else ""),
                    declaration=model.declaration,
                )
        for key, model in old_models.items():
            if key not in new_models:
                self.add(
                    "model",
                    "removed",
                    key,
                    True,
                    f"model {model.py_name} is gone",
                    declaration=model.declaration,
                )
        for key, model in new_models.items():
            if key in old_models:
                self.model(old_models[key], model)

    def model(self, old: ir.Model, new: ir.Model) -> None:
        subject, decl = new.id, new.declaration

        def changed(aspect: str, a: Any, b: Any, breaking: bool, message: str) -> None:
            self.add("model", "changed", subject, breaking, message, aspect, a, b, decl)

        if old.py_name != new.py_name:
            changed(
                "py_name",
                old.py_name,
                new.py_name,
                True,
                f"class renamed from {old.py_name} to {new.py_name}",
            )
        if old.declaration != new.declaration:
            changed(
                "declaration",
                old.declaration,
                new.declaration,
                False,
                f"moved from models.{old.declaration} to models.{new.declaration}",
            )
        if old.parent != new.parent:
            if old.parent is None:
                changed("parent", None, new.parent, False, f"now extends {new.parent}")
            else:
                changed(
                    "parent",
                    old.parent,
                    new.parent,
                    True,
                    f"no longer extends {old.parent}"
                    + (f"; extends {new.parent}" if new.parent else ""),
                )
        if old.discriminator != new.discriminator:
            changed(
                "discriminator",
                old.discriminator,
                new.discriminator,
                True,
                f"discriminator {old.discriminator!r} → {new.discriminator!r}",
            )
        skip: set[str] = set()
        if old.parent is not None and old.parent == new.parent:
            for spec in (self.old, self.new):
                parent = spec.models_by_id.get(old.parent)
                if parent is not None:
                    skip.update(p.name for p in parent.all_properties)
        old_props = {p.name: p for p in old.all_properties if p.name not in skip}
        new_props = {p.name: p for p in new.all_properties if p.name not in skip}
        for name, p in new_props.items():
            if name not in old_props:
                need = "required" if p.required else "optional"
                self.add(
                    "property",
                    "added",
                    f"{subject}.{name}",
                    False,
                    f"new {need} property {p.py_name}: {_type_text(p.type)}",
                    declaration=decl,
                )
            else:
                self.property(f"{subject}.{name}", decl, old_props[name], p)
        for name, p in old_props.items():
            if name not in new_props:
                self.add(
                    "property",
                    "removed",
                    f"{subject}.{name}",
                    True,
                    f"property {p.py_name} is gone",
                    declaration=decl,
                )

    def property(
        self, subject: str, decl: str, old: ir.Property, new: ir.Property
    ) -> None:
        def changed(aspect: str, a: Any, b: Any, breaking: bool, message: str) -> None:
            self.add(
                "property", "changed", subject, breaking, message, aspect, a, b, decl
            )

        if old.py_name != new.py_name:
            changed(
                "py_name",
                old.py_name,
                new.py_name,
                True,
                f"field renamed from {old.py_name} to {new.py_name}",
            )
        if old.required != new.required:
            changed(
                "required",
                old.required,
                new.required,
                not new.required,
                (
                    "optional → required"
                    if new.required
                    else "required → optional (readers may get None)"
                ),
            )
        if type_key(old.type) != type_key(new.type):
            changed(
                "type",
                old.type.spec,
                new.type.spec,
                _type_breaking(old.type, new.type, sent=False),
                f"type {old.type.spec} → {new.type.spec}",
            )
        self.allowed(subject, decl, "property", old.allowed, new.allowed, sent=False)


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


def _as_ir(spec: ir.Spec | str | Path) -> ir.Spec:
    if isinstance(spec, ir.Spec):
        return spec
    from .generate import build_ir

    model, diagnostics = build_ir(spec)
    if model is None:
        raise SpecError(diagnostics)
    return model


def diff_specs(old: ir.Spec | str | Path, new: ir.Spec | str | Path) -> SpecDiff:
    """Every change from ``old`` to ``new``; specs may be IR or paths (listing, directory,
    or one declaration). Raises ``SpecError`` for a path whose spec has errors."""
    old_ir, new_ir = _as_ir(old), _as_ir(new)
    return SpecDiff(
        old_ir.api_version, new_ir.api_version, _Differ(old_ir, new_ir).run()
    )
