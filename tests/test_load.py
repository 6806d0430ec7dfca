"""Stage 1, load: line numbers, JSON pointers, and the input forms a spec can take."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from typing import Any

from ari_codegen import build_ir, check_spec, generate, ir
from ari_codegen.load import load, parse_document, pointer_join

from .conftest import SPECS

CHANNELS = SPECS / "api-docs" / "channels.json"


def document(text: str | bytes, name: str = "doc.json") -> Any:
    raw = text.encode() if isinstance(text, str) else text
    doc, problems = parse_document(name, raw)
    assert problems == [] and doc is not None
    return doc


# --- line numbers ------------------------------------------------------------------------


def test_lines_of_values_in_channels_json() -> None:
    (doc,) = [d for d in load(SPECS).declarations if d.name == "api-docs/channels.json"]
    assert doc.line("") == 1
    assert doc.line("/swaggerVersion") == 6
    assert doc.line("/apis/0/path") == 20
    assert doc.line("/apis/0/operations/0/nickname") == 29  # "list"
    assert doc.line("/apis/0/operations/1/nickname") == 39  # "originate"
    assert doc.line("/apis/0/operations/1/parameters/0") == 42  # the object's "{"
    assert doc.line("/apis/0/operations/1/parameters/0/name") == 43
    assert doc.line("/models/Channel") == 2324
    assert doc.line("/models/Channel/properties/id/type") == 2330
    # a pointer that does not exist falls back to its nearest ancestor
    assert doc.line("/models/Channel/properties/nope/type") == doc.line(
        "/models/Channel/properties"
    )


def test_every_key_is_on_the_line_that_the_text_shows() -> None:
    text = CHANNELS.read_text("utf-8")
    lines = text.split("\n")
    doc = document(text, "channels.json")
    checked = 0

    def walk(value: Any, pointer: str) -> None:
        nonlocal checked
        if isinstance(value, dict):
            for key, child in value.items():
                here = pointer_join(pointer, key)
                assert f'"{key}":' in lines[doc.line(here) - 1], here
                checked += 1
                walk(child, here)
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, pointer_join(pointer, i))

    walk(doc.data, "")
    assert checked == 1542  # every key of channels.json


def test_crlf_and_a_byte_order_mark_keep_lines_right() -> None:
    doc = document(
        b'\xef\xbb\xbf{\r\n  "a": 1,\r\n\r\n  "b": [\r\n    true\r\n  ]\r\n}\r\n'
    )
    assert doc.data == {"a": 1, "b": [True]}
    assert [doc.line(p) for p in ("", "/a", "/b", "/b/0")] == [1, 2, 4, 5]


def test_compact_json_is_all_on_line_1() -> None:
    doc = document('{"a":{"b":[1,{"c":null}]},"d":"x"}')
    assert {doc.line(p) for p in ("", "/a", "/a/b/1/c", "/d")} == {1}


def test_values_keep_their_json_types() -> None:
    doc = document(
        '{"i": 1, "f": 1.5, "e": 1e3, "n": -0, "s": "\\u00e9\\n", "t": [true, false, null]}'
    )
    assert doc.data == {
        "i": 1,
        "f": 1.5,
        "e": 1000.0,
        "n": 0,
        "s": "é\n",
        "t": [True, False, None],
    }
    assert [type(doc.data[k]) for k in ("i", "f", "e")] == [int, float, float]


# --- pointers --------------------------------------------------------------------------


def test_pointer_tokens_escape_tilde_and_slash() -> None:
    assert pointer_join("", "a/b") == "/a~1b"
    assert pointer_join("", "m~n") == "/m~0n"
    assert pointer_join("/x", "~/") == "/x/~0~1"
    assert pointer_join("/x", "~1") == "/x/~01"  # not confused with an escaped "/"
    assert pointer_join("/x", 3) == "/x/3"
    doc = document('{\n"a/b": {\n  "m~n": 1\n},\n"": 2\n}')
    assert doc.line("/a~1b") == 2
    assert doc.line("/a~1b/m~0n") == 3
    assert doc.line("/") == 5  # the empty key


def test_duplicate_keys_are_recorded_with_the_line_of_the_repeat() -> None:
    doc = document('{\n"a": 1,\n"b": {"c": 1,\n "c": 2},\n"a": 3\n}')
    assert doc.data == {"a": 3, "b": {"c": 2}}
    assert doc.duplicate_keys == ["/b/c", "/a"]
    assert doc.line("/b/c") == 4 and doc.line("/a") == 5


def test_a_model_key_with_a_slash_is_reported_at_its_escaped_pointer(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "things.json"
    spec.write_text(
        json.dumps(
            {
                "swaggerVersion": "1.2",
                "apis": [],
                "models": {"a/b": {"id": "a/b", "properties": {"x": {"type": "Nope"}}}},
            },
            indent=2,
        )
    )
    (d,) = check_spec(spec).diagnostics
    assert (d.pointer, d.line) == ("/models/a~1b/properties/x/type", 9)


# --- the input forms ---------------------------------------------------------------------


def declarations(model: ir.Spec | None) -> list[ir.Declaration]:
    """The declarations without what depends on the bytes of the input files."""
    assert model is not None
    return [dataclasses.replace(d, sha256="") for d in model.declarations]


def test_a_listing_file_and_its_directory_load_the_same() -> None:
    by_file, by_dir = load(SPECS / "resources.json"), load(SPECS)
    names = [d.name for d in by_dir.documents]
    assert names == [d.name for d in by_file.documents]
    assert names[0] == "resources.json" and len(names) == 12
    assert "api-docs/channels.json" in names
    assert by_dir.diagnostics == by_file.diagnostics == []


def test_a_single_declaration_borrows_the_models_it_uses_from_beside_it() -> None:
    loaded = load(CHANNELS)
    assert loaded.listing is None
    assert [d.name for d in loaded.declarations] == ["channels.json"]
    validated = check_spec(CHANNELS)
    assert validated.ok
    # only the declarations that define a model channels.json uses become inputs
    assert [d.name for d in validated.loaded.documents] == [
        "channels.json",
        "asterisk.json",
        "playbacks.json",
        "recordings.json",
    ]
    model, _ = build_ir(CHANNELS)
    assert model is not None
    (channels,) = model.declarations
    assert (channels.name, channels.source, channels.py_module) == (
        "channels",
        "channels.json",
        "channels",
    )
    ids = [m.id for m in channels.models]
    assert ids[-3:] == ["Playback", "LiveRecording", "Variable"]
    assert "Bridge" not in ids and "Sound" not in ids
    assert [i.name for i in model.inputs] == [
        d.name for d in validated.loaded.documents
    ]


def test_a_single_declaration_generates_on_its_own(tmp_path: Path) -> None:
    result = generate(CHANNELS, tmp_path, format=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    files = sorted(result.files)
    assert "ari_client/models/channels.py" in files
    assert "ari_client/schemas/channels.json" in files
    assert not any("sounds" in f or "bridges" in f or "playbacks" in f for f in files)
    text = (tmp_path / "ari_client/models/channels.py").read_text("utf-8")
    assert "class Playback(" in text and "class Channel(" in text
    manifest = json.loads(
        (tmp_path / "ari_client/.ari-codegen-manifest.json").read_text()
    )
    assert sorted(manifest["inputs"]) == [
        "asterisk.json",
        "channels.json",
        "playbacks.json",
        "recordings.json",
    ]


def test_a_lone_declaration_names_the_models_it_lacks(tmp_path: Path) -> None:
    shutil.copy(CHANNELS, tmp_path / "channels.json")
    (tmp_path / "notes.json").write_text('{"models": "not a declaration"}')
    validated = check_spec(tmp_path / "channels.json")
    errors = [
        (d.file, d.pointer, d.message)
        for d in validated.diagnostics
        if d.severity == "error"
    ]
    assert errors == [
        (
            "channels.json",
            f"/apis/{a}/operations/0/responseClass",
            f"type {t!r} names no known model or primitive",
        )
        for a, t in (
            (14, "Playback"),
            (15, "Playback"),
            (16, "LiveRecording"),
            (17, "Variable"),
        )
    ]
    assert [d.name for d in validated.loaded.documents] == ["channels.json"]


def flat_copy(tmp_path: Path) -> Path:
    """The bundled spec with every declaration next to resources.json, as a server serves it."""
    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy(SPECS / "resources.json", flat)
    for path in (SPECS / "api-docs").glob("*.json"):
        shutil.copy(path, flat)
    return flat


def test_a_flat_layout_finds_declarations_next_to_the_listing(tmp_path: Path) -> None:
    flat = flat_copy(tmp_path)
    loaded = load(flat)
    assert loaded.diagnostics == []
    assert [d.name for d in loaded.declarations] == [
        d.name.removeprefix("api-docs/") for d in load(SPECS).declarations
    ]
    assert declarations(build_ir(flat)[0]) == [
        dataclasses.replace(d, source=d.source.removeprefix("api-docs/"))
        for d in declarations(build_ir(SPECS)[0])
    ]


def test_a_compact_listing_as_a_live_server_sends_it(tmp_path: Path) -> None:
    live = tmp_path / "live"
    (live / "api-docs").mkdir(parents=True)
    for path in [SPECS / "resources.json", *(SPECS / "api-docs").glob("*.json")]:
        data = json.loads(path.read_text("utf-8"))
        target = live / path.relative_to(SPECS)
        target.write_text(json.dumps(data, separators=(",", ":")), "utf-8")
    assert len((live / "resources.json").read_text().splitlines()) == 1
    validated = check_spec(live)
    # the same warnings as the pretty-printed spec, all on line 1
    pretty = check_spec(SPECS).diagnostics
    assert [(d.file, d.pointer, d.message) for d in validated.diagnostics] == [
        (d.file, d.pointer, d.message) for d in pretty
    ]
    assert {d.line for d in validated.diagnostics} == {1}
    assert declarations(build_ir(live)[0]) == declarations(build_ir(SPECS)[0])


def test_problems_in_the_live_form_point_at_line_1(tmp_path: Path) -> None:
    (tmp_path / "resources.json").write_text(
        '{"swaggerVersion":"1.2","apis":[{"path":"/api-docs/a.{format}"},{"path":"/api-docs/b.{format}"}]}'
    )
    (tmp_path / "a.json").write_text('{"swaggerVersion":"1.2","apis":[],"models":{}}')
    (d,) = check_spec(tmp_path).diagnostics
    assert (d.file, d.pointer, d.line) == ("resources.json", "/apis/1/path", 1)
    assert d.message == "declaration api-docs/b.json not found next to the listing"


def test_a_missing_spec_is_a_diagnostic(tmp_path: Path) -> None:
    (d,) = load(tmp_path / "nope.json").diagnostics
    assert (d.severity, d.file, d.pointer, d.line, d.message) == (
        "error",
        "nope.json",
        "",
        None,
        "file not found",
    )


def test_the_listing_declaration_paths_are_resolved_without_format() -> None:
    loaded = load(SPECS)
    assert all(re.fullmatch(r"api-docs/\w+\.json", d.name) for d in loaded.declarations)
