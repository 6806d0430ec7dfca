"""Hypothesis strategies: random valid ARI specs (Swagger 1.1/1.2) and payloads built from them.

``specs()`` draws a ``SpecCase``: a resource listing and its API declarations as JSON data,
plus what the strategy decided about every model (its declaration, its own properties, its
parent and discriminator), so that payloads are built from the *spec*, never from the code
generated from it. The names are hostile on purpose: Python keywords and builtins, the
generated code's own local names, non-ASCII, leading digits, hyphens, dots and spaces,
case-only collisions (``foo``/``Foo``); so are the texts: triple quotes, backslashes,
Jinja delimiters, control characters, very long lines.

Known generator bugs are kept out of ``specs()`` by the switches of ``Hostility`` so that the
main property stays green; each has its own strict-xfail test in ``tests/test_properties.py``
(none is open now: every switch is on).
"""

from __future__ import annotations

import json
import keyword
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from hypothesis import strategies as st

# --- names ------------------------------------------------------------------------------------

PYTHON_NAMES = [
    *keyword.kwlist,
    *keyword.softkwlist,
    "list", "dict", "str", "int", "type", "id", "object", "print", "len", "super", "property",
    "classmethod", "Exception", "ValueError", "bytes", "float", "bool", "set", "filter",
    "iter", "next", "open", "input", "format", "hash", "vars", "dir", "help", "range",
]  # fmt: skip
# names the generated code uses itself: locals, helpers, imports, methods, modules
GENERATED_NAMES = [
    "self", "cls", "data", "obj", "v", "k", "problems", "path", "exc", "extras", "to_dict",
    "from_dict", "from_json", "to_json", "validate", "TYPE", "SUBTYPES", "_MISSING", "_rt",
    "_x0", "_i0", "Model", "Problem", "ValidationError", "DecodeFailure", "Any", "Dict",
    "List", "Mapping", "Type", "TYPE_CHECKING", "StrEnum", "Enum", "dataclass", "datetime",
    "annotations", "Optional", "Union", "Sequence", "Tuple", "Literal", "json", "re",
    "client", "api", "models", "errors", "events", "testing", "schemas", "request",
    "response", "params", "body", "headers", "timeout", "url", "method", "http", "httpx",
    "asyncio", "Operation", "_h", "_op_get", "AriClient", "AsyncAriClient", "StubAri",
    "NotFound", "__init__", "__class__", "__dict__", "__slots__", "mro", "name", "value",
    "values", "items", "keys", "get", "_", "__", "_x", "x_", "table", "keys", "base",
]  # fmt: skip
ODD_NAMES = [
    "foo", "Foo", "FOO", "fooBar", "foo_bar", "FooBar", "foo-bar", "foo.bar", "foo bar",
    "2fa", "0", "9lives", "-x", "x-", "a.b.c", "café", "Café", "naïve", "日本", "über",
    "Ünïcödé", "ß", "İ", "Kelvin\u212a", "x²", "ﬁle", "µs", "Ωmega", "ñ-ñ", "a--b", "a__b",
    "_private", "__dunder__", "CamelCASE", "HTTPServer", "RTPstat",
]  # fmt: skip
NAME_POOL = sorted(set(PYTHON_NAMES + GENERATED_NAMES + ODD_NAMES))

# characters that make a name hostile without making it an invalid spec
_NAME_ALPHABET = st.characters(
    codec="utf-8",
    categories=["L", "N", "Pd", "Pc", "Zs"],
    include_characters="._-",
)

# model ids read as types by the validator (type aliases, primitives: ``Map`` is ``object``)
_TYPE_WORDS = {
    "string", "int", "long", "double", "float", "boolean", "date", "object", "containers",
    "void", "binary", "integer", "int32", "int64", "number", "bool", "str", "datetime",
    "date-time", "dict", "map",
}  # fmt: skip


def names(alphabet: st.SearchStrategy[str] = _NAME_ALPHABET) -> st.SearchStrategy[str]:
    """A hostile name: from the pool most of the time, otherwise random text."""
    return st.one_of(
        st.sampled_from(NAME_POOL),
        st.sampled_from(NAME_POOL),
        st.text(alphabet, min_size=1, max_size=10),
    )


# --- texts ------------------------------------------------------------------------------------

NASTY = [
    '"""', "'''", '"', "'", "\\", "\\\\", "\\n", "\\x", "\\u12", "\\N{x}", "{{ x }}",
    "{{", "}}", "{% if x %}", "{%", "%}", "{#", "#}", "\x00", "\r", "\r\n", "\n", "\n\n",
    "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "é", "日本",
    "🎉", "  ", "`", "$x", "%s", "{}", "*/", "-->", "# type: ignore", "  # noqa", "\\\n",
    '"\n', "'\n", "\u200b", "\U0010ffff", ")", "(", "]", ":",
]  # fmt: skip


def texts(max_long: int = 3000) -> st.SearchStrategy[str]:
    """Descriptions and other free text: random, stitched from nasty pieces, or one long line."""
    nasty = st.lists(
        st.one_of(st.sampled_from(NASTY), st.text(max_size=4)), max_size=10
    )
    long = st.integers(min(200, max_long), max_long)
    return st.one_of(
        st.text(max_size=20),
        nasty.map("".join),
        nasty.map("".join),
        st.one_of(
            long.map(lambda n: ("word " * n)[:n]),
            long.map(lambda n: "x" * n),
        ),
    )


# odd LIST values: empty, blank, quotes, backslashes, unicode, Python-looking, numeric-looking
ODD_VALUES = [
    "", " ", "  ", '"', "'", '"""', "\\", "a b", "é", "日本", "\x00", "\n", "None", "True",
    "0", "1.5", "-", "*", "#", "+", "@", "mro", "name", "value", "_missing_", "__init__",
    "{{ x }}", "{%", "a-b", "A-B", "a_b",
]  # fmt: skip


# --- the spec model ---------------------------------------------------------------------------


@dataclass
class ModelSpec:
    id: str
    declaration: str  # the declaration's file stem
    properties: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # own, spec order
    parent: str | None = None
    via_extends: bool = (
        False  # the child says "extends" instead of the parent's subTypes
    )
    discriminator: str | None = None  # declared on this model (roots only)
    description: str | None = None


@dataclass
class SpecCase:
    """A drawn spec: the JSON documents and the facts needed to build payloads from it."""

    listing: dict[str, Any]
    declarations: dict[str, dict[str, Any]]  # file stem -> declaration
    models: dict[str, ModelSpec]  # model id -> its facts

    def write(self, root: Path) -> Path:
        """Write resources.json and api-docs/*.json under ``root``; return the listing."""
        docs = root / "api-docs"
        docs.mkdir(parents=True, exist_ok=True)
        for stem, data in self.declarations.items():
            (docs / f"{stem}.json").write_text(
                json.dumps(data, indent=2, ensure_ascii=False), "utf-8"
            )
        listing = root / "resources.json"
        listing.write_text(
            json.dumps(self.listing, indent=2, ensure_ascii=False), "utf-8"
        )
        return listing

    # -- the hierarchy, as the spec states it --------------------------------------------------

    def ancestors(self, model_id: str) -> list[str]:
        chain: list[str] = []
        parent = self.models[model_id].parent
        while parent is not None:
            chain.insert(0, parent)
            parent = self.models[parent].parent
        return chain

    def children(self, model_id: str) -> list[str]:
        return [m.id for m in self.models.values() if m.parent == model_id]

    def descendants(self, model_id: str) -> list[str]:
        out: list[str] = []
        for child in self.children(model_id):
            out += [child, *self.descendants(child)]
        return out

    def effective(self, model_id: str) -> dict[str, dict[str, Any]]:
        """Every property of a model: its ancestors' first (root first), then its own."""
        props: dict[str, dict[str, Any]] = {}
        for key in [*self.ancestors(model_id), model_id]:
            for name, prop in self.models[key].properties.items():
                props.setdefault(name, prop)
        return props

    def tag_key(self, model_id: str) -> str | None:
        """The discriminator property that applies to a model (declared on its root)."""
        for key in [model_id, *reversed(self.ancestors(model_id))]:
            if self.models[key].discriminator is not None:
                return self.models[key].discriminator
        return None

    def has_parser(self, model_id: str) -> bool:
        m = self.models[model_id]
        return (
            m.discriminator is not None
            and m.parent is None
            and bool(self.children(model_id))
        )

    @property
    def property_names(self) -> set[str]:
        return {name for m in self.models.values() for name in m.properties}


@dataclass(frozen=True)
class Hostility:
    """Switches for the kinds of input that broke the generator. Off: a bug still open (it has
    a strict xfail test in tests/test_properties.py); on: fixed, and part of every run.
    """

    # fixed: a subtype in another declaration than its parent (also when the parent's
    # module imports the child's for other reasons)
    cross_declaration_inheritance: bool = True
    # fixed: backslashes and quotes in an operation's or parameter's "since"
    nasty_since: bool = True
    # fixed: a LIST of strings on a property of a model with subtypes
    inherited_enums: bool = True
    # fixed: '/', '~', '%', '#' in model ids (JSON Schema $ref)
    ref_unsafe_model_ids: bool = True
    # fixed: a LIST of strings on List[List[string]] (the annotation had one level)
    nested_list_enums: bool = True
    # fixed: a declaration's resource class named like a model or enum class, or AsyncFoo
    # beside Foo (the api module's class shadowed the model it imports)
    client_name_collisions: bool = True
    # fixed: a body parameter of type List[Model] (the model was not imported)
    list_body_params: bool = True
    # fixed: declarations whose models extend each other's (a.Leaf -> b.Mid -> a.Base)
    mutual_cross_declaration_inheritance: bool = True
    # fixed: a LIST of strings on a property that a model of another declaration inherits
    cross_declaration_enums: bool = True
    # fixed: a LIST parameter or a parameter with a default on a websocket operation
    # (client.py passed str, or None, where the api method wants the LIST or str)
    websocket_params: bool = True
    # fixed: a List[List[Model]] responseClass (the model was not imported, nor decoded)
    nested_list_responses: bool = True


SAFE = Hostility()

# --- types ------------------------------------------------------------------------------------

SCALARS = ["string", "int", "long", "double", "float", "boolean", "Date", "object"]


def _type_expr(draw: Any, models: list[str], depth: int = 0) -> str:
    """A type: a scalar, a model, or List[...] of either (nested up to three levels)."""
    if depth < 3 and draw(st.integers(0, 4)) == 0:
        return f"List[{_type_expr(draw, models, depth + 1)}]"
    if models and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(models))
    return draw(st.sampled_from(SCALARS))


def element(type_expr: str) -> str:
    while type_expr.startswith("List["):
        type_expr = type_expr[5:-1]
    return type_expr


def _range(draw: Any, integral: bool) -> dict[str, Any]:
    """A RANGE with one bound or two; for integer types it always holds an integer."""
    number = (
        st.integers(-1000, 1000) if integral else st.floats(-1e6, 1e6, allow_nan=False)
    )
    low = draw(st.none() | number)
    high = draw(st.none() | number) if low is not None else draw(number)
    if integral and draw(st.booleans()):  # a float bound on an integer type
        low = None if low is None else low - 0.5
        high = None if high is None else high + 0.5
    if low is not None and high is not None and low > high:
        low, high = high, low
    out: dict[str, Any] = {"valueType": "RANGE"}
    if low is not None:
        out["min"] = low
    if high is not None:
        out["max"] = high
    return out


def _allowable(
    draw: Any, type_expr: str, enums: bool = True, nested_enums: bool = False
) -> dict[str, Any] | None:
    base = element(type_expr)
    if base == "string" and enums and draw(st.integers(0, 2)) == 0:
        if type_expr.startswith("List[List[") and not nested_enums:
            return None
        values = draw(
            st.lists(
                st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=6)),
                min_size=1,
                max_size=6,
            )
        )
        return {"valueType": "LIST", "values": values}
    if base in ("int", "long") and draw(st.integers(0, 2)) == 0:
        if draw(st.booleans()):
            values = draw(st.lists(st.integers(-5, 5), min_size=1, max_size=4))
            return {"valueType": "LIST", "values": values}
        return _range(draw, True)
    if base in ("double", "float") and draw(st.integers(0, 2)) == 0:
        return _range(draw, False)
    return None


def _property(
    draw: Any,
    models: list[str],
    required_models: list[str],
    enums: bool = True,
    nested_enums: bool = False,
) -> dict[str, Any]:
    required = draw(st.sampled_from([True, False, None]))
    # a required property refers only to earlier models: payloads stay finite
    type_expr = _type_expr(draw, required_models if required else models)
    if required and type_expr.startswith("List["):
        type_expr = _type_expr(draw, models, 1)
        type_expr = f"List[{type_expr}]"
    prop: dict[str, Any] = {"type": type_expr}
    if required is not None:
        prop["required"] = required
    if draw(st.booleans()):
        prop["description"] = draw(texts())
    allowed = _allowable(draw, type_expr, enums, nested_enums)
    if allowed is not None:
        prop["allowableValues"] = allowed
    if draw(st.integers(0, 5)) == 0:
        prop["since"] = draw(st.lists(texts(), max_size=2))
    return prop


# --- models -----------------------------------------------------------------------------------


def _model_id_ok(name: str, hostility: Hostility) -> bool:
    stripped = name.strip()
    if stripped != name or not name or stripped.lower() in _TYPE_WORDS:
        return False
    if any(c in name for c in "[]<>"):
        return False
    if not hostility.ref_unsafe_model_ids and any(c in name for c in "/~%#"):
        return False
    return True


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    """Is ``goal`` reachable from ``start`` along ``edges`` (or the same)?"""
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False


def _models(
    draw: Any, stems: list[str], versions: dict[str, str], hostility: Hostility
) -> dict[str, ModelSpec]:
    ids = draw(
        st.lists(
            names().filter(lambda n: _model_id_ok(n, hostility)),
            min_size=1,
            max_size=7,
            unique=True,
        )
    )
    models: dict[str, ModelSpec] = {}
    inherits: dict[str, set[str]] = {}  # declaration -> declarations its models extend
    for index, model_id in enumerate(ids):
        stem = draw(st.sampled_from(stems))
        model = ModelSpec(model_id, stem)
        if draw(st.booleans()):
            model.description = draw(texts())
        # inheritance: a parent among the earlier models of a 1.2 declaration
        parents = [
            p
            for p in ids[:index]
            if versions[models[p].declaration] == "1.2"
            and versions[stem] == "1.2"
            and (
                models[p].declaration == stem
                or (
                    hostility.cross_declaration_inheritance
                    and (
                        hostility.mutual_cross_declaration_inheritance
                        or not _reaches(inherits, models[p].declaration, stem)
                    )
                )
            )
        ]
        if parents and draw(st.integers(0, 2)) > 0:
            model.parent = draw(st.sampled_from(parents))
            model.via_extends = draw(st.integers(0, 4)) == 0
            if models[model.parent].declaration != stem:
                inherits.setdefault(stem, set()).add(models[model.parent].declaration)
        models[model_id] = model
    case = SpecCase({}, {}, models)
    earlier: list[str] = []
    for model_id in ids:
        model = models[model_id]
        inherited = set(case.effective(model_id))
        own = draw(
            st.lists(names(), max_size=5, unique=True).map(
                lambda ns: [n for n in ns if n not in inherited]
            )
        )
        enums = hostility.inherited_enums or not case.children(model_id)
        if not hostility.cross_declaration_enums and any(
            models[d].declaration != model.declaration
            for d in case.descendants(model_id)
        ):
            enums = False
        for name in own:
            model.properties[name] = _property(
                draw, ids, earlier, enums, hostility.nested_list_enums
            )
        # a discriminator on a root with children: a required string property
        if (
            model.parent is None
            and case.children(model_id)
            and draw(st.integers(0, 4)) > 0
        ):
            taken = set(model.properties) | {
                n for d in case.descendants(model_id) for n in models[d].properties
            }
            tag = draw(names().filter(lambda n: n not in taken))
            model.properties[tag] = {"type": "string", "required": True}
            if draw(st.booleans()):
                model.properties[tag]["description"] = draw(texts())
            model.discriminator = tag
        earlier.append(model_id)
    return models


def _model_json(case: SpecCase, model: ModelSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"id": model.id}
    if model.description is not None:
        out["description"] = model.description
    if model.discriminator is not None:
        out["discriminator"] = model.discriminator
    if model.parent is not None and model.via_extends:
        out["extends"] = model.parent
    subtypes = [c for c in case.children(model.id) if not case.models[c].via_extends]
    if subtypes:
        out["subTypes"] = subtypes
    out["properties"] = model.properties
    return out


# --- operations -------------------------------------------------------------------------------

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
PARAM_SCALARS = ["string", "int", "long", "double", "boolean"]


def integers_within(low: float | None, high: float | None) -> st.SearchStrategy[int]:
    """Integers in a RANGE (some near its bounds); nothing if it holds no integer."""
    lo = None if low is None else math.ceil(low)
    hi = None if high is None else math.floor(high)
    if lo is not None and hi is not None and lo > hi:
        return st.nothing()
    return st.integers(lo, hi).filter(lambda i: abs(i) < 2**53)


def _default(draw: Any, data_type: str, allowed: dict[str, Any] | None) -> Any:
    if allowed is not None and allowed["valueType"] == "LIST":
        return draw(st.sampled_from(allowed["values"]))
    if data_type == "boolean":
        return draw(st.booleans())
    low = allowed.get("min") if allowed else None
    high = allowed.get("max") if allowed else None
    if data_type == "double":
        return draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
    if data_type in ("int", "long"):
        return draw(integers_within(low, high))
    return draw(texts(300))


VERSIONS = st.one_of(
    st.from_regex(r"[0-9]{1,2}(\.[0-9]{1,2}){0,2}", fullmatch=True),
    st.text(
        st.characters(categories=["L", "N"], include_characters=" .-"), max_size=10
    ),
)


def _since(hostility: Hostility) -> st.SearchStrategy[str]:
    """Versions in "since"; any text with ``nasty_since``."""
    return texts(50) if hostility.nasty_since else VERSIONS


def _parameter(
    draw: Any, name: str, location: str, models: list[str], hostility: Hostility = SAFE
) -> dict[str, Any]:
    if location == "body":
        lists = [f"List[{m}]" for m in models] if hostility.list_body_params else []
        data_type = draw(st.sampled_from(["object", "string", *models, *lists]))
    elif location == "query" and draw(st.integers(0, 6)) == 0:
        data_type = draw(st.sampled_from(["List[string]", "Date"]))
    else:
        data_type = draw(st.sampled_from(PARAM_SCALARS))
    param: dict[str, Any] = {"name": name, "paramType": location, "dataType": data_type}
    if location == "path":
        param["required"] = True
    elif draw(st.booleans()):
        param["required"] = draw(st.booleans())
    if location == "query" and draw(st.booleans()):
        param["allowMultiple"] = draw(st.booleans())
    if draw(st.booleans()):
        param["description"] = draw(texts())
    allowed = _allowable(draw, data_type) if data_type in PARAM_SCALARS else None
    if allowed is not None:
        param["allowableValues"] = allowed
    if location in ("query", "header", "form") and data_type in PARAM_SCALARS:
        if not param.get("required") and draw(st.booleans()):
            param["defaultValue"] = _default(draw, data_type, allowed)
    if draw(st.integers(0, 5)) == 0:
        param["since"] = draw(st.lists(_since(hostility), max_size=2))
    return param


_SEGMENT = st.one_of(
    st.sampled_from(["things", "a-b", "x.y", "日本", "café", "2nd", "class", "with space"]),
    st.text(st.characters(codec="utf-8", categories=["L", "N"], include_characters="-._"),
            min_size=1, max_size=6),
)  # fmt: skip


def _operations(
    draw: Any,
    models: list[str],
    nicknames: set[str],
    path: str,
    params: list[str],
    hostility: Hostility,
) -> list[dict[str, Any]]:
    methods = draw(
        st.lists(st.sampled_from(METHODS), min_size=1, max_size=3, unique=True)
    )
    ops = []
    for method in methods:
        nickname = draw(names().filter(lambda n: n not in nicknames))
        nicknames.add(nickname)
        op: dict[str, Any] = {"httpMethod": method, "nickname": nickname}
        if draw(st.booleans()):
            op["summary"] = draw(texts())
        if draw(st.integers(0, 3)) == 0:
            op["notes"] = draw(texts())
        nested = [f"List[List[{m}]]" for m in models] if hostility.nested_list_responses else []
        op["responseClass"] = draw(
            st.sampled_from(
                ["void", "binary", "string", "object", "boolean", "int", "List[string]"]
                + models
                + [f"List[{m}]" for m in models]
                + nested
            )
        )
        taken = set(params)
        parameters = [_parameter(draw, p, "path", models, hostility) for p in params]
        for location in draw(
            st.lists(
                st.sampled_from(["query", "query", "body", "header", "form"]),
                max_size=4,
            )
        ):
            if location == "body" and any(p["paramType"] == "body" for p in parameters):
                continue
            name = draw(
                names().filter(
                    lambda n: n not in taken and "{" not in n and "}" not in n
                )
            )
            taken.add(name)
            parameters.append(_parameter(draw, name, location, models, hostility))
        parameters = draw(st.permutations(parameters))
        if parameters:
            op["parameters"] = list(parameters)
        if draw(st.booleans()):
            codes = draw(st.lists(st.integers(400, 599), max_size=3, unique=True))
            op["errorResponses"] = [
                {"code": c, "reason": draw(texts(200))} for c in codes
            ]
        if method == "GET" and draw(st.integers(0, 9)) == 0:
            op["upgrade"] = "websocket"
            op["websocketProtocol"] = "ari"
            if not hostility.websocket_params:
                for param in op.get("parameters", []):
                    if param.get("allowableValues", {}).get("valueType") == "LIST":
                        del param["allowableValues"]
                    param.pop("defaultValue", None)
        if draw(st.integers(0, 5)) == 0:
            op["since"] = draw(st.lists(_since(hostility), max_size=2))
        ops.append(op)
    return ops


def _apis(draw: Any, models: list[str], hostility: Hostility) -> list[dict[str, Any]]:
    apis = []
    paths: set[str] = set()
    nicknames: set[str] = set()
    for _ in range(draw(st.integers(0, 3))):
        segments = draw(st.lists(_SEGMENT, min_size=1, max_size=3))
        params = draw(
            st.lists(
                names().filter(lambda n: "{" not in n and "}" not in n),
                max_size=2,
                unique=True,
            )
        )
        parts = segments + [f"{{{p}}}" for p in params]
        parts = draw(st.permutations(parts))
        path = "/" + "/".join(parts)
        if path in paths:
            continue
        paths.add(path)
        api: dict[str, Any] = {"path": path}
        if draw(st.booleans()):
            api["description"] = draw(texts())
        api["operations"] = _operations(
            draw, models, nicknames, path, params, hostility
        )
        apis.append(api)
    return apis


# --- the whole spec ---------------------------------------------------------------------------

_STEM_ALPHABET = st.characters(
    codec="utf-8", categories=["L", "N"], include_characters="-._ "
)


def _stem_ok(stem: str) -> bool:
    return (
        bool(stem.strip(". "))
        and stem == stem.strip()
        and not any(c in stem for c in "/\\{}\x00")
        and len(stem.encode()) < 100
    )


def resource_clash(case: SpecCase) -> bool:
    """Would a declaration's resource class (``Foo``, ``AsyncFoo``) meet a model or enum class
    of the same name (api modules import those), or another declaration's class?"""
    from ari_codegen import naming

    pascal = naming.pascal
    resources = [pascal(stem) for stem in case.declarations]
    resources += ["Async" + r for r in resources]
    classes = {pascal(m) for m in case.models}
    for m in case.models.values():
        for name, prop in m.properties.items():
            if "allowableValues" in prop:
                classes.add(pascal(m.id) + pascal(name))
    for stem, data in case.declarations.items():
        for api in data["apis"]:
            for op in api["operations"]:
                for p in op.get("parameters", []):
                    if "allowableValues" in p:
                        classes.add(
                            pascal(stem) + pascal(op["nickname"]) + pascal(p["name"])
                        )
    return len(set(resources)) < len(resources) or bool(classes & set(resources))


def specs(hostility: Hostility = SAFE) -> st.SearchStrategy[SpecCase]:
    """A random valid resource listing with one to three API declarations."""
    strategy = _specs(hostility)
    if not hostility.client_name_collisions:
        strategy = strategy.filter(lambda case: not resource_clash(case))
    return strategy


@st.composite
def _specs(draw: Any, hostility: Hostility) -> SpecCase:
    stems = draw(
        st.lists(
            st.one_of(
                st.sampled_from(NAME_POOL),
                st.text(_STEM_ALPHABET, min_size=1, max_size=8),
            ).filter(_stem_ok),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    versions = {s: draw(st.sampled_from(["1.2", "1.2", "1.1"])) for s in stems}
    models = _models(draw, stems, versions, hostility)
    case = SpecCase({}, {}, models)
    model_ids = list(models)
    for stem in stems:
        decl: dict[str, Any] = {
            "apiVersion": draw(st.sampled_from(["1.0.0", "12.0.0", ""]) | texts()),
            "swaggerVersion": versions[stem],
            "basePath": "http://localhost:8088/ari",
            "resourcePath": f"/api-docs/{stem}.{{format}}",
        }
        if draw(st.integers(0, 4)) == 0:
            decl["since"] = draw(st.lists(texts(50), max_size=2))
        if draw(st.integers(0, 4)) == 0:
            decl["requiresModules"] = draw(st.lists(texts(50), max_size=2))
        decl["apis"] = _apis(draw, model_ids, hostility)
        decl["models"] = {
            m.id: _model_json(case, m) for m in models.values() if m.declaration == stem
        }
        case.declarations[stem] = decl
    case.listing = {
        "apiVersion": draw(st.sampled_from(["12.0.0", "1"]) | texts()),
        "swaggerVersion": "1.1",
        "basePath": "http://localhost:8088/ari",
        "apis": [
            {"path": f"/api-docs/{stem}.{{format}}", "description": draw(texts())}
            for stem in stems
        ],
    }
    return case


# --- payloads built from the spec -------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip
MAX_DEPTH = 3


def asterisk_date(value: datetime) -> str:
    """Asterisk's timestamp format: milliseconds and an offset without a colon."""
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:"
        f"{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}"
        f"{sign}{hours:02d}{minutes:02d}"
    )


DATES = st.builds(
    lambda d, ms, off: d.replace(
        microsecond=ms * 1000, tzinfo=timezone(timedelta(minutes=off))
    ),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(0, 999),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
).map(asterisk_date)


class PayloadBuilder:
    """Valid JSON payloads for the models of a ``SpecCase``, drawn with ``draw``."""

    def __init__(self, case: SpecCase, draw: Callable[[st.SearchStrategy[Any]], Any]):
        self.case = case
        self.draw = draw
        self.foreign = st.text(min_size=1, max_size=6).filter(
            lambda k: k not in case.property_names
        )

    def concrete(self, model_id: str) -> str:
        """The model a value of a property typed ``model_id`` is built as."""
        if self.case.has_parser(model_id):
            return str(
                self.draw(st.sampled_from([model_id, *self.case.descendants(model_id)]))
            )
        return model_id

    def model(self, model_id: str, depth: int = 0) -> dict[str, Any]:
        tag = self.case.tag_key(model_id)
        out: dict[str, Any] = {}
        for name, prop in self.case.effective(model_id).items():
            if name == tag:
                out[name] = model_id
            elif prop.get("required") or (
                depth < MAX_DEPTH and self.draw(st.booleans())
            ):
                out[name] = self.value(
                    prop["type"], prop.get("allowableValues"), depth + 1
                )
        if self.draw(st.integers(0, 3)) == 0:  # fields a newer Asterisk might add
            for key in self.draw(st.lists(self.foreign, max_size=2, unique=True)):
                out[key] = self.draw(JSON)
        return out

    def value(self, type_expr: str, allowed: dict[str, Any] | None, depth: int) -> Any:
        if type_expr.startswith("List["):
            size = self.draw(st.integers(0, 2 if depth < MAX_DEPTH else 0))
            return [
                self.value(type_expr[5:-1], allowed, depth + 1) for _ in range(size)
            ]
        if allowed is not None and allowed["valueType"] == "LIST":
            return self.draw(st.sampled_from(allowed["values"]))
        if type_expr == "string":
            return self.draw(st.text(max_size=10))
        low = allowed.get("min") if allowed else None
        high = allowed.get("max") if allowed else None
        if type_expr in ("int", "long"):
            return self.draw(integers_within(low, high))
        if type_expr in ("double", "float"):
            return self.draw(
                st.floats(low, high, allow_nan=False, allow_infinity=False)
                | integers_within(low, high)
            )
        if type_expr == "boolean":
            return self.draw(st.booleans())
        if type_expr == "Date":
            return self.draw(DATES)
        if type_expr in ("object", "containers"):
            return self.draw(st.dictionaries(st.text(max_size=5), JSON, max_size=3))
        return self.model(self.concrete(type_expr), depth)
