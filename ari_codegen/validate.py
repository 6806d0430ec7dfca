"""Stage 2, validate: our JSON Schema plus semantic checks, every problem as a Diagnostic.

Tolerable warts are warnings and are repaired in a normalized copy of each document, which
is what the parse stage reads: a typo'd key close to a known one (``defalutValue``) is read
as that key, a type alias (``integer``) as the canonical type. Real faults are errors.

This module reads each document on its own: its keys (repairing close typos), then our
JSON Schema. What spans the whole spec (types, names, paths, defaults, inheritance, the
models borrowed from neighbouring declarations) is in ``semantics``.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import kinds
from .diagnostics import Diagnostic, Severity, escalate
from .load import Document, LoadedSpec, pointer_join
from .semantics import Borrowing, Checker, Checks, ModelTable

if TYPE_CHECKING:  # imported when the first document is checked, not with ari_codegen
    import jsonschema  # type: ignore[import-untyped]

KEY_SYNONYMS = {
    "allowedValues": "allowableValues",
    "default": "defaultValue",
    "enum": "allowableValues",
}
# numbers and booleans written as strings where our JSON Schema wants the JSON type
SCALAR_READERS = {
    "integer": kinds.read_int,
    "number": kinds.read_float,
    "boolean": kinds.read_bool,
}


@lru_cache(maxsize=1)
def swagger_schema() -> dict[str, Any]:
    """Our JSON Schema for Swagger 1.1/1.2 listings and declarations (shipped in the package)."""
    text = (Path(__file__).parent / "schemas" / "swagger-1.x.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = {"$ref": f"#/$defs/{kind}", "$defs": swagger_schema()["$defs"]}
    return jsonschema.Draft202012Validator(schema)


@dataclass
class ValidatedSpec:
    """Validation's verdict: diagnostics, and each usable document normalized for parsing."""

    loaded: LoadedSpec  # with the listing's data normalized, and only companions used
    declarations: list[tuple[Document, dict[str, Any]]]  # (source, normalized data)
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


# --- unknown keys: a schema-driven walk that repairs close typos ---------------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = swagger_schema()["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _suggest(key: str, known: list[str]) -> str | None:
    if key in KEY_SYNONYMS and KEY_SYNONYMS[key] in known:
        return KEY_SYNONYMS[key]
    lowered = {k.lower(): k for k in known}
    if key.lower() in lowered:
        return lowered[key.lower()]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return close[0] if close else None


# --- the first listings Asterisk served (ARI in Asterisk 12, 2013) --------------------------


def _swagger_version(node: Any, pointer: str, check: Checker) -> Any:
    """A Swagger 1.x version we do not know (events.json once declared "1.3") is read as
    the nearest we do; anything else (Swagger 2.0 is another format) stays an error."""
    match = re.fullmatch(r"1\.(\d+)", node) if isinstance(node, str) else None
    if match is None or node in ("1.1", "1.2"):
        return node
    read = "1.1" if int(match.group(1)) < 1 else "1.2"
    check.warning(
        pointer,
        f"swaggerVersion {node!r} is not 1.1 or 1.2",
        f'declare "swaggerVersion": "{read}"',
        f"read as {read!r}",
    )
    return read


def _value_type(node: dict[str, Any], pointer: str, check: Checker) -> dict[str, Any]:
    """allowableValues without valueType: LIST if it has values, RANGE if it has min or
    max (as Asterisk's first listings wrote them); with both or neither, the schema
    reports the missing valueType."""
    if "valueType" in node:
        return node
    has_values, has_bounds = "values" in node, "min" in node or "max" in node
    if has_values == has_bounds:
        return node
    kind, source = ("LIST", "'values'") if has_values else ("RANGE", "'min'/'max'")
    check.warning(
        pointer,
        "allowableValues has no valueType",
        f'add "valueType": "{kind}"',
        f"read as {kind!r}, from its {source}",
    )
    return {"valueType": kind, **node}


def _repair_keys(
    node: Any, schema: dict[str, Any], pointer: str, check: Checker
) -> Any:
    schema = _resolve(schema)
    defs = swagger_schema()["$defs"]
    if schema is defs["swaggerVersion"]:
        return _swagger_version(node, pointer, check)
    if isinstance(node, list) and "items" in schema:
        return [
            _repair_keys(item, schema["items"], pointer_join(pointer, i), check)
            for i, item in enumerate(node)
        ]
    if isinstance(node, str) and str(schema.get("type")) in SCALAR_READERS:
        value = SCALAR_READERS[schema["type"]](node)
        if value is not None:
            check.warning(
                pointer,
                f"{node!r} is a string",
                f"write {json.dumps(value)}",
                f"read as {json.dumps(value)}",
            )
            return value
    if not isinstance(node, dict) or schema.get("type") != "object":
        return node
    known: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    comments = [re.compile(p) for p in schema.get("patternProperties", {})]
    repaired: dict[str, Any] = {}
    for key, value in node.items():
        child = pointer_join(pointer, key)
        if key in known:
            repaired[key] = _repair_keys(value, known[key], child, check)
        elif isinstance(extra, dict):
            repaired[key] = _repair_keys(value, extra, child, check)
        elif any(p.match(key) for p in comments):
            repaired[key] = value
        else:
            target = _suggest(key, list(known))
            if target is not None and target not in node and target not in repaired:
                check.warning(
                    child,
                    f"unknown key {key!r}",
                    f"rename {key!r} to {target!r}",
                    f"read as {target!r}",
                )
                repaired[target] = _repair_keys(value, known[target], child, check)
            elif target is not None:
                check.warning(
                    child,
                    f"unknown key {key!r} beside {target!r}",
                    f"remove {key!r}",
                    "ignored",
                )
            else:
                check.warning(
                    child,
                    f"unknown key {key!r}",
                    f"remove it; known keys here: {', '.join(known)}",
                    "ignored",
                )
    if schema is defs["allowableValues"]:
        return _value_type(repaired, pointer, check)
    return repaired


# --- the JSON Schema ----------------------------------------------------------------------


_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "null": type(None),
    "boolean": bool,
    "number": (int, float),
    "integer": int,
}
_ANNOTATIONS = frozenset(
    {"$comment", "$schema", "$id", "$defs", "title", "description"}
)


def _is(node: Any, kind: str) -> bool:
    if isinstance(node, bool) and kind in ("number", "integer"):
        return False
    if kind == "integer" and isinstance(node, float):
        return node.is_integer()
    return isinstance(node, _TYPES[kind])


def _same(a: Any, b: Any) -> bool:
    """JSON equality of scalars (true is not 1)."""
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False  # not in our schema's enums; "no" only sends it to jsonschema
    return isinstance(a, bool) is isinstance(b, bool) and a == b


def _conforms(node: Any, schema: dict[str, Any]) -> bool:
    """Does ``node`` satisfy ``schema``, a schema in the subset of JSON Schema that ours
    uses? A keyword outside that subset answers False. It decides whether the document
    needs jsonschema at all: a valid one (nearly every real one) is not checked twice,
    and jsonschema, with its 40 ms of imports, is only loaded to explain what is wrong.
    """
    for word, value in schema.items():
        if word == "$ref":
            ok = _conforms(node, swagger_schema()["$defs"][value.rsplit("/", 1)[1]])
        elif word == "type":
            kinds = value if isinstance(value, list) else [value]
            ok = any(_is(node, kind) for kind in kinds)
        elif word in ("enum", "const"):
            ok = any(_same(node, v) for v in (value if word == "enum" else [value]))
        elif word == "anyOf":
            ok = any(_conforms(node, sub) for sub in value)
        elif word == "if":
            branch = "then" if _conforms(node, value) else "else"
            ok = _conforms(node, schema.get(branch, {}))
        elif word in ("then", "else") or word in _ANNOTATIONS:
            ok = True
        elif word in ("pattern", "minLength"):
            ok = not isinstance(node, str) or (
                re.search(value, node) is not None
                if word == "pattern"
                else len(node) >= value
            )
        elif word in ("minimum", "maximum"):
            ok = not _is(node, "number") or (
                node >= value if word == "minimum" else node <= value
            )
        elif word in ("items", "minItems"):
            ok = not isinstance(node, list) or (
                all(_conforms(item, value) for item in node)
                if word == "items"
                else len(node) >= value
            )
        elif word in ("required", "properties"):
            ok = not isinstance(node, dict) or (
                all(key in node for key in value)
                if word == "required"
                else all(
                    _conforms(node[k], sub) for k, sub in value.items() if k in node
                )
            )
        elif word in ("patternProperties", "additionalProperties"):
            ok = not isinstance(node, dict) or _others_conform(node, schema)
        else:
            return False  # a keyword this subset does not know: ask jsonschema
        if not ok:
            return False
    return True


def _others_conform(node: dict[str, Any], schema: dict[str, Any]) -> bool:
    """patternProperties and additionalProperties of one object."""
    known = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    extra = schema.get("additionalProperties", True)
    for key, value in node.items():
        matched = [sub for p, sub in patterns.items() if re.search(p, key)]
        if not all(_conforms(value, sub) for sub in matched):
            return False
        if key not in known and not matched:
            if extra is False or (
                isinstance(extra, dict) and not _conforms(value, extra)
            ):
                return False
    return True


def _schema_errors(data: Any, kind: str, check: Checker) -> None:
    if _conforms(data, {"$ref": f"#/$defs/{kind}"}):
        return
    validator = _validator(kind)
    errors = [
        ("".join(pointer_join("", part) for part in error.absolute_path), error)
        for error in validator.iter_errors(data)
        if error.validator != "additionalProperties"  # _repair_keys reports those
    ]
    # in document order; a wrong type first, the rest of its value skipped
    errors.sort(
        key=lambda found: (
            check.doc.line(found[0]) or 0,
            found[0],
            found[1].validator != "type",
        )
    )
    wrong_type: set[str] = set()
    for pointer, error in errors:
        if pointer in wrong_type:
            continue  # a value of the wrong type fails its other checks too
        if error.validator == "type":
            wrong_type.add(pointer)
        check.error(pointer, _schema_message(error), _schema_hint(error))


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = error.absolute_path[-1] if error.absolute_path else "document"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing required key {missing!r}"
    if error.validator in ("enum", "const"):
        allowed = (
            error.validator_value
            if error.validator == "enum"
            else [error.validator_value]
        )
        return f"{where!s}: {error.instance!r} is not one of {', '.join(map(repr, allowed))}"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{where!s}: expected {expected}, found {_json_type(error.instance)}"
    if error.validator == "anyOf":
        return "RANGE needs 'min' or 'max'"
    if error.validator == "pattern" and error.validator_value == r"\S":
        return f"{where!s}: a type name cannot be blank"
    return f"{where!s}: {error.message}"


def _schema_hint(error: jsonschema.ValidationError) -> str | None:
    if error.validator == "pattern":
        return "name a primitive (string, int, long, double, boolean, Date, object) or a model"
    if error.validator == "required":
        return "add the key"
    if error.absolute_path and error.absolute_path[-1] == "swaggerVersion":
        return 'declare "swaggerVersion": "1.1" (or "1.2" for subTypes/discriminator)'
    return None


def _json_type(value: Any) -> str:
    return {
        dict: "object",
        list: "array",
        str: "string",
        bool: "boolean",
        type(None): "null",
    }.get(type(value), "number")


def _duplicate_keys(doc: Document, check: Checker) -> None:
    for pointer in doc.duplicate_keys:
        key = pointer.rsplit("/", 1)[1]
        check.warning(
            pointer,
            f"key {key!r} appears twice in one object",
            "remove one",
            "the last is used",
        )


def validate(loaded: LoadedSpec, strict: bool = False) -> ValidatedSpec:
    """Validate every loaded document; return diagnostics and normalized declarations."""
    out: list[Diagnostic] = list(loaded.diagnostics)
    if loaded.listing is not None:
        check = Checker(loaded.listing, out)
        _duplicate_keys(loaded.listing, check)
        data = _repair_keys(loaded.listing.data, {"$ref": "#/$defs/listing"}, "", check)
        _schema_errors(data, "listing", check)
        if isinstance(data, dict) and data.get("apis") == []:
            check.error(
                "/apis",
                "the listing names no API declarations",
                'add entries such as {"path": "/api-docs/channels.{format}"}',
            )
        listing = dataclasses.replace(loaded.listing, data=data)  # parse reads repairs
        loaded = dataclasses.replace(loaded, listing=listing)
    declarations = _declarations(loaded.declarations, out)
    # the companions' diagnostics: reported only if their models are used
    held_back: list[Diagnostic] = []
    companions = _declarations(loaded.companions, held_back)
    models = ModelTable()
    Checks(models).run(declarations, out, companions, held_back)
    if loaded.companions:
        loaded = Borrowing(models, declarations, out, held_back).borrow(loaded)
    return ValidatedSpec(loaded, declarations, escalate(out) if strict else out)


def _declarations(
    docs: list[Document], out: list[Diagnostic]
) -> list[tuple[Document, dict[str, Any]]]:
    """Each declaration that is a JSON object, normalized, after the schema checks."""
    result: list[tuple[Document, dict[str, Any]]] = []
    for doc in docs:
        check = Checker(doc, out)
        _duplicate_keys(doc, check)
        data = _repair_keys(
            copy.deepcopy(doc.data), {"$ref": "#/$defs/declaration"}, "", check
        )
        _schema_errors(data, "declaration", check)
        if isinstance(data, dict):  # else the schema reported it
            result.append((doc, data))
    return result
