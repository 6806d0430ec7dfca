"""Small specs at the edges of what a declaration may hold still generate working code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ari_codegen import build_ir, generate

NO_MODELS = {
    "swaggerVersion": "1.2",
    "apis": [{"path": "/ping", "operations": [{"httpMethod": "GET", "nickname": "ping", "responseClass": "void"}]}],
}
NO_OPERATIONS = {
    "swaggerVersion": "1.2",
    "apis": [{"path": "/ping", "operations": []}],
    "models": {"A": {"id": "A", "properties": {"x": {"type": "string"}}}},
}
NON_ASCII = {
    "swaggerVersion": "1.1",
    "apis": [
        {
            "path": "/测试/{标识}",
            "operations": [
                {
                    "httpMethod": "GET",
                    "nickname": "获取",
                    "responseClass": "Ding",
                    "parameters": [
                        {"name": "标识", "paramType": "path", "dataType": "string", "required": True},
                        {"name": "ÆØÅ", "paramType": "query", "dataType": "string"},
                    ],
                }
            ],
        }
    ],
    "models": {"Ding": {"id": "Ding", "properties": {"名前": {"type": "string"}, "名字": {"type": "string"}}}},
}


@pytest.mark.parametrize(
    ("name", "spec"), [("no_models", NO_MODELS), ("no_operations", NO_OPERATIONS), ("non_ascii", NON_ASCII)]
)
def test_edge_spec_generates_importable_code(name: str, spec: dict[str, object], tmp_path: Path) -> None:
    source = tmp_path / f"{name}.json"
    source.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    result = generate(source, tmp_path / "out", package=f"edge_{name}")
    assert result.ok, [d.format() for d in result.diagnostics]
    # the package imports, with its models and client, in a clean interpreter
    code = f"import edge_{name}.models, edge_{name}.client, edge_{name}.api, edge_{name}.testing"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "out", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_non_ascii_names_stay_distinct_and_readable(tmp_path: Path) -> None:
    source = tmp_path / "n.json"
    source.write_text(json.dumps(NON_ASCII, ensure_ascii=False), encoding="utf-8")
    result = generate(source, tmp_path / "out", package="edge_n", format=False)
    assert result.ok
    models = result.files["edge_n/models/n.py"].decode()
    assert "u540d_u524d: str | None = None" in models  # 名前
    assert "u540d_u5b57: str | None = None" in models  # 名字
    api = result.files["edge_n/api/n.py"].decode()
    assert "def u83b7_u53d6(self, u6807_u8bc6: str" in api  # 获取(标识)


def test_resource_class_names_leave_room_for_their_async_twins(tmp_path: Path) -> None:
    """Declarations ``foo`` and ``asyncFoo``: Foo/AsyncFoo, then AsyncFoo_2/AsyncAsyncFoo_2."""
    ping = {"httpMethod": "GET", "nickname": "ping", "responseClass": "void"}
    spec_dir = tmp_path / "spec"
    (spec_dir / "api-docs").mkdir(parents=True)
    for name, path in (("foo", "/foo"), ("asyncFoo", "/af")):
        doc = {"swaggerVersion": "1.1", "apis": [{"path": path, "operations": [ping]}]}
        (spec_dir / "api-docs" / f"{name}.json").write_text(json.dumps(doc))
    listing = {"swaggerVersion": "1.1", "apis": [{"path": "/api-docs/foo.{format}"}, {"path": "/api-docs/asyncFoo.{format}"}]}
    (spec_dir / "resources.json").write_text(json.dumps(listing))
    result = generate(spec_dir, tmp_path / "out", package="edge_twins", format=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert [(d.name, d.py_class) for d in build_ir(spec_dir)[0].declarations] == [  # type: ignore[union-attr]
        ("foo", "Foo"),
        ("asyncFoo", "AsyncFoo_2"),
    ]
    code = "import edge_twins.client as c; assert c.AriClient and c.AsyncAriClient"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "out", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the listings Asterisk served first (Asterisk 12, 2013) -------------------------------------

SPECS_DATA = Path(__file__).resolve().parent / "data" / "specs"


def test_a_2013_listing_generates_what_its_modern_spelling_does(tmp_path: Path) -> None:
    """No ``valueType`` in allowableValues and ``"swaggerVersion": "1.3"`` in events.json:
    read as Asterisk's loader read them, each with a warning that says what was assumed."""
    from ari_codegen import check_spec
    from ari_codegen.diff import diff_specs

    old = SPECS_DATA / "20.0.0-as-2013"
    validated = check_spec(old)
    assert validated.ok
    assumed = [d for d in validated.diagnostics if "valueType" in d.message or "swaggerVersion" in d.message]
    assert len(assumed) == 35  # 34 allowableValues, one swaggerVersion
    version = [d for d in assumed if "swaggerVersion" in d.message]
    assert [(d.file, d.pointer, d.message, d.hint) for d in version] == [
        ("api-docs/events.json", "/swaggerVersion", "swaggerVersion '1.3' is not 1.1 or 1.2 (read as '1.2')",
         'declare "swaggerVersion": "1.2"')
    ]  # fmt: skip
    lists = [d for d in assumed if d.message.endswith("(read as 'LIST', from its 'values')")]
    ranges = [d for d in assumed if d.message.endswith("(read as 'RANGE', from its 'min'/'max')")]
    assert len(lists) + len(ranges) == 34 and ranges
    assert all(d.pointer.endswith("/allowableValues") and d.line for d in lists + ranges)
    # the same IR as the 20.0.0 listing it was made from: nothing was lost or misread
    modern, _ = build_ir(SPECS_DATA / "20.0.0")
    read, _ = build_ir(old)
    assert modern is not None and read is not None
    assert diff_specs(modern, read).changes == []
    a = generate(SPECS_DATA / "20.0.0", tmp_path / "a", format=False)
    b = generate(old, tmp_path / "b", format=False)
    assert a.ok and b.ok and set(a.files) == set(b.files)
    differ = {p for p in a.files if a.files[p] != b.files[p]}
    assert differ == {"ari_client/__init__.py", "ari_client/.ari-codegen-manifest.json"}  # input hashes
    # under --strict, nothing is assumed: the same problems, as errors, without "read as"
    strict = check_spec(old, strict=True)
    assert not strict.ok and all("read as" not in d.message for d in strict.diagnostics)


def test_what_cannot_be_read_stays_an_error(tmp_path: Path) -> None:
    from ari_codegen import check_spec

    doc = json.loads(json.dumps(NO_MODELS))
    doc["apis"][0]["operations"][0]["parameters"] = [
        {"name": "a", "paramType": "query", "dataType": "int", "allowableValues": {"values": [1], "min": 0}},
        {"name": "b", "paramType": "query", "dataType": "int", "allowableValues": {}},
    ]
    for version, ok in (("2.0", False), ("1.3", True), ("banana", False), ("1.0", True)):
        doc["swaggerVersion"] = version
        source = tmp_path / "spec.json"
        source.write_text(json.dumps(doc))
        messages = [(d.severity.value, d.pointer, d.message) for d in check_spec(source).diagnostics]
        version_errors = [m for m in messages if m[1] == "/swaggerVersion" and m[0] == "error"]
        assert bool(version_errors) is not ok, messages
        # both or neither of values and min/max: no valueType can be inferred
        at = "/apis/0/operations/0/parameters"
        assert ("error", f"{at}/0/allowableValues", "missing required key 'valueType'") in messages
        assert ("error", f"{at}/1/allowableValues", "missing required key 'valueType'") in messages
