"""Stage 2, validate: the schema, key repairs, semantic checks and what parse then reads.
(Each kind of broken document is in tests/broken/; this file covers the rest.)"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from ari_codegen import Severity, build_ir, check_spec, load, validate
from ari_codegen.validate import swagger_schema

from .conftest import SPECS


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    return path


def declaration(**models: Any) -> dict[str, Any]:
    return {
        "swaggerVersion": "1.2",
        "apis": [
            {
                "path": "/things",
                "operations": [
                    {
                        "httpMethod": "GET",
                        "nickname": "list",
                        "responseClass": "List[Thing]",
                        "parameters": [],
                    }
                ],
            }
        ],
        "models": models,
    }


def facts(diagnostics: list[Any]) -> list[tuple[str, str, str, int | None, str]]:
    return [
        (d.severity.value, d.file, d.pointer, d.line, d.message) for d in diagnostics
    ]


def test_the_shipped_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(swagger_schema())
    assert set(swagger_schema()["$defs"]) >= {
        "listing",
        "declaration",
        "model",
        "parameter",
    }


def test_the_bundled_spec_has_exactly_its_known_warts() -> None:
    validated = check_spec(SPECS)
    assert validated.ok
    note = "unknown key '__note' (ignored)"
    assert facts(validated.diagnostics) == [
        ("warning", "api-docs/endpoints.json", "/apis/1/operations/0/parameters/3/descriptioni", 67, "unknown key 'descriptioni' (read as 'description')"),
        ("warning", "api-docs/endpoints.json", "/apis/5/operations/0/parameters/4/descriptioni", 267, "unknown key 'descriptioni' (read as 'description')"),
        ("warning", "api-docs/channels.json", "/apis/4/operations/0/errorResponses/0/code", 598, "'404' is a string (read as 404)"),
        ("warning", "api-docs/channels.json", "/apis/4/operations/0/errorResponses/1/code", 602, "'409' is a string (read as 409)"),
        ("warning", "api-docs/sounds.json", "/apis/0/operations/0/parameters/1/__note", 39, note),
    ]  # fmt: skip
    strict = check_spec(SPECS, strict=True)
    assert not strict.ok and {d.severity for d in strict.diagnostics} == {
        Severity.ERROR
    }
    # under --strict nothing was read as anything: the messages say only what is wrong
    assert [d.message for d in strict.diagnostics] == [
        "unknown key 'descriptioni'",
        "unknown key 'descriptioni'",
        "'404' is a string",
        "'409' is a string",
        "unknown key '__note'",
    ]
    assert [d.hint for d in strict.diagnostics] == [d.hint for d in validated.diagnostics]


def test_validation_repairs_a_copy_and_leaves_the_loaded_data_alone() -> None:
    loaded = load(SPECS)
    (endpoints,) = [
        d for d in loaded.declarations if d.name == "api-docs/endpoints.json"
    ]
    raw = endpoints.data["apis"][1]["operations"][0]["parameters"][3]
    assert "descriptioni" in raw and "description" not in raw
    validated = validate(loaded)
    (data,) = [n for d, n in validated.declarations if d is endpoints]
    repaired = data["apis"][1]["operations"][0]["parameters"][3]
    assert (
        repaired["description"] == raw["descriptioni"]
        and "descriptioni" not in repaired
    )
    assert "descriptioni" in endpoints.data["apis"][1]["operations"][0]["parameters"][3]


def test_synonyms_and_case_slips_are_read_as_the_known_key(tmp_path: Path) -> None:
    doc = declaration(Thing={"id": "Thing", "properties": {"n": {"type": "int"}}})
    doc["apis"][0]["operations"][0]["parameters"] = [
        {"name": "a", "paramType": "query", "DataType": "string", "default": "x", "enum": {"valueType": "LIST", "values": ["x", "y"]}},
        {"name": "b", "paramType": "query", "dataType": "string", "descripton": "kept", "description": "wins"},
        {"name": "c", "paramType": "query", "dataType": "string", "frobnicate": 1},
    ]  # fmt: skip
    spec = write(tmp_path / "things.json", doc)
    at = "/apis/0/operations/0/parameters"
    assert [(d.pointer, d.message, d.hint) for d in check_spec(spec).diagnostics] == [
        (f"{at}/0/DataType", "unknown key 'DataType' (read as 'dataType')", "rename 'DataType' to 'dataType'"),
        (f"{at}/0/default", "unknown key 'default' (read as 'defaultValue')", "rename 'default' to 'defaultValue'"),
        (f"{at}/0/enum", "unknown key 'enum' (read as 'allowableValues')", "rename 'enum' to 'allowableValues'"),
        (f"{at}/1/descripton", "unknown key 'descripton' beside 'description' (ignored)", "remove 'descripton'"),
        (f"{at}/2/frobnicate", "unknown key 'frobnicate' (ignored)", "remove it; known keys here: name, description, paramType, dataType, required, allowMultiple, defaultValue, allowableValues, since"),
    ]  # fmt: skip
    model, _ = build_ir(spec)
    assert model is not None
    a, b, c = model.declarations[0].operations[0].parameters
    assert (a.type.kind, a.default, a.allowed and a.allowed.values) == (
        "string",
        "x",
        ("x", "y"),
    )
    assert b.description == "wins"
    assert c.name == "c"


def test_strings_for_booleans_and_numbers_are_read_as_them(tmp_path: Path) -> None:
    doc = declaration(
        Thing={"id": "Thing", "properties": {"n": {"type": "int", "required": "true"}}}
    )
    doc["apis"][0]["operations"][0]["parameters"] = [
        {"name": "n", "paramType": "query", "dataType": "double", "allowMultiple": "False", "allowableValues": {"valueType": "RANGE", "min": "0.5"}},
    ]  # fmt: skip
    spec = write(tmp_path / "things.json", doc)
    assert [(d.pointer, d.message) for d in check_spec(spec).diagnostics] == [
        ("/apis/0/operations/0/parameters/0/allowMultiple", "'False' is a string (read as false)"),
        ("/apis/0/operations/0/parameters/0/allowableValues/min", "'0.5' is a string (read as 0.5)"),
        ("/models/Thing/properties/n/required", "'true' is a string (read as true)"),
    ]  # fmt: skip
    model, _ = build_ir(spec)
    assert model is not None
    (n,) = model.declarations[0].operations[0].parameters
    assert (n.allow_multiple, n.allowed and n.allowed.minimum) == (False, 0.5)
    assert model.model("Thing").properties[0].required is True


def test_a_model_id_that_differs_from_its_key_is_read_as_the_key(
    tmp_path: Path,
) -> None:
    spec = write(
        tmp_path / "things.json", declaration(Thing={"id": "Thang", "properties": {}})
    )
    assert facts(check_spec(spec).diagnostics) == [
        ("warning", "things.json", "/models/Thing/id", 18, "model id 'Thang' differs from its key 'Thing' (read as 'Thing')")
    ]  # fmt: skip
    model, _ = build_ir(spec)
    assert model is not None and [m.id for m in model.models] == ["Thing"]


def test_nested_lists_are_understood(tmp_path: Path) -> None:
    thing = {"id": "Thing", "properties": {"grid": {"type": "List[List[Thing]]"}}}
    spec = write(tmp_path / "things.json", declaration(Thing=thing))
    assert check_spec(spec).diagnostics == []
    model, _ = build_ir(spec)
    assert model is not None
    grid = model.model("Thing").properties[0].type
    assert (grid.kind, grid.item and grid.item.kind, grid.element.model) == (
        "list",
        "list",
        "Thing",
    )
    assert grid.annotation == "list[list[Thing]]"


def test_a_listing_names_each_declaration_once(tmp_path: Path) -> None:
    write(
        tmp_path / "api-docs" / "things.json",
        declaration(Thing={"id": "Thing", "properties": {}}),
    )
    listing = {"swaggerVersion": "1.2", "apis": [{"path": "/api-docs/things.{format}"}, {"path": "/api-docs/things.json"}]}  # fmt: skip
    write(tmp_path / "resources.json", listing)
    validated = check_spec(tmp_path)
    assert facts(validated.diagnostics) == [
        ("warning", "resources.json", "/apis/1/path", 8, "'/api-docs/things.json' is listed twice, first at /apis/0/path (read once)")
    ]  # fmt: skip
    assert [d.name for d, _ in validated.declarations] == ["api-docs/things.json"]


# --- a single declaration borrows models from the declarations beside it ---------------------


def test_borrowed_models_report_their_own_problems_and_nothing_else(
    tmp_path: Path,
) -> None:
    main = declaration()
    main["apis"][0]["operations"][0]["responseClass"] = "List[Part]"
    write(tmp_path / "main.json", main)
    parts = declaration(
        Part={"id": "Part", "properties": {"name": {"type": "string", "descripton": "Its name"}, "maker": {"type": "Maker"}}},
        Maker={"id": "Maker", "properties": {"since": {"type": "Date"}}},
        Unused={"id": "Unused", "properties": {"x": {"type": "Nowhere"}}},
    )  # fmt: skip
    parts["apis"][0]["operations"][0][
        "nickname"
    ] = ""  # an error, but not in a used model
    write(tmp_path / "parts.json", parts)
    write(
        tmp_path / "zzz.json", declaration(Part={"id": "Part", "properties": {}})
    )  # later by name
    validated = check_spec(tmp_path / "main.json")
    assert facts(validated.diagnostics) == [
        ("warning", "parts.json", "/models/Part/properties/name/descripton", 22, "unknown key 'descripton' (read as 'description')")
    ]  # fmt: skip
    assert [d.name for d in validated.loaded.documents] == ["main.json", "parts.json"]
    model, _ = build_ir(tmp_path / "main.json")
    assert model is not None
    (main_ir,) = model.declarations
    assert [m.id for m in main_ir.models] == ["Part", "Maker"]
    assert model.model("Part").properties[0].description == "Its name"


def test_a_declaration_keeps_its_own_model_over_a_neighbours(tmp_path: Path) -> None:
    write(
        tmp_path / "main.json",
        declaration(Thing={"id": "Thing", "properties": {"a": {"type": "int"}}}),
    )
    write(
        tmp_path / "aaa.json",
        declaration(Thing={"id": "Thing", "properties": {"b": {"type": "Nope"}}}),
    )
    validated = check_spec(tmp_path / "main.json")
    assert validated.diagnostics == []
    assert [d.name for d in validated.loaded.documents] == ["main.json"]


def test_a_listing_never_borrows(tmp_path: Path) -> None:
    main = declaration()
    main["apis"][0]["operations"][0]["responseClass"] = "Part"
    write(tmp_path / "api-docs" / "main.json", main)
    write(
        tmp_path / "api-docs" / "parts.json",
        declaration(Part={"id": "Part", "properties": {}}),
    )
    write(
        tmp_path / "resources.json",
        {"swaggerVersion": "1.2", "apis": [{"path": "/api-docs/main.{format}"}]},
    )
    assert facts(check_spec(tmp_path).diagnostics) == [
        ("error", "api-docs/main.json", "/apis/0/operations/0/responseClass", 10, "type 'Part' names no known model or primitive")
    ]  # fmt: skip


def test_a_neighbour_cannot_adopt_a_model_of_ours(tmp_path: Path) -> None:
    thing = {"id": "Thing", "extends": "Base", "properties": {}}
    base = {"id": "Base", "properties": {}}
    write(tmp_path / "main.json", declaration(Thing=thing, Base=base))
    adopter = {"id": "Adopter", "subTypes": ["Thing"], "properties": {}}
    write(tmp_path / "aaa.json", declaration(Adopter=adopter))
    validated = check_spec(tmp_path / "main.json")
    assert validated.diagnostics == []
    assert [d.name for d in validated.loaded.documents] == ["main.json"]
    model, _ = build_ir(tmp_path / "main.json")
    assert model is not None and model.model("Thing").parent == "Base"


def test_a_surrogate_pair_escape_is_one_character(tmp_path: Path) -> None:
    spec = tmp_path / "things.json"
    text = json.dumps(
        declaration(
            Thing={"id": "Thing", "description": "\U0001f600", "properties": {}}
        )
    )
    assert "\\ud83d\\ude00" in text
    spec.write_text(text)
    model, diagnostics = build_ir(spec)
    assert diagnostics == [] and model is not None
    assert model.model("Thing").description == "\U0001f600"


# --- whatever the document, diagnostics and never a traceback ------------------------------

BASE = json.loads(
    (Path(__file__).parent / "broken" / "typo_keys" / "things.json").read_text()
)
KEYS = ["path", "operations", "httpMethod", "nickname", "responseClass", "parameters", "name", "paramType", "dataType", "required", "defaultValue", "allowableValues", "values", "min", "max", "valueType", "models", "id", "properties", "type", "subTypes", "extends", "discriminator", "errorResponses", "code", "upgrade", "swaggerVersion", "apis", "Path", "defalutValue", "_c"]  # fmt: skip
WORDS = ["Thing", "Part", "List[Part]", "Cycle", "List[Thing]", "List[List[Thing]]", "List[", "void", "List[void]", "integer", "GET", "path", "query", "LIST", "RANGE", "/things/{thingId}", "/{x}", "thingId", "websocket", "404", "true", "1.2", "1.1", "kind", ""]  # fmt: skip
NEIGHBOUR = declaration(
    Part={"id": "Part", "extends": "Base", "properties": {"t": {"type": "List[Thing]"}}},
    Base={"id": "Base", "subTypes": ["Part"], "discriminator": "kind", "properties": {"kind": {"type": "string"}}},
    Cycle={"id": "Cycle", "subTypes": ["Cycle"], "properties": {}},
)  # fmt: skip
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-1000, 1000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.sampled_from(WORDS),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


def places(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node) if isinstance(node, list) else []
    )
    for key, child in items:
        found += places(child, (*at, key))
    return found


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.data())
def test_a_mangled_declaration_gets_diagnostics_never_a_traceback(
    data: st.DataObject,
) -> None:
    doc = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(places(doc)[1:]))
        parent = doc
        for key in where[:-1]:
            parent = parent[key]
        action = data.draw(st.sampled_from(["replace", "delete", "rename", "add"]))
        if action == "replace" or not isinstance(parent, dict):
            parent[where[-1]] = data.draw(JSON)
        elif action == "delete":
            del parent[where[-1]]
        elif action == "rename":
            parent[data.draw(st.sampled_from(KEYS))] = parent.pop(where[-1])
        else:
            parent[data.draw(st.sampled_from(KEYS))] = data.draw(JSON)
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "things.json"
        spec.write_text(json.dumps(doc, indent=1))
        write(Path(folder) / "parts.json", NEIGHBOUR)  # lends models to things.json
        validated = check_spec(spec)
        for d in validated.diagnostics:
            assert d.file in ("things.json", "parts.json")
            assert d.pointer == "" or d.pointer.startswith("/")
            lines = (Path(folder) / d.file).read_text().splitlines()
            assert d.line is None or 1 <= d.line <= len(lines)
        model, diagnostics = build_ir(spec)
        assert (model is not None) is validated.ok
        assert diagnostics == validated.diagnostics


def test_a_single_document_that_is_no_object_beside_declarations(
    tmp_path: Path,
) -> None:
    write(tmp_path / "parts.json", declaration(Part={"id": "Part", "properties": {}}))
    (tmp_path / "main.json").write_text('[\n  "not", "a", "declaration"\n]\n')
    validated = check_spec(tmp_path / "main.json")
    assert facts(validated.diagnostics) == [
        ("error", "main.json", "", 1, "document: expected object, found array")
    ]
    assert [d.name for d in validated.loaded.documents] == ["main.json"]


# --- the fast conformance check agrees with jsonschema --------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "/path", "1.2", "LIST", "RANGE", "GET", "query", "websocket", " "]),
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["name", "type", "x", "_c"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def _pointers(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _pointers(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _pointers(value, (*at, index))
    return found


REAL = [(d.name, d.data) for d in load(SPECS).declarations]


@settings(max_examples=150)
@given(st.data())
def test_the_fast_conformance_check_agrees_with_jsonschema(data: st.DataObject) -> None:
    """``_conforms`` decides whether jsonschema is needed at all: it must say "valid"
    exactly when jsonschema finds nothing, on real declarations with one value replaced,
    dropped or added anywhere."""
    from ari_codegen.validate import _conforms

    name, original = data.draw(st.sampled_from(REAL))
    doc = copy.deepcopy(original)
    where = data.draw(st.sampled_from(_pointers(doc)))
    action = data.draw(st.sampled_from(["replace", "drop", "add"]))
    if where and action != "add":
        parent = doc
        for part in where[:-1]:
            parent = parent[part]
        if action == "drop":
            del parent[where[-1]]
        else:
            parent[where[-1]] = data.draw(JSON)
    elif action == "add":
        target = doc
        for part in where:
            target = target[part]
        if isinstance(target, dict):
            target[data.draw(st.sampled_from(["name", "type", "valueType", "min", "_note", "junk"]))] = data.draw(JSON)
        elif isinstance(target, list):
            target.append(data.draw(JSON))
    schema = {"$ref": "#/$defs/declaration", "$defs": swagger_schema()["$defs"]}
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert _conforms(doc, {"$ref": "#/$defs/declaration"}) is (not errors), (name, where, action, errors[:1])


def test_a_valid_spec_never_imports_jsonschema() -> None:
    import subprocess
    import sys

    from .conftest import ROOT

    code = (
        "import sys\nfrom ari_codegen import check_spec\n"
        f"assert check_spec({str(SPECS)!r}).ok\n"
        "print('jsonschema' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout == "False\n", done.stderr
    wrong = ROOT / "tests" / "broken" / "wrong_json_types" / "things.json"  # schema errors
    broken = code.replace(str(SPECS), str(wrong)).replace(".ok", ".ok is False")
    assert subprocess.run([sys.executable, "-c", broken], cwd=ROOT, capture_output=True, text=True).stdout == "True\n"
