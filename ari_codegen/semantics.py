"""Validation across the whole spec, after the schema: three jobs on one walk of the documents.

- ``Repairs`` reads leniently what can be read, in place in the normalized copy that the
  parse stage reads, with a warning that says how it was read: a type name that is no
  Swagger name (``integer``, ``list<Channel>``), a missing responseClass, a path parameter
  marked optional, a default written as a string. A default that cannot be read at all is an
  error, and is dropped.
- ``Checks`` reports what is wrong: types that name nothing, duplicate nicknames, routes
  and parameters, path parameters without a placeholder and placeholders without a
  parameter, RANGEs and defaults, inheritance (one parent, no cycle, a discriminator that
  is a property).
- ``Borrowing``: a declaration given alone may use models that only its neighbours define
  (the companions: the other declarations beside it). Their models are checked too, into a
  list of their own; those the declaration uses are copied into it, with their diagnostics.

``ModelTable`` is what the three share: every model by id (the first definition wins) and
who claims whom as a parent. ``Checker`` collects the diagnostics of one document, here and
in the schema checks of ``validate``. Every diagnostic is reported in document order, the
repairs among the checks of the same node.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from typing import Any, Iterator

from . import kinds
from .diagnostics import Diagnostic, Severity, warning
from .load import Document, LoadedSpec, pointer_join

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
LIST_TYPE = re.compile(
    r"^\s*(?:list|array|set)\s*[\[<]\s*(.+?)\s*[\]>]\s*$", re.IGNORECASE
)
PARAM_TYPES = ("path", "query", "body", "header", "form")
PATH_PARAM = re.compile(r"\{([^{}]*)\}")
DEFAULT_READERS = kinds.READERS


class Checker:
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


def items(value: Any) -> Iterator[tuple[int, Any]]:
    """The (index, item) pairs of a JSON array; nothing for any other value."""
    return enumerate(value) if isinstance(value, list) else iter(())


def objects(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (key, value) pairs of a JSON object whose values are objects."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                yield key, item


def list_element(name: str) -> str:
    """``List[List[Channel]]`` → ``Channel``: the innermost element of a normalized type."""
    while name.startswith("List[") and name.endswith("]"):
        name = name[5:-1]
    return name


# (the checker of the document that defines a model, the model's pointer, its content)
Definition = tuple[Checker, str, dict[str, Any]]
# (the parent's id, the checker of the document that says so, the pointer where it does)
Claim = tuple[str, Checker, str]


class ModelTable:
    """Every model of the spec by id, the first definition winning, and who claims whom."""

    def __init__(self) -> None:
        self.definitions: dict[str, Definition] = {}
        # ids of the models first defined by a companion, not by a declaration checked
        self.neighbours: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self.definitions

    def define(
        self,
        check: Checker,
        key: str,
        model: dict[str, Any],
        data: dict[str, Any],
        neighbour: bool = False,
    ) -> None:
        """Record a model of the document ``data``, reporting an id unlike its key, Swagger
        1.2 features in a 1.1 document and a second definition that differs."""
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
        if key in self.definitions:
            first_check, first_pointer, first = self.definitions[key]
            if first != model:
                where = f"{first_check.doc.name}:{first_check.doc.line(first_pointer)}"
                check.error(
                    pointer,
                    f"model {key!r} is defined again with different content (first at {where})",
                    "keep one definition or rename one of the models",
                )
            return
        self.definitions[key] = (check, pointer, model)
        if neighbour:
            self.neighbours.add(key)

    def claims(self) -> dict[str, list[Claim]]:
        """model id -> every parent that claims it, via subTypes or extends, in order."""
        claims: dict[str, list[Claim]] = {}
        for key, (check, pointer, model) in self.definitions.items():
            for i, sub in items(model.get("subTypes")):
                if isinstance(sub, str) and sub in self.definitions:
                    if key in self.neighbours and sub not in self.neighbours:
                        continue  # a neighbour's model cannot adopt a model of ours
                    claims.setdefault(sub, []).append(
                        (key, check, f"{pointer}/subTypes/{i}")
                    )
            parent = model.get("extends")
            if isinstance(parent, str) and parent in self.definitions:
                entry = (parent, check, pointer_join(pointer, "extends"))
                if parent not in [c[0] for c in claims.get(key, [])]:
                    claims.setdefault(key, []).append(entry)
        return claims

    def property_names(self, key: str, claims: dict[str, list[Claim]]) -> set[str]:
        """The properties of a model and of its ancestors (the first claim of each)."""
        names: set[str] = set()
        seen: set[str] = set()
        while key in self.definitions and key not in seen:
            seen.add(key)
            props = self.definitions[key][2].get("properties")
            names.update(props if isinstance(props, dict) else ())
            key = claims[key][0][0] if key in claims else ""
        return names


def normalize_type(name: str) -> str:
    """A type name as Swagger writes it: ``list<integer>`` → ``List[int]``."""
    match = LIST_TYPE.match(name)
    if match:
        return f"List[{normalize_type(match.group(1))}]"
    stripped = name.strip()
    if stripped in PRIMITIVES or stripped in RESPONSE_ONLY:
        return stripped
    for canonical in PRIMITIVES | RESPONSE_ONLY:
        if stripped.lower() == canonical.lower():
            return canonical
    return TYPE_ALIASES.get(stripped.lower(), stripped)


class Repairs:
    """What is read leniently, repaired in place in a node of the normalized copy; each
    repair is a warning that ends with how it was read."""

    def type_name(
        self, check: Checker, pointer: str, node: dict[str, Any], key: str
    ) -> str | None:
        """The normalized type name of ``node[key]``; None if it has none (the schema
        reported that)."""
        raw = node.get(key)
        if not isinstance(raw, str) or not raw.strip():
            return None
        name = normalize_type(raw)
        if name != raw:
            check.warning(
                pointer_join(pointer, key),
                f"type {raw!r} is not a Swagger type name",
                f"write {name!r}",
                f"read as {name!r}",
            )
            node[key] = name
        return name

    def response_class(self, check: Checker, pointer: str, op: dict[str, Any]) -> None:
        """An operation without a responseClass returns nothing."""
        if "responseClass" not in op:
            check.warning(
                pointer,
                "no responseClass",
                'add "responseClass": "void"',
                "read as 'void'",
            )
            op["responseClass"] = "void"

    def path_parameter(
        self, check: Checker, pointer: str, name: str, param: dict[str, Any]
    ) -> None:
        """A path parameter is always required."""
        if param.get("required") is False:
            check.warning(
                pointer_join(pointer, "required"),
                f"path parameter {name!r} is marked optional",
                'path parameters are always "required": true',
                "read as required",
            )
            param["required"] = True

    def default(
        self, check: Checker, pointer: str, node: dict[str, Any], type_key: str
    ) -> None:
        """A default written as a string is read as its type; one that is not a value of
        its type is an error, and dropped."""
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


class Checks:
    """The checks across the whole spec: types, paths, names, defaults, inheritance."""

    def __init__(self, table: ModelTable) -> None:
        self.table = table
        self.repairs = Repairs()  # a node is repaired before it is checked

    def run(
        self,
        docs: list[tuple[Document, dict[str, Any]]],
        out: list[Diagnostic],
        companions: list[tuple[Document, dict[str, Any]]],
        held_back: list[Diagnostic],
    ) -> None:
        """Check the declarations ``docs`` into ``out``, and the models of the companions
        (whose operations are not generated) into ``held_back``."""
        sources = [(doc, data, out, False) for doc, data in docs]
        sources += [(doc, data, held_back, True) for doc, data in companions]
        for doc, data, into, neighbour in sources:
            check = Checker(doc, into)
            for key, model in objects(data.get("models")):
                self.table.define(check, key, model, data, neighbour)
        for doc, data, into, neighbour in sources:
            check = Checker(doc, into)
            if not neighbour:
                self.check_apis(check, data)
            for key, model in objects(data.get("models")):
                self.check_model(check, pointer_join("/models", key), model)
        self.check_hierarchy()

    def check_type(
        self,
        check: Checker,
        pointer: str,
        node: dict[str, Any],
        key: str,
        allow: frozenset[str],
    ) -> None:
        """``node[key]`` (repaired) names a primitive, a model or one of ``allow``."""
        name = self.repairs.type_name(check, pointer, node, key)
        if name is None:
            return
        element = list_element(name)
        if element in PRIMITIVES or element in self.table or name in allow:
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
        known = sorted(PRIMITIVES | set(self.table.definitions) | allow)
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

    def check_apis(self, check: Checker, data: dict[str, Any]) -> None:
        nicknames: dict[str, str] = {}
        routes: set[tuple[str, str]] = set()
        for api_index, api in items(data.get("apis")):
            if not isinstance(api, dict):
                continue
            path = api["path"] if isinstance(api.get("path"), str) else ""
            in_path = PATH_PARAM.findall(path)
            for op_index, op in items(api.get("operations")):
                if not isinstance(op, dict):
                    continue
                pointer = f"/apis/{api_index}/operations/{op_index}"
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
                self.repairs.response_class(check, pointer, op)
                self.check_type(check, pointer, op, "responseClass", RESPONSE_ONLY)
                if op.get("upgrade") == "websocket" and op.get("httpMethod") != "GET":
                    check.error(
                        pointer_join(pointer, "httpMethod"),
                        "a websocket upgrade must be a GET",
                        'use "httpMethod": "GET"',
                    )
                self.check_parameters(check, pointer, op, path, in_path)

    def check_parameters(
        self,
        check: Checker,
        pointer: str,
        op: dict[str, Any],
        path: str,
        in_path: list[str],
    ) -> None:
        names: set[str] = set()
        path_params: set[str] = set()
        untyped: set[str] = set()  # no valid paramType: the schema reported them
        for param_index, param in items(op.get("parameters")):
            if not isinstance(param, dict):
                continue
            here = f"{pointer}/parameters/{param_index}"
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
                    self.repairs.path_parameter(check, here, name, param)
            self.check_type(check, here, param, "dataType", frozenset())
            self.check_allowable(check, here, param, "dataType")
        for name in in_path:
            if name not in path_params and name not in untyped:
                check.error(
                    pointer,
                    f"path {path!r} has {{{name}}} but the operation has no path parameter {name!r}",
                    f'add a parameter {{"name": "{name}", "paramType": "path", ...}}',
                )

    def check_allowable(
        self, check: Checker, pointer: str, node: dict[str, Any], type_key: str
    ) -> None:
        """A node's (repaired) default and allowableValues agree."""
        self.repairs.default(check, pointer, node, type_key)
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

    def check_model(self, check: Checker, pointer: str, model: dict[str, Any]) -> None:
        for name, prop in objects(model.get("properties")):
            here = pointer_join(pointer_join(pointer, "properties"), name)
            self.check_type(check, here, prop, "type", frozenset())
            self.check_allowable(check, here, prop, "type")
        for i, sub in items(model.get("subTypes")):
            if isinstance(sub, str) and sub not in self.table:
                check.error(
                    f"{pointer}/subTypes/{i}",
                    f"subType {sub!r} names no model",
                    "define the model or remove it from subTypes",
                )
        parent = model.get("extends")
        if isinstance(parent, str) and parent not in self.table:
            check.error(
                pointer_join(pointer, "extends"),
                f"extends {parent!r}, which names no model",
                "define the model or remove 'extends'",
            )

    def check_hierarchy(self) -> None:
        """One parent per model, no inheritance cycle, discriminators that are properties."""
        claims = self.table.claims()
        for child, owners in claims.items():
            for parent, check, pointer in owners[1:]:
                check.error(
                    pointer,
                    f"model {child!r} already extends {owners[0][0]!r}; it cannot also extend {parent!r}",
                    "a model has one parent",
                )
        definitions = self.table.definitions
        in_cycle: set[str] = set()  # each cycle is reported once, at its first model
        for key in definitions:
            seen = [key]
            while key in claims and key not in in_cycle:
                key = claims[key][0][0]
                if key in seen:
                    cycle = seen[seen.index(key) :] + [key]
                    in_cycle.update(cycle)
                    first_check, first_pointer, _ = definitions[cycle[0]]
                    first_check.error(
                        first_pointer,
                        f"inheritance cycle: {' extends '.join(cycle)}",
                        "remove one link of the cycle (a subTypes entry or an extends)",
                    )
                    break
                seen.append(key)
        for key, (check, pointer, model) in definitions.items():
            discriminator = model.get("discriminator")
            if not isinstance(discriminator, str):
                continue
            if discriminator not in self.table.property_names(key, claims):
                check.error(
                    pointer_join(pointer, "discriminator"),
                    f"discriminator {discriminator!r} is not a property of {key!r}",
                    "name a required string property of the model",
                )


class Borrowing:
    """The companions' models that the declarations use (a declaration given alone, say),
    copied into its normalized data with their diagnostics."""

    def __init__(
        self,
        table: ModelTable,
        docs: list[tuple[Document, dict[str, Any]]],
        out: list[Diagnostic],
        held_back: list[Diagnostic],
    ) -> None:
        self.table = table
        self.docs = docs
        self.out = out
        # the companions' diagnostics: reported if their models are used
        self.held_back = held_back

    def wanted(self) -> list[str]:
        """Companion models the declarations use (and all those use), in first-use order."""
        definitions = self.table.definitions
        own = {key for _, data in self.docs for key, _ in objects(data.get("models"))}
        claims = self.table.claims()
        wanted: list[str] = []

        def use(name: Any) -> None:
            name = list_element(name) if isinstance(name, str) else name
            if isinstance(name, str) and name in definitions and name not in own:
                if name not in wanted:
                    wanted.append(name)
                    visit(name, definitions[name][2])

        def visit(key: str, model: dict[str, Any]) -> None:
            for _, prop in objects(model.get("properties")):
                use(prop.get("type"))
            use(model.get("extends"))
            for _, sub in items(model.get("subTypes")):
                use(sub)
            for parent, _, _ in claims.get(key, [])[:1]:
                use(parent)

        for _, data in self.docs:
            for _, api in items(data.get("apis")):
                for _, op in items(
                    api.get("operations") if isinstance(api, dict) else None
                ):
                    if isinstance(op, dict):
                        use(op.get("responseClass"))
                        for _, param in items(op.get("parameters")):
                            use(
                                param.get("dataType")
                                if isinstance(param, dict)
                                else None
                            )
            for key, model in objects(data.get("models")):
                visit(key, model)
        return wanted

    def borrow(self, loaded: LoadedSpec) -> LoadedSpec:
        """Copy the companion models a single declaration uses into its normalized data.

        Their problems are reported; the companions they come from become inputs.
        """
        used: set[str] = set()
        models = self.docs[0][1].setdefault("models", {}) if self.docs else {}
        if not isinstance(models, dict):
            models = {}  # not an object: the schema reported it, and parse will not run
        for key in self.wanted():
            check, pointer, model = self.table.definitions[key]
            models[key] = model
            used.add(check.doc.name)
            self.out.extend(
                d
                for d in self.held_back
                if d.file == check.doc.name
                and (d.pointer == pointer or d.pointer.startswith(pointer + "/"))
            )
        return dataclasses.replace(
            loaded, companions=[d for d in loaded.companions if d.name in used]
        )
