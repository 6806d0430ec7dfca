"""Stage 2, validate: our JSON Schema plus semantic checks, every problem as a Diagnostic.

Tolerable warts are warnings and are repaired in a normalized copy of each document, which
is what the parse stage reads: a typo'd key close to a known one (``defalutValue``) is read
as that key, a type alias (``integer``) as the canonical type. Real faults are errors.
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
from typing import TYPE_CHECKING, Any, Iterator

from . import kinds
from .diagnostics import Diagnostic, Severity, escalate, warning
from .load import Document, LoadedSpec, pointer_join

if TYPE_CHECKING:  # imported when the first document is checked, not with ari_codegen
    import jsonschema  # type: ignore[import-untyped]

# the spec's type names, from the kinds that know them
PRIMITIVES = frozenset(
    name
    for kind in kinds.KINDS.values()
    if not kind.response_only
    for name in kind.names
)
RESPONSE_ONLY = frozenset(
    name for kind in kinds.KINDS.values() if kind.response_only for name in kind.names
)
TYPE_ALIASES = dict(kinds.ALIASES)
KEY_SYNONYMS = {
    "allowedValues": "allowableValues",
    "default": "defaultValue",
    "enum": "allowableValues",
}
LIST_TYPE = re.compile(
    r"^\s*(?:list|array|set)\s*[\[<]\s*(.+?)\s*[\]>]\s*$", re.IGNORECASE
)
PARAM_TYPES = ("path", "query", "body", "header", "form")
PATH_PARAM = re.compile(r"\{([^{}]*)\}")


# numbers and booleans written as strings where our JSON Schema wants the JSON type
SCALAR_READERS = {
    "integer": kinds.read_int,
    "number": kinds.read_float,
    "boolean": kinds.read_bool,
}
DEFAULT_READERS = kinds.READERS


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


class _Checker:
    """Collects diagnostics for one document."""

    def __init__(self, doc: Document, out: list[Diagnostic]) -> None:
        self.doc = doc
        self.out = out

    def report(
        self, severity: Severity, pointer: str, message: str, hint: str | None = None
    ) -> None:
        self.out.append(
            Diagnostic(
                severity, self.doc.name, pointer, self.doc.line(pointer), message, hint
            )
        )

    def error(self, pointer: str, message: str, hint: str | None = None) -> None:
        self.report(Severity.ERROR, pointer, message, hint)

    def warning(
        self,
        pointer: str,
        message: str,
        hint: str | None = None,
        assumed: str | None = None,
    ) -> None:
        """A wart; ``assumed`` says how it was read (dropped under ``--strict``)."""
        self.out.append(
            warning(
                self.doc.name, pointer, self.doc.line(pointer), message, hint, assumed
            )
        )


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


def _swagger_version(node: Any, pointer: str, check: _Checker) -> Any:
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


def _value_type(node: dict[str, Any], pointer: str, check: _Checker) -> dict[str, Any]:
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
    node: Any, schema: dict[str, Any], pointer: str, check: _Checker
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


def _schema_errors(data: Any, kind: str, check: _Checker) -> None:
    if _conforms(data, {"$ref": f"#/$defs/{kind}"}):
        return
    validator = _validator(kind)
    errors = [
        ("".join(pointer_join("", part) for part in error.absolute_path), error)
        for error in validator.iter_errors(data)
        if error.validator != "additionalProperties"  # _repair_keys reports those
    ]
    errors.sort(  # in document order; a wrong type first, the rest of its value skipped
        key=lambda pe: (check.doc.line(pe[0]) or 0, pe[0], pe[1].validator != "type")
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


# --- semantic checks ------------------------------------------------------------------------


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(())


def _dicts(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                yield key, item


def _normalize_type(name: str) -> str:
    match = LIST_TYPE.match(name)
    if match:
        return f"List[{_normalize_type(match.group(1))}]"
    stripped = name.strip()
    if stripped in PRIMITIVES or stripped in RESPONSE_ONLY:
        return stripped
    for canonical in PRIMITIVES | RESPONSE_ONLY:
        if stripped.lower() == canonical.lower():
            return canonical
    return TYPE_ALIASES.get(stripped.lower(), stripped)


class _Semantics:
    """Checks across the whole spec: types, paths, names, defaults, inheritance."""

    def __init__(
        self,
        docs: list[tuple[Document, dict[str, Any]]],
        out: list[Diagnostic],
        companions: list[tuple[Document, dict[str, Any]]] | None = None,
        aside: list[Diagnostic] | None = None,
    ):
        self.docs = docs
        self.out = out
        self.companions = companions or []  # only their models are read, into ``aside``
        self.aside = aside if aside is not None else []
        # model id -> (checker, pointer, content); first definition wins
        self.models: dict[str, tuple[_Checker, str, dict[str, Any]]] = {}

    def run(self) -> None:
        sources = [(d, data, self.out) for d, data in self.docs]
        sources += [(d, data, self.aside) for d, data in self.companions]
        for doc, data, out in sources:
            check = _Checker(doc, out)
            for key, model in _dicts(data.get("models")):
                self.define_model(check, key, model, data)
        for doc, data, out in sources:
            check = _Checker(doc, out)
            if out is self.out:
                self.check_apis(check, data)
            for key, model in _dicts(data.get("models")):
                self.check_model(check, pointer_join("/models", key), model)
        self.check_hierarchy()

    def borrowed(self) -> list[str]:
        """Companion models the declarations use (and all those use), in first-use order."""
        own = {key for _, data in self.docs for key, _ in _dicts(data.get("models"))}
        claims = self.parents()
        wanted: list[str] = []

        def use(name: Any) -> None:
            while (
                isinstance(name, str) and name.startswith("List[") and name[-1] == "]"
            ):
                name = name[5:-1]
            if isinstance(name, str) and name in self.models and name not in own:
                if name not in wanted:
                    wanted.append(name)
                    visit(name, self.models[name][2])

        def visit(key: str, model: dict[str, Any]) -> None:
            for _, prop in _dicts(model.get("properties")):
                use(prop.get("type"))
            use(model.get("extends"))
            for _, sub in _items(model.get("subTypes")):
                use(sub)
            for parent, _, _ in claims.get(key, [])[:1]:
                use(parent)

        for _, data in self.docs:
            for _, api in _items(data.get("apis")):
                for _, op in _items(
                    api.get("operations") if isinstance(api, dict) else None
                ):
                    if isinstance(op, dict):
                        use(op.get("responseClass"))
                        for _, param in _items(op.get("parameters")):
                            use(
                                param.get("dataType")
                                if isinstance(param, dict)
                                else None
                            )
            for key, model in _dicts(data.get("models")):
                visit(key, model)
        return wanted

    def define_model(
        self, check: _Checker, key: str, model: dict[str, Any], data: dict[str, Any]
    ) -> None:
        pointer = pointer_join("/models", key)
        if model.get("id", key) != key:
            check.warning(
                pointer_join(pointer, "id"),
                f"model id {model.get('id')!r} differs from its key {key!r}",
                "make the id equal to the key",
                f"read as {key!r}",
            )
        if data.get("swaggerVersion") == "1.1":
            for feature in ("subTypes", "discriminator"):
                if feature in model:
                    check.warning(
                        pointer_join(pointer, feature),
                        f"{feature!r} is a Swagger 1.2 feature in a swaggerVersion 1.1 document",
                        'declare "swaggerVersion": "1.2"',
                    )
        if key in self.models:
            first_check, first_pointer, first = self.models[key]
            if first != model:
                where = f"{first_check.doc.name}:{first_check.doc.line(first_pointer)}"
                check.error(
                    pointer,
                    f"model {key!r} is defined again with different content (first at {where})",
                    "keep one definition or rename one of the models",
                )
            return
        self.models[key] = (check, pointer, model)

    def resolve_type(
        self,
        check: _Checker,
        pointer: str,
        node: dict[str, Any],
        key: str,
        allow: frozenset[str],
    ) -> None:
        raw = node.get(key)
        if not isinstance(raw, str) or not raw.strip():
            return  # reported by the schema
        name = _normalize_type(raw)
        if name != raw:
            check.warning(
                pointer_join(pointer, key),
                f"type {raw!r} is not a Swagger type name",
                f"write {name!r}",
                f"read as {name!r}",
            )
            node[key] = name
        element = name
        while element.startswith("List[") and element.endswith("]"):
            element = element[5:-1]
        if element in PRIMITIVES or element in self.models or name in allow:
            return
        if element in RESPONSE_ONLY:
            check.error(
                pointer_join(pointer, key),
                (
                    f"type {element!r} cannot be the element of a list"
                    if element != name
                    else f"type {element!r} is only allowed as a responseClass"
                ),
                "use a model or a primitive type",
            )
            return
        known = sorted(PRIMITIVES | set(self.models) | allow)
        close = difflib.get_close_matches(element, known, n=1, cutoff=0.6)
        check.error(
            pointer_join(pointer, key),
            f"type {element!r} names no known model or primitive",
            (
                f"did you mean {close[0]!r}?"
                if close
                else "define the model or use a primitive type"
            ),
        )

    def check_apis(self, check: _Checker, data: dict[str, Any]) -> None:
        nicknames: dict[str, str] = {}
        routes: set[tuple[str, str]] = set()
        for a, api in _items(data.get("apis")):
            if not isinstance(api, dict):
                continue
            path = api["path"] if isinstance(api.get("path"), str) else ""
            in_path = PATH_PARAM.findall(path)
            for o, op in _items(api.get("operations")):
                if not isinstance(op, dict):
                    continue
                pointer = f"/apis/{a}/operations/{o}"
                nickname = op.get("nickname")
                if isinstance(nickname, str):
                    if nickname in nicknames:
                        check.error(
                            pointer_join(pointer, "nickname"),
                            f"duplicate nickname {nickname!r} (first at {nicknames[nickname]})",
                            "give each operation of a declaration its own nickname",
                        )
                    nicknames.setdefault(nickname, pointer)
                route = (path, str(op.get("httpMethod")))
                if route in routes:
                    check.error(
                        pointer_join(pointer, "httpMethod"),
                        f"a second {route[1]} operation on {path}",
                        "merge the operations",
                    )
                routes.add(route)
                if "responseClass" not in op:
                    check.warning(
                        pointer,
                        "no responseClass",
                        'add "responseClass": "void"',
                        "read as 'void'",
                    )
                    op["responseClass"] = "void"
                self.resolve_type(check, pointer, op, "responseClass", RESPONSE_ONLY)
                if op.get("upgrade") == "websocket" and op.get("httpMethod") != "GET":
                    check.error(
                        pointer_join(pointer, "httpMethod"),
                        "a websocket upgrade must be a GET",
                        'use "httpMethod": "GET"',
                    )
                self.check_parameters(check, pointer, op, path, in_path)

    def check_parameters(
        self,
        check: _Checker,
        pointer: str,
        op: dict[str, Any],
        path: str,
        in_path: list[str],
    ) -> None:
        names: set[str] = set()
        path_params: set[str] = set()
        untyped: set[str] = set()  # no valid paramType: the schema reported them
        for p, param in _items(op.get("parameters")):
            if not isinstance(param, dict):
                continue
            here = f"{pointer}/parameters/{p}"
            name = param.get("name")
            if isinstance(name, str):
                if name in names:
                    check.error(
                        pointer_join(here, "name"),
                        f"duplicate parameter {name!r}",
                        "remove or rename one of the parameters",
                    )
                names.add(name)
                if param.get("paramType") not in PARAM_TYPES:
                    untyped.add(name)
                if param.get("paramType") == "path":
                    path_params.add(name)
                    if name not in in_path:
                        check.error(
                            pointer_join(here, "name"),
                            f"path parameter {name!r} does not appear in path {path!r}",
                            f"add {{{name}}} to the path or make it a query parameter",
                        )
                    if param.get("required") is False:
                        check.warning(
                            pointer_join(here, "required"),
                            f"path parameter {name!r} is marked optional",
                            'path parameters are always "required": true',
                            "read as required",
                        )
                        param["required"] = True
            self.resolve_type(check, here, param, "dataType", frozenset())
            self.check_allowable(check, here, param, "dataType")
        for name in in_path:
            if name not in path_params and name not in untyped:
                check.error(
                    pointer,
                    f"path {path!r} has {{{name}}} but the operation has no path parameter {name!r}",
                    f'add a parameter {{"name": "{name}", "paramType": "path", ...}}',
                )

    def check_default(
        self, check: _Checker, pointer: str, node: dict[str, Any], type_key: str
    ) -> None:
        default = node.get("defaultValue")
        reader = DEFAULT_READERS.get(str(node.get(type_key)))
        at = pointer_join(pointer, "defaultValue")
        if reader is None or default is None:
            return
        if isinstance(default, str):
            value = reader(default)
            if value is None:
                check.error(
                    at,
                    f"default {default!r} is not a valid {node[type_key]}",
                    "fix the default",
                )
                del node["defaultValue"]
                return
            check.warning(
                at,
                f"default {default!r} is a string",
                f"write {json.dumps(value)}",
                f"read as {json.dumps(value)}",
            )
            node["defaultValue"] = value
        elif isinstance(default, bool) != (node[type_key] == "boolean") or (
            isinstance(default, float) and kinds.SPEC_TYPES[node[type_key]] == "int"
        ):
            check.error(
                at,
                f"default {default!r} is not a valid {node[type_key]}",
                "fix the default",
            )
            del node["defaultValue"]

    def check_allowable(
        self, check: _Checker, pointer: str, node: dict[str, Any], type_key: str
    ) -> None:
        self.check_default(check, pointer, node, type_key)
        allowed = node.get("allowableValues")
        if not isinstance(allowed, dict):
            return
        here = pointer_join(pointer, "allowableValues")
        low, high = allowed.get("min"), allowed.get("max")
        if (
            isinstance(low, (int, float))
            and isinstance(high, (int, float))
            and low > high
        ):
            check.error(
                here, f"RANGE min {low} is greater than max {high}", "swap min and max"
            )
        if "defaultValue" not in node:
            return
        default = node["defaultValue"]
        at = pointer_join(pointer, "defaultValue")
        values = allowed.get("values")
        if allowed.get("valueType") == "LIST" and isinstance(values, list):
            if default not in values and str(default) not in map(str, values):
                check.error(
                    at,
                    f"default {default!r} is not one of the allowed values "
                    f"{', '.join(map(repr, values))}",
                    "change the default or add it to allowableValues",
                )
        elif allowed.get("valueType") == "RANGE" and isinstance(default, (int, float)):
            if (isinstance(low, (int, float)) and default < low) or (
                isinstance(high, (int, float)) and default > high
            ):
                check.error(
                    at,
                    f"default {default!r} is outside the RANGE [{low}, {high}]",
                    "change the default or the RANGE",
                )

    def check_model(self, check: _Checker, pointer: str, model: dict[str, Any]) -> None:
        for name, prop in _dicts(model.get("properties")):
            here = pointer_join(pointer_join(pointer, "properties"), name)
            self.resolve_type(check, here, prop, "type", frozenset())
            self.check_allowable(check, here, prop, "type")
        for i, sub in _items(model.get("subTypes")):
            if isinstance(sub, str) and sub not in self.models:
                check.error(
                    f"{pointer}/subTypes/{i}",
                    f"subType {sub!r} names no model",
                    "define the model or remove it from subTypes",
                )
        parent = model.get("extends")
        if isinstance(parent, str) and parent not in self.models:
            check.error(
                pointer_join(pointer, "extends"),
                f"extends {parent!r}, which names no model",
                "define the model or remove 'extends'",
            )

    def parents(self) -> dict[str, list[tuple[str, _Checker, str]]]:
        """model id -> every (parent, checker, pointer) that claims it, via subTypes or extends."""
        claims: dict[str, list[tuple[str, _Checker, str]]] = {}
        for key, (check, pointer, model) in self.models.items():
            for i, sub in _items(model.get("subTypes")):
                if isinstance(sub, str) and sub in self.models:
                    if check.out is self.aside and self.models[sub][0].out is self.out:
                        continue  # a neighbour's model cannot adopt a model of ours
                    claims.setdefault(sub, []).append(
                        (key, check, f"{pointer}/subTypes/{i}")
                    )
            parent = model.get("extends")
            if isinstance(parent, str) and parent in self.models:
                entry = (parent, check, pointer_join(pointer, "extends"))
                if parent not in [c[0] for c in claims.get(key, [])]:
                    claims.setdefault(key, []).append(entry)
        return claims

    def check_hierarchy(self) -> None:
        claims = self.parents()
        for child, owners in claims.items():
            for parent, check, pointer in owners[1:]:
                check.error(
                    pointer,
                    f"model {child!r} already extends {owners[0][0]!r}; it cannot also extend {parent!r}",
                    "a model has one parent",
                )
        in_cycle: set[str] = set()  # each cycle is reported once, at its first model
        for key, (check, pointer, _) in self.models.items():
            seen = [key]
            while key in claims and key not in in_cycle:
                key = claims[key][0][0]
                if key in seen:
                    cycle = seen[seen.index(key) :] + [key]
                    in_cycle.update(cycle)
                    first_check, first_pointer, _ = self.models[cycle[0]]
                    first_check.error(
                        first_pointer,
                        f"inheritance cycle: {' extends '.join(cycle)}",
                        "remove one link of the cycle (a subTypes entry or an extends)",
                    )
                    break
                seen.append(key)
        for key, (check, pointer, model) in self.models.items():
            disc = model.get("discriminator")
            if isinstance(disc, str) and disc not in self.all_properties(key, claims):
                check.error(
                    pointer_join(pointer, "discriminator"),
                    f"discriminator {disc!r} is not a property of {key!r}",
                    "name a required string property of the model",
                )

    def all_properties(
        self, key: str, claims: dict[str, list[tuple[str, _Checker, str]]]
    ) -> set[str]:
        names: set[str] = set()
        seen: set[str] = set()
        while key in self.models and key not in seen:
            seen.add(key)
            props = self.models[key][2].get("properties")
            names.update(props if isinstance(props, dict) else ())
            key = claims[key][0][0] if key in claims else ""
        return names


def _duplicate_keys(doc: Document, check: _Checker) -> None:
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
        check = _Checker(loaded.listing, out)
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
    aside: list[Diagnostic] = []  # the companions': reported if their models are used
    companions = _declarations(loaded.companions, aside)
    semantics = _Semantics(declarations, out, companions, aside)
    semantics.run()
    if loaded.companions:
        loaded = _borrow(loaded, declarations, semantics)
    return ValidatedSpec(loaded, declarations, escalate(out) if strict else out)


def _declarations(
    docs: list[Document], out: list[Diagnostic]
) -> list[tuple[Document, dict[str, Any]]]:
    """Each declaration that is a JSON object, normalized, after the schema checks."""
    result: list[tuple[Document, dict[str, Any]]] = []
    for doc in docs:
        check = _Checker(doc, out)
        _duplicate_keys(doc, check)
        data = _repair_keys(
            copy.deepcopy(doc.data), {"$ref": "#/$defs/declaration"}, "", check
        )
        _schema_errors(data, "declaration", check)
        if isinstance(data, dict):  # else the schema reported it
            result.append((doc, data))
    return result


def _borrow(
    loaded: LoadedSpec,
    declarations: list[tuple[Document, dict[str, Any]]],
    semantics: _Semantics,
) -> LoadedSpec:
    """Copy the companion models a single declaration uses into its normalized data.

    Their problems are reported; the companions they come from become inputs.
    """
    used: set[str] = set()
    models = declarations[0][1].setdefault("models", {}) if declarations else {}
    if not isinstance(models, dict):
        models = {}  # not an object: the schema reported it, and parse will not run
    for key in semantics.borrowed():
        check, pointer, model = semantics.models[key]
        models[key] = model
        used.add(check.doc.name)
        semantics.out.extend(
            d
            for d in semantics.aside
            if d.file == check.doc.name
            and (d.pointer == pointer or d.pointer.startswith(pointer + "/"))
        )
    return dataclasses.replace(
        loaded, companions=[d for d in loaded.companions if d.name in used]
    )
