"""Property-based tests: random valid specs generate packages that compile, import, type-check
and round-trip their payloads; the render filters make any text safe.

Specs come from ``tests/strategies.py``. Payloads are built from the drawn spec (its
properties, types, LIST and RANGE constraints, discriminators), never from the generated code.
The ``ci`` hypothesis profile (the default, see conftest.py) keeps this file bounded;
``pytest --hypothesis-profile=long`` explores much further.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from packaging.version import Version
from referencing import Registry, Resource

from ari_codegen import build_ir, generate, ir
from ari_codegen.render import comment, docstring, pyrepr, pystr

from .strategies import NASTY, PayloadBuilder, SpecCase, specs, texts

_PACKAGES = itertools.count()


def unique_package() -> str:
    """A package name no other example (or test process) uses: imports never go stale."""
    return f"hyp_ari_{os.getpid()}_{next(_PACKAGES)}"


@contextmanager
def imported(out: Path, package: str) -> Iterator[None]:
    """``out`` on sys.path while the block runs; afterwards no module of ``package`` is left."""
    sys.path.insert(0, str(out))
    try:
        yield
    finally:
        sys.path.remove(str(out))
        for name in [
            n for n in sys.modules if n == package or n.startswith(package + ".")
        ]:
            del sys.modules[name]
        importlib.invalidate_caches()


def diagnostics(result: Any) -> str:
    return "\n".join(d.format() for d in result.diagnostics)


def modules_of(out: Path, package: str) -> list[str]:
    """Dotted names of every module of the generated package."""
    names = []
    for path in sorted((out / package).rglob("*.py")):
        parts = path.relative_to(out).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def schema_registry(out: Path, package: str) -> Registry:
    resources = []
    for path in sorted((out / package / "schemas").glob("*.json")):
        contents = json.loads(path.read_text("utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)  # type: ignore[no-any-return]


def generate_case(case: SpecCase, root: Path) -> tuple[Path, str, ir.Spec]:
    """Write the spec, generate it (formatted) and return the output, package and IR."""
    listing = case.write(root / "spec")
    out = root / "out"
    package = unique_package()
    result = generate(listing, out, package=package, format=True, distribution=True)
    assert result.ok, diagnostics(result)
    assert result.wrote
    # installable too: pyproject.toml is TOML, its version PEP 440 (tests/test_distribution.py)
    project = tomllib.loads((out / "pyproject.toml").read_text("utf-8"))["project"]
    assert str(Version(project["version"])) == project["version"]
    assert (out / "README.md").read_text("utf-8").count("```") % 2 == 0
    spec_ir, _ = build_ir(listing, package)
    assert spec_ir is not None
    return out, package, spec_ir


class GeneratedCodeFailed(AssertionError):
    """An exception escaped the generated code. Raised from here, so that hypothesis sees one
    stable origin (a traceback into a per-example package path would look like a new bug).
    """


def check_package(
    case: SpecCase, out: Path, package: str, spec_ir: ir.Spec, draw: Any
) -> None:
    try:
        _check_package(case, out, package, spec_ir, draw)
    except AssertionError:
        raise
    except Exception as exc:
        # no chained cause: its traceback (per-example paths) would count as another bug
        trace = "".join(traceback.format_exception(exc, limit=-4))
        raise GeneratedCodeFailed(f"{type(exc).__name__}: {exc}\n{trace}") from None


def _check_package(
    case: SpecCase, out: Path, package: str, spec_ir: ir.Spec, draw: Any
) -> None:
    """Every module compiles and imports; every model round-trips payloads built from the spec."""
    for path in sorted((out / package).rglob("*.py")):
        compile(path.read_text("utf-8"), str(path), "exec")
    for path in sorted((out / package).rglob("*.json")):
        json.loads(path.read_text("utf-8"))
    with imported(out, package):
        for name in modules_of(out, package):
            importlib.import_module(name)
        models = importlib.import_module(f"{package}.models")
        registry = schema_registry(out, package)
        builder = PayloadBuilder(case, draw)
        classes = {m.id: m for m in spec_ir.models}
        for model in spec_ir.models:
            module = importlib.import_module(f"{package}.models.{model.py_module}")
            cls = getattr(module, model.py_name)
            # its declaration's module has it too, when its class moved (an import cycle)
            declared = importlib.import_module(f"{package}.models.{model.source_module}")
            assert getattr(declared, model.py_name) is cls
            validator = getattr(module, model.py_validator)
            assert (
                getattr(models, model.py_name) is cls
            ), "the lazy export is another object"

            payload = builder.model(model.id)
            context = f"model {model.id!r} ({model.py_name}), payload {payload!r}"
            assert cls.from_dict(payload).to_dict() == payload, context
            text = json.dumps(payload)
            assert cls.from_json(text).to_dict() == json.loads(text), context
            assert json.loads(cls.from_dict(payload).to_json()) == json.loads(
                text
            ), context
            assert validator(payload) == [], context
            schema = jsonschema.Draft202012Validator(
                {"$ref": f"{model.source_module}.json#/$defs/{model.id}"},
                registry=registry,
            )
            assert [e.message for e in schema.iter_errors(payload)] == [], context

            # a missing required field: the validator says so, from_dict raises
            required = [
                p.name
                for p in model.all_properties
                if p.required and p.name != case.tag_key(model.id)
            ]
            if required:
                broken = {k: v for k, v in payload.items() if k != required[0]}
                assert validator(broken), context
                with pytest.raises(ValueError):
                    cls.from_dict(broken)

            if model.py_parser:
                concrete = builder.concrete(model.id)
                event = builder.model(concrete)
                decoded = getattr(module, model.py_parser)(event)
                assert isinstance(decoded, cls), context
                if concrete != model.id:
                    assert type(decoded).__name__ == classes[concrete].py_name, (
                        concrete,
                        event,
                    )
                assert decoded.to_dict() == event, (concrete, event)


# --- generate, compile, import, round-trip ------------------------------------------------------


@given(case=specs(), data=st.data())
def test_random_specs_generate_compile_import_and_round_trip(
    case: SpecCase, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        out, package, spec_ir = generate_case(case, Path(tmp))
        check_package(case, out, package, spec_ir, data.draw)


# --- mypy --strict on a small sample ------------------------------------------------------------

MYPY_EXAMPLES = 3 if settings.default.max_examples <= 50 else 10


@pytest.fixture(scope="module")
def mypy_cache() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="ari-prop-mypy-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def mypy_strict(
    out: Path, package: str, cache: Path
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary"]
    return subprocess.run(
        [*command, "--cache-dir", str(cache), "-p", package],
        cwd=out,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(out)},
    )


# each example costs seconds: no shrinking (the mypy output names the line at fault)
@settings(
    max_examples=MYPY_EXAMPLES, phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
@given(case=specs())
def test_random_specs_pass_mypy_strict(case: SpecCase, mypy_cache: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        out, package, _ = generate_case(case, Path(tmp))
        run = mypy_strict(out, package, mypy_cache)
        assert run.returncode == 0, run.stdout + run.stderr


# --- the render filters --------------------------------------------------------------------------

ANY_TEXT = st.one_of(
    texts(), st.text(), st.text(st.characters(codec=None))
)  # with surrogates


@given(ANY_TEXT)
@settings(max_examples=settings.default.max_examples * 30)
def test_pystr_is_a_literal_of_the_text(text: str) -> None:
    literal = pystr(text)
    assert "\n" not in literal and "\r" not in literal
    assert ast.literal_eval(literal) == text
    literal.encode("utf-8")  # writable as source


@given(ANY_TEXT, st.integers(0, 8))
@settings(max_examples=settings.default.max_examples * 30)
@example('"""', 0)  # the closing quote was escaped twice
@example("a\n\nb", 0)  # a blank line at indent 0 looped forever
@example("a \ud800 \U00010000", 4)
def test_docstring_is_safe_in_triple_quotes_at_any_indent(
    text: str, indent: int
) -> None:
    body = docstring(text, indent)
    source = f'def f():\n{" " * indent}"""{body}"""\n' if indent else f'"""{body}"""\n'
    source.encode("utf-8")  # writable as source: no lone surrogates
    tree = ast.parse(source)
    node = tree.body[0].body[0] if indent else tree.body[0]  # type: ignore[attr-defined]
    value = node.value.value
    assert isinstance(value, str)
    # the words survive (whitespace and line layout may change)
    assert (
        "".join(value.split())
        == "".join(text.replace("\r\n", "\n").replace("\r", "\n").split())
        or any(c in text for c in "\x00\x0b\x0c\x1b\x7f\x85\u2028\u2029")
        or _has_surrogate(text)
    )


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@given(ANY_TEXT)
@settings(max_examples=settings.default.max_examples * 30)
def test_comment_stays_on_one_line(text: str) -> None:
    line = comment(text)
    source = f"x = 1  # {line}\ny = 2\n"
    source.encode("utf-8")
    tree = ast.parse(source)
    assert len(tree.body) == 2
    assert len(source.splitlines()) == 2


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    ANY_TEXT,
)


@given(
    st.one_of(
        SCALARS, st.lists(SCALARS, max_size=4), st.lists(SCALARS, max_size=4).map(tuple)
    )
)
@settings(max_examples=settings.default.max_examples * 30)
@example(float("inf"))
@example(float("-inf"))
@example([float("inf"), 1e308 * 10])
def test_pyrepr_is_a_python_literal_of_the_value(value: Any) -> None:
    source = pyrepr(value)
    source.encode("utf-8")
    result = eval(
        source, {"__builtins__": {"float": float}}
    )  # float("nan") / float("inf")
    expected = tuple(value) if isinstance(value, list) else value
    assert _same(result, expected), (value, source)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if (
        isinstance(a, float)
        and isinstance(b, float)
        and math.isnan(a)
        and math.isnan(b)
    ):
        return True
    return type(a) is type(b) and a == b


# --- bugs the properties found, each with its minimal example -------------------------------------
# (an open one is a strict xfail until it is fixed, its Hostility switch off in strategies.py)


def write_spec(
    root: Path, declarations: dict[str, dict[str, Any]], api_version: str = "1.0"
) -> Path:
    """A listing of ``declarations`` (file stem -> declaration) under ``root``."""
    (root / "api-docs").mkdir(parents=True)
    for stem, data in declarations.items():
        (root / "api-docs" / f"{stem}.json").write_text(json.dumps(data), "utf-8")
    listing = root / "resources.json"
    listing.write_text(
        json.dumps(
            {
                "apiVersion": api_version,
                "swaggerVersion": "1.1",
                "apis": [
                    {"path": f"/api-docs/{stem}.{{format}}"} for stem in declarations
                ],
            }
        ),
        "utf-8",
    )
    return listing


def declaration(
    models: dict[str, Any],
    apis: list[dict[str, Any]] | None = None,
    version: str = "1.2",
) -> dict[str, Any]:
    return {
        "swaggerVersion": version,
        "apiVersion": "1.0",
        "basePath": "http://localhost:8088/ari",
        "apis": apis or [],
        "models": models,
    }


@contextmanager
def generated(
    declarations: dict[str, dict[str, Any]], api_version: str = "1.0"
) -> Iterator[str]:
    """Generate ``declarations`` and import the package; yields its name."""
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", declarations, api_version)
        package = unique_package()
        result = generate(listing, Path(tmp) / "out", package=package)
        assert result.ok, diagnostics(result)
        for path in sorted((Path(tmp) / "out").rglob("*.py")):
            compile(path.read_text("utf-8"), str(path), "exec")
        with imported(Path(tmp) / "out", package):
            yield package


def test_bug_a_child_decodes_a_list_property_it_inherits() -> None:
    base = {
        "id": "Base",
        "subTypes": ["Child"],
        "properties": {
            "kind": {
                "type": "string",
                "allowableValues": {"valueType": "LIST", "values": ["x", "y"]},
            }
        },
    }
    with generated(
        {"a": declaration({"Base": base, "Child": {"id": "Child", "properties": {}}})}
    ) as pkg:
        child = importlib.import_module(f"{pkg}.models.a").Child
        assert child.from_dict({"kind": "x"}).to_dict() == {"kind": "x"}


def test_bug_since_text_is_escaped_in_client_docstrings() -> None:
    op = {
        "httpMethod": "GET",
        "nickname": "get",
        "responseClass": "void",
        "since": ["13\\N{x}"],
    }
    with generated(
        {"a": declaration({}, [{"path": "/things", "operations": [op]}])}
    ) as pkg:
        importlib.import_module(f"{pkg}.api.a")


def test_bug_a_subtype_may_live_in_another_declaration() -> None:
    base = {
        "id": "Base",
        "discriminator": "type",
        "subTypes": ["Child"],
        "properties": {"type": {"type": "string", "required": True}},
    }
    child = {"id": "Child", "properties": {"x": {"type": "int"}}}
    with generated(
        {"a": declaration({"Base": base}), "b": declaration({"Child": child})}
    ) as pkg:
        a = importlib.import_module(f"{pkg}.models.a")
        assert type(a.parse_base({"type": "Child", "x": 1})).__name__ == "Child"


def test_bug_an_unknown_tag_falls_back_to_a_base_in_another_declaration() -> None:
    """Found by test_random_specs_pass_mypy_strict: the parser's fallback named ``_b.Mid``,
    a module it imported only in the function that fills its table (NameError, mypy error).
    """
    base = {
        "id": "Base",
        "discriminator": "type",
        "subTypes": ["Mid"],
        "properties": {"type": {"type": "string", "required": True}},
    }
    mid = {
        "id": "Mid",
        "subTypes": ["Leaf"],
        "properties": {"m": {"type": "int", "required": True}},
    }
    leaf = {"id": "Leaf", "properties": {"x": {"type": "int"}}}
    with generated(
        {"a": declaration({"Base": base}), "b": declaration({"Mid": mid, "Leaf": leaf})}
    ) as pkg:
        a = importlib.import_module(f"{pkg}.models.a")
        unknown = {"type": "Newer", "m": 1, "y": 2}
        decoded = a.parse_base(unknown)
        assert type(decoded).__name__ == "Mid" and decoded.to_dict() == unknown


@pytest.mark.parametrize("model_id", ["a/b", "a%41", "x~1"])
def test_bug_schema_refs_escape_model_ids(model_id: str) -> None:
    target = {"id": model_id, "properties": {"p": {"type": "string", "required": True}}}
    holder = {"id": "H", "properties": {"m": {"type": model_id, "required": True}}}
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(
            Path(tmp) / "spec", {"a": declaration({model_id: target, "H": holder})}
        )
        package = unique_package()
        result = generate(listing, Path(tmp) / "out", package=package)
        assert result.ok, diagnostics(result)
        schema = jsonschema.Draft202012Validator(
            {"$ref": "a.json#/$defs/H"},
            registry=schema_registry(Path(tmp) / "out", package),
        )
        assert list(schema.iter_errors({"m": {"p": "x"}})) == []


def test_bug_an_overflowing_number_is_rejected_or_kept_out_of_the_schemas() -> None:
    model = {
        "id": "M",
        "properties": {
            "n": {
                "type": "double",
                "allowableValues": {"valueType": "RANGE", "max": 12345.5},
            }
        },
    }
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", {"a": declaration({"M": model})})
        path = Path(tmp) / "spec" / "api-docs" / "a.json"
        path.write_text(path.read_text().replace("12345.5", "1e999"))
        result = generate(listing, Path(tmp) / "out", package=unique_package())
        if result.ok:  # either an error, or every emitted JSON document is strict JSON
            for schema in (Path(tmp) / "out").rglob("*.json"):
                json.loads(
                    schema.read_text(),
                    parse_constant=lambda c: pytest.fail(f"{c} in {schema.name}"),
                )


def test_bug_nested_list_enum_annotation_passes_mypy(mypy_cache: Path) -> None:
    """Also a list of LIST strings: its items are explicit Any once the list is checked,
    and mypy took dict.get's first overload (Member | None) for their decoding."""
    listed = {"valueType": "LIST", "values": ["a", "b"]}
    model = {
        "id": "M",
        "properties": {
            "grid": {
                "type": "List[List[string]]",
                "required": True,
                "allowableValues": listed,
            },
            "flat": {"type": "List[string]", "required": True, "allowableValues": listed},
            "maybe": {"type": "List[string]", "allowableValues": listed},
        },
    }
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", {"a": declaration({"M": model})})
        package = unique_package()
        assert generate(listing, Path(tmp) / "out", package=package).ok
        run = mypy_strict(Path(tmp) / "out", package, mypy_cache)
        assert run.returncode == 0, run.stdout
        with imported(Path(tmp) / "out", package):
            module = importlib.import_module(f"{package}.models.a")
            payload = {"grid": [["a", "z"]], "flat": ["b", "y"], "maybe": ["a"]}
            decoded = module.M.from_dict(payload)
            assert decoded.flat == [module.MFlat.B, "y"] and decoded.to_dict() == payload


# --- regressions found by the properties above (fixed) ------------------------------------------


def test_a_property_named_classmethod_does_not_shadow_the_decorator() -> None:
    """A field ``classmethod: X | None = None`` in the class body made ``@classmethod`` None."""
    model = {
        "id": "M",
        "properties": {"classmethod": {"type": "string"}, "property": {"type": "int"}},
    }
    with generated({"a": declaration({"M": model})}) as pkg:
        cls = importlib.import_module(f"{pkg}.models.a").M
        payload = {"classmethod": "x", "property": 1}
        assert cls.from_dict(payload).to_dict() == payload


def test_blank_lines_in_a_module_docstring() -> None:
    """docstring(..., indent=0) looped forever on a blank line (the package's __init__)."""
    text = "1.0\n\nsecond paragraph"
    with generated({"a": declaration({})}, api_version=text) as pkg:
        package = importlib.import_module(pkg)
        assert package.API_VERSION == text
        assert "second paragraph" in (package.__doc__ or "")


def test_bug_a_subtype_in_another_declaration_that_the_parent_module_imports() -> None:
    base = {"id": "Base", "subTypes": ["Child"], "properties": {"o": {"type": "Other"}}}
    child = {"id": "Child", "properties": {}}
    other = {"id": "Other", "properties": {}}
    with generated(
        {
            "a": declaration({"Base": base}),
            "b": declaration({"Child": child, "Other": other}),
        }
    ) as pkg:
        a = importlib.import_module(f"{pkg}.models.a")
        assert a.Base.from_dict({"o": {}}).to_dict() == {"o": {}}


def test_bug_a_resource_class_named_like_a_model() -> None:
    import httpx

    thing = {"id": "Thing", "properties": {"a": {"type": "string"}}}
    op = {"httpMethod": "GET", "nickname": "get", "responseClass": "Thing"}
    spec = declaration({"Thing": thing}, [{"path": "/things", "operations": [op]}])
    with generated({"thing": spec}) as pkg:
        client = importlib.import_module(pkg).AriClient(
            "http://localhost:8088/ari",
            username="u",
            password="p",
            transport=httpx.MockTransport(
                lambda r: httpx.Response(200, json={"a": "x"})
            ),
        )
        assert client.thing.get().to_dict() == {"a": "x"}


def test_websocket_parameter_models_and_fallbacks_in_other_declarations_type_check(
    mypy_cache: Path,
) -> None:
    """client.py annotates the events websocket's parameters (a List[Model], a Date) and
    imports what they name; a discriminator's parser imports the module of a fallback class
    that lives in another declaration (both found by test_random_specs_pass_mypy_strict)."""
    events = {
        "httpMethod": "GET",
        "nickname": "events",
        "upgrade": "websocket",
        "responseClass": "Base",
        "parameters": [
            {"name": "things", "paramType": "query", "dataType": "List[Thing]"},
            {"name": "since", "paramType": "query", "dataType": "Date"},
        ],
    }
    base = {
        "id": "Base",
        "discriminator": "type",
        "subTypes": ["Child"],
        "properties": {"type": {"type": "string", "required": True}},
    }
    declarations = {
        "a": declaration({"Base": base}, [{"path": "/events", "operations": [events]}]),
        "b": declaration(
            {
                "Child": {"id": "Child", "subTypes": ["Leaf"], "properties": {"x": {"type": "string", "required": True}}},
                "Leaf": {"id": "Leaf", "properties": {"y": {"type": "string", "required": True}}},
                "Thing": {"id": "Thing", "properties": {"n": {"type": "int"}}},
            }
        ),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", declarations)
        package = unique_package()
        assert generate(listing, Path(tmp) / "out", package=package).ok
        run = mypy_strict(Path(tmp) / "out", package, mypy_cache)
        assert run.returncode == 0, run.stdout
        with imported(Path(tmp) / "out", package):
            models = importlib.import_module(f"{package}.models")
            child = models.parse_base({"type": "unknown", "x": "1"})
            assert type(child).__name__ == "Child"  # the nearest base that fits


def test_bug_client_templates_type_check(mypy_cache: Path) -> None:
    """The client's run() passed str / str | None where the websocket's api method wanted
    the LIST's enum / str (also: List[Model] body parameters, 'foo' beside 'asyncFoo')."""
    thing = {"id": "Thing", "properties": {"a": {"type": "string"}}}
    body = {"name": "things", "paramType": "body", "dataType": "List[Thing]"}
    put = {
        "httpMethod": "PUT",
        "nickname": "put",
        "responseClass": "void",
        "parameters": [body],
    }
    app = {"name": "app", "paramType": "query", "dataType": "string", "required": True}
    kind = {
        "name": "kind",
        "paramType": "query",
        "dataType": "string",
        "allowableValues": {"valueType": "LIST", "values": ["a", "b"]},
        "defaultValue": "a",
    }
    events = {
        "httpMethod": "GET",
        "nickname": "eventWebsocket",
        "responseClass": "void",
        "upgrade": "websocket",
        "websocketProtocol": "ari",
        "parameters": [app, kind],
    }
    ping = {"httpMethod": "GET", "nickname": "ping", "responseClass": "void"}
    declarations = {
        "foo": declaration(
            {"Thing": thing},
            [
                {"path": "/foo", "operations": [put]},
                {"path": "/events", "operations": [events]},
            ],
        ),
        "asyncFoo": declaration({}, [{"path": "/bar", "operations": [ping]}]),
    }
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", declarations)
        package = unique_package()
        assert generate(listing, Path(tmp) / "out", package=package).ok
        run = mypy_strict(Path(tmp) / "out", package, mypy_cache)
        assert run.returncode == 0, run.stdout


def test_bug_a_child_in_another_declaration_decodes_an_inherited_list_property() -> (
    None
):
    """A child in declaration b decoded a LIST property it inherits from a parent in
    declaration a with _<Enum>_VALUES, which only a's module defined (NameError)."""
    base = {
        "id": "Base",
        "subTypes": ["Child"],
        "properties": {
            "kind": {
                "type": "string",
                "allowableValues": {"valueType": "LIST", "values": ["x", "y"]},
            }
        },
    }
    child = {"id": "Child", "properties": {}}
    with generated(
        {"a": declaration({"Base": base}), "b": declaration({"Child": child})}
    ) as pkg:
        b = importlib.import_module(f"{pkg}.models.b")
        a = importlib.import_module(f"{pkg}.models.a")
        child = b.Child.from_dict({"kind": "x"})
        assert child.kind is a.BaseKind.X and child.to_dict() == {"kind": "x"}
        assert b.Child.from_dict({"kind": "z"}).kind == "z"  # unknown values stay str


@pytest.mark.parametrize("first", ["a", "b"])
def test_bug_inheritance_back_and_forth_between_two_declarations(first: str) -> None:
    """a.Leaf extends b.Mid extends a.Base: each module needed the other's class while its
    class statements ran. The IR moves Mid's class to a (b re-exports it): no module-level
    import cycle remains, whichever module is imported first."""
    base = {"id": "Base", "subTypes": ["Mid"], "properties": {"a": {"type": "string"}}}
    leaf = {"id": "Leaf", "extends": "Mid", "properties": {"c": {"type": "string"}}}
    mid = {
        "id": "Mid",
        "properties": {
            "b": {
                "type": "string",
                "allowableValues": {"valueType": "LIST", "values": ["x"]},
            }
        },
    }
    with generated(
        {"a": declaration({"Base": base, "Leaf": leaf}), "b": declaration({"Mid": mid})}
    ) as pkg:
        importlib.import_module(f"{pkg}.models.{first}")
        a = importlib.import_module(f"{pkg}.models.a")
        b = importlib.import_module(f"{pkg}.models.b")
        models = importlib.import_module(f"{pkg}.models")
        payload = {"a": "1", "b": "x", "c": "3"}
        assert a.Leaf.from_dict(payload).to_dict() == payload
        assert b.Mid is a.Mid is models.Mid and b.MidB is a.MidB
        assert b.validate_mid({"b": "y"}) != []


def test_classes_move_only_to_break_a_cycle() -> None:
    """Where each class lives: the module of its declaration, unless models modules would
    import each other; then only the classes that close the cycle move."""
    spec = build_spec(
        {
            "a": declaration(
                {
                    "Base": {"id": "Base", "subTypes": ["Mid"], "properties": {}},
                    "Leaf": {"id": "Leaf", "extends": "Mid", "properties": {}},
                }
            ),
            "b": declaration(
                {
                    "Mid": {"id": "Mid", "properties": {}},
                    "Other": {"id": "Other", "properties": {"m": {"type": "Base"}}},
                }
            ),
        }
    )
    where = {m.id: (m.py_module, m.source_module) for m in spec.models}
    assert where == {
        "Base": ("a", "a"),
        "Leaf": ("a", "a"),
        "Mid": ("a", "b"),  # moved: b re-exports it
        "Other": ("b", "b"),  # b still imports a, a no longer imports b
    }
    a, b = spec.declarations
    assert [m.id for m in a.module_models] == ["Base", "Mid", "Leaf"]
    assert [m.id for m in b.module_models] == ["Other"]
    assert [m.id for m in b.models] == ["Mid", "Other"]  # the spec's (and the schema's)
    assert not any(i.module == ".b" for i in a.model_imports)
    assert [(i.module, i.names, i.reexport) for i in b.model_imports if i.module == ".a"] == [
        (".a", ("Base", "validate_base"), False),
        (".a", ("Mid", "validate_mid"), True),
    ]


def build_spec(declarations: dict[str, dict[str, Any]]) -> ir.Spec:
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", declarations)
        spec, diagnostics = build_ir(listing)
    assert spec is not None, diagnostics
    return spec


def test_members_named_list_do_not_shadow_the_list_type(mypy_cache: Path) -> None:
    """A field or a method named ``list`` shadows the builtin in the annotations that follow
    it in its class body (mypy): those write ``builtins.list``."""
    model = {
        "id": "M",
        "properties": {
            "list": {"type": "List[string]", "required": True},
            "later": {"type": "List[int]"},
        },
    }
    ops = [
        {"httpMethod": "GET", "nickname": "list", "responseClass": "List[M]"},
        {"httpMethod": "POST", "nickname": "other", "responseClass": "List[M]",
         "parameters": [{"name": "ids", "paramType": "body", "dataType": "List[M]"}]},
    ]  # fmt: skip
    spec = declaration({"M": model}, [{"path": "/m", "operations": ops}])
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", {"things": spec})
        package = unique_package()
        assert generate(listing, Path(tmp) / "out", package=package).ok
        run = mypy_strict(Path(tmp) / "out", package, mypy_cache)
        assert run.returncode == 0, run.stdout
        api = (Path(tmp) / "out" / package / "api" / "things.py").read_text()
        assert "def list(self) -> list[M]:" in api
        assert "-> builtins.list[M]:" in api
        with imported(Path(tmp) / "out", package):
            cls = importlib.import_module(f"{package}.models.things").M
            assert cls.from_dict({"list": ["a"], "later": [1]}).to_dict() == {
                "list": ["a"],
                "later": [1],
            }


def test_bug_a_list_of_lists_of_models_response_decodes_to_models(mypy_cache: Path) -> None:
    """A List[List[Model]] responseClass named the model without importing it and returned
    the raw dicts."""
    import httpx

    thing = {"id": "Thing", "properties": {"a": {"type": "string", "required": True}}}
    op = {"httpMethod": "GET", "nickname": "grid", "responseClass": "List[List[Thing]]"}
    spec = declaration({"Thing": thing}, [{"path": "/grid", "operations": [op]}])
    with tempfile.TemporaryDirectory(prefix="ari-prop-") as tmp:
        listing = write_spec(Path(tmp) / "spec", {"things": spec})
        package = unique_package()
        assert generate(listing, Path(tmp) / "out", package=package).ok
        run = mypy_strict(Path(tmp) / "out", package, mypy_cache)
        assert run.returncode == 0, run.stdout
        with imported(Path(tmp) / "out", package):
            client = importlib.import_module(package).AriClient(
                "http://localhost:8088/ari",
                username="u",
                password="p",
                transport=httpx.MockTransport(
                    lambda r: httpx.Response(200, json=[[{"a": "x"}], [], [{"a": "y"}]])
                ),
            )
            grid = client.things.grid()
            thing_class = importlib.import_module(f"{package}.models.things").Thing
            assert [[type(t) for t in row] for row in grid] == [[thing_class], [], [thing_class]]
            assert [[t.a for t in row] for row in grid] == [["x"], [], ["y"]]


@pytest.mark.parametrize("stem", ["x0", "i0", "rt", "_x1"])
def test_a_declaration_named_like_a_generated_local(stem: str) -> None:
    """A declaration module ``x0`` was imported as ``_x0``, the validators' loop variable
    (UnboundLocalError, or ``'int' object has no attribute ...`` for ``i0``)."""
    thing = {
        "id": "Thing",
        "properties": {"grid": {"type": "List[List[Other]]", "required": True}},
    }
    other = {"id": "Other", "properties": {"n": {"type": "int", "required": True}}}
    declarations = {
        "a": declaration({"Thing": thing}),
        stem: declaration({"Other": other}),
    }
    with generated(declarations) as pkg:
        module = importlib.import_module(f"{pkg}.models.a")
        payload = {"grid": [[{"n": 1}], []]}
        assert module.validate_thing(payload) == []
        assert module.Thing.from_dict(payload).to_dict() == payload
        assert module.validate_thing({"grid": [[{"n": "x"}]]})
