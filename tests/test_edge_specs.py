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
