"""Mutation tests: the real ARI listing, broken in every way a hand-edited or half-downloaded
spec can be broken, never makes the CLI print a traceback.

Each mutation (a dropped required key, a key retyped to the wrong JSON type, a file truncated
at a random offset, a broken model reference, a duplicated nickname, a garbage type, invalid
UTF-8 bytes, a deleted declaration file, a declaration that is a JSON array) runs through
``ari-codegen generate`` and ``ari-codegen validate``: the exit code is 0 or 1, a failure
prints diagnostics on stderr, no output contains "Traceback", and a failed ``generate``
leaves a pre-populated output directory byte for byte as it was. Hypothesis picks the
mutations, files, JSON pointers and offsets (bounded by the ``ci`` profile); every kind
also runs once as a real subprocess.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ari_codegen import generate
from ari_codegen.cli import main

from .conftest import ROOT, SPECS

PACKAGE = "ari_client"

# the keys our Swagger 1.x schema requires, by the kind of object that holds them
REQUIRED = {
    "declaration": ["swaggerVersion", "apis"],
    "api": ["path", "operations"],
    "operation": ["httpMethod", "nickname"],
    "parameter": ["name", "paramType", "dataType"],
    "model": ["id", "properties"],
    "property": ["type"],
    # no "allowableValues": its valueType follows from its values or min/max, as Asterisk 12
    # (2013) left it out; dropping it is a warning (tests/test_edge_specs.py)
    "listing": ["swaggerVersion", "apis"],
    "listing_api": ["path"],
}
INVALID_UTF8 = [
    b"\xff",
    b"\xfe\xfe",
    b"\xc3\x28",
    b"\xe2\x28\xa1",
    b"\xed\xa0\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\x80",
]
GARBAGE_TYPES = ["", "List[", "List[]", "]]", "List[List[string]", "Lis t", "string]", "List<>", "ø", "\x00", "Channel Channel", "[Channel]", "List[NoSuchModel]", "{}"]  # fmt: skip
KINDS = [
    "drop_required_key",
    "retype_key",
    "truncate",
    "break_model_reference",
    "duplicate_nickname",
    "garbage_type",
    "invalid_utf8",
    "delete_declaration",
    "declaration_is_array",
]


# --- the listing as data --------------------------------------------------------------------------


def declaration_files(spec: Path) -> list[str]:
    return sorted(
        p.relative_to(spec).as_posix() for p in (spec / "api-docs").glob("*.json")
    )


def walk(
    node: Any, kind: str, pointer: list[Any]
) -> Iterator[tuple[list[Any], str, Any]]:
    """Every (path, kind, node) below ``node``, kinds as in REQUIRED (others: "value")."""
    yield pointer, kind, node
    if isinstance(node, dict):
        for key, value in node.items():
            child = {
                ("declaration", "apis"): "api",
                ("api", "operations"): "operation",
                ("operation", "parameters"): "parameter",
                ("declaration", "models"): "models",
                ("models", None): "model",
                ("model", "properties"): "properties",
                ("properties", None): "property",
                ("property", "allowableValues"): "allowableValues",
                ("parameter", "allowableValues"): "allowableValues",
                ("listing", "apis"): "listing_api",
            }.get(
                (kind, key),
                {"models": "model", "properties": "property"}.get(kind, "value"),
            )
            yield from walk(value, child, [*pointer, key])
    elif isinstance(node, list):
        item = (
            kind
            if kind in ("api", "operation", "parameter", "listing_api")
            else "value"
        )
        for i, value in enumerate(node):
            yield from walk(value, item, [*pointer, i])


def items_of(data: Any, root_kind: str) -> list[tuple[list[Any], str, Any]]:
    """Like walk(), with list containers resolved to the kind of their items."""
    out = []
    for path, kind, node in walk(data, root_kind, []):
        if isinstance(node, list) and kind in (
            "api",
            "operation",
            "parameter",
            "listing_api",
        ):
            continue  # the list itself, not an item
        out.append((path, kind, node))
    return out


def get(data: Any, path: list[Any]) -> Any:
    for part in path:
        data = data[part]
    return data


def other_type(value: Any) -> list[Any]:
    """Values of every JSON type but ``value``'s."""
    candidates: list[Any] = [None, True, 7, 2.5, "text", [], [1, "x"], {}, {"x": 1}]
    kind = type(value) if not isinstance(value, bool) else bool
    return [
        c
        for c in candidates
        if (type(c) if not isinstance(c, bool) else bool) is not kind
        and not (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and isinstance(c, (int, float))
            and not isinstance(c, bool)
        )
    ]


# --- mutations --------------------------------------------------------------------------------------


@dataclass
class Mutation:
    kind: str
    file: str
    detail: str
    must_fail: bool  # the spec can no longer be generated


def load_json(spec: Path, name: str) -> Any:
    return json.loads((spec / name).read_text("utf-8"))


def save_json(spec: Path, name: str, data: Any) -> None:
    (spec / name).write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")


Choose = Callable[[st.SearchStrategy[Any]], Any]


def mutate(spec: Path, kind: str, choose: Choose) -> Mutation:
    """Apply one mutation of ``kind`` to the listing copied at ``spec``; ``choose`` draws."""
    files = declaration_files(spec)
    if kind in ("drop_required_key", "retype_key"):
        name = choose(st.sampled_from(["resources.json", *files]))
        data = load_json(spec, name)
        root_kind = "listing" if name == "resources.json" else "declaration"
        nodes = items_of(data, root_kind)
        if kind == "drop_required_key":
            targets = [
                (path, key)
                for path, k, node in nodes
                if isinstance(node, dict)
                for key in REQUIRED.get(k, [])
                if key in node
            ]
            path, key = choose(st.sampled_from(targets))
            del get(data, path)[key]
            save_json(spec, name, data)
            return Mutation(kind, name, f"dropped {key!r} at {path}", True)
        path, _, node = choose(st.sampled_from([n for n in nodes if n[0]]))
        value = choose(st.sampled_from(other_type(node)))
        get(data, path[:-1])[path[-1]] = value
        save_json(spec, name, data)
        return Mutation(kind, name, f"{path}: {node!r:.40} -> {value!r}", False)
    if kind == "truncate":
        name = choose(st.sampled_from(["resources.json", *files]))
        raw = (spec / name).read_bytes()
        offset = choose(st.integers(0, len(raw) - 1))
        (spec / name).write_bytes(raw[:offset])
        return Mutation(
            kind, name, f"cut at {offset}/{len(raw)}", bool(raw[offset:].strip())
        )
    if kind == "invalid_utf8":
        name = choose(st.sampled_from(["resources.json", *files]))
        raw = (spec / name).read_bytes()
        offset = choose(st.integers(0, len(raw)))
        bad = choose(st.sampled_from(INVALID_UTF8))
        (spec / name).write_bytes(raw[:offset] + bad + raw[offset:])
        return Mutation(kind, name, f"{bad!r} at {offset}", True)
    if kind == "delete_declaration":
        name = choose(st.sampled_from(files))
        (spec / name).unlink()
        return Mutation(kind, name, "deleted", True)
    if kind == "declaration_is_array":
        name = choose(st.sampled_from(files))
        data = load_json(spec, name)
        value = choose(st.sampled_from([[], [data], [1, 2]]))
        save_json(spec, name, value)
        return Mutation(kind, name, f"now {json.dumps(value)[:20]}", True)
    if kind == "duplicate_nickname":
        candidates = []
        for name in files:
            ops = [
                (a, o)
                for a, api in enumerate(load_json(spec, name)["apis"])
                for o, _ in enumerate(api["operations"])
            ]
            if len(ops) >= 2:
                candidates.append((name, ops))
        name, ops = choose(st.sampled_from(candidates))
        (a1, o1), (a2, o2) = choose(
            st.lists(st.sampled_from(ops), min_size=2, max_size=2, unique=True)
        )
        data = load_json(spec, name)
        nickname = data["apis"][a1]["operations"][o1]["nickname"]
        data["apis"][a2]["operations"][o2]["nickname"] = nickname
        save_json(spec, name, data)
        return Mutation(kind, name, f"nickname {nickname!r} twice", True)
    # break_model_reference, garbage_type: a type-bearing key somewhere in a declaration
    name = choose(st.sampled_from(files))
    data = load_json(spec, name)
    type_keys = ("type", "dataType", "responseClass")
    targets = []
    for path, k, node in items_of(data, "declaration"):
        if isinstance(node, dict) and k in ("property", "parameter", "operation"):
            for key in type_keys:
                if isinstance(node.get(key), str):
                    targets.append((path, key, node[key]))
    if kind == "break_model_reference":
        models = set(data.get("models", {})) | {
            m for f in files for m in load_json(spec, f).get("models", {})
        }
        refs = [
            t for t in targets if t[2].removeprefix("List[").removesuffix("]") in models
        ]
        if (
            not refs
        ):  # no model reference here: a subTypes entry, or a type made into one
            refs = targets
        path, key, old = choose(st.sampled_from(refs))
        new = old.replace(old.removeprefix("List[").removesuffix("]"), "NoSuchModel")
        get(data, path)[key] = new
        save_json(spec, name, data)
        return Mutation(kind, name, f"{path}/{key}: {old} -> {new}", True)
    path, key, old = choose(st.sampled_from(targets))
    # a whitespace-only type is test_bug_whitespace_only_type (open): not drawn here
    new = choose(
        (st.sampled_from(GARBAGE_TYPES) | st.text(max_size=8)).filter(str.strip)
    )
    get(data, path)[key] = new
    save_json(spec, name, data)
    return Mutation(kind, name, f"{path}/{key}: {old!r} -> {new!r}", False)


# --- the checks -------------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def fresh_output() -> Iterator[Path]:
    """The bundled listing generated once (formatted), copied into each example's output."""
    with tempfile.TemporaryDirectory(prefix="ari-mut-fresh-") as tmp:
        result = generate(SPECS, Path(tmp), package=PACKAGE)
        assert result.ok
        yield Path(tmp)


def check_outcome(
    mutation: Mutation,
    code: int,
    stdout: str,
    stderr: str,
    before: dict[str, bytes],
    out: Path,
) -> None:
    context = f"{mutation}\nstdout: {stdout[-1500:]}\nstderr: {stderr[-1500:]}"
    assert code in (0, 1), context
    assert "Traceback" not in stdout + stderr, context
    if mutation.must_fail:
        assert code == 1, context
    if code == 1:
        assert "error" in stderr, context  # the diagnostics say what is wrong
        assert (
            snapshot(out) == before
        ), f"a failed run changed the output directory\n{context}"


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"the CLI raised {result.exception!r}"
        ) from result.exception
    return result.exit_code, result.stdout, result.stderr


@settings(max_examples=settings.default.max_examples * 3)
@given(kind=st.sampled_from(KINDS), data=st.data())
def test_mutated_listing_never_crashes_the_cli(
    kind: str, data: st.DataObject, fresh_output: Path
) -> None:
    with tempfile.TemporaryDirectory(prefix="ari-mut-") as tmp:
        spec = Path(tmp) / "spec"
        shutil.copytree(SPECS, spec)
        mutation = mutate(spec, kind, data.draw)
        out = Path(tmp) / "out"
        shutil.copytree(fresh_output, out)
        before = snapshot(out)
        code, stdout, stderr = run_in_process(
            ["generate", str(spec), "-o", str(out), "--package-name", PACKAGE]
        )
        check_outcome(mutation, code, stdout, stderr, before, out)
        # validate agrees about whether the spec is usable
        vcode, vout, verr = run_in_process(["validate", str(spec)])
        assert vcode in (0, 1) and "Traceback" not in vout + verr, (
            mutation,
            vout,
            verr,
        )
        if mutation.must_fail:
            assert vcode == 1, (mutation, vout)


class FirstChoice:
    """Draws deterministically: the simplest value of each strategy (hypothesis' ``find``)."""

    def __call__(self, strategy: st.SearchStrategy[Any]) -> Any:
        from hypothesis import find

        return find(strategy, lambda _: True)


@pytest.mark.parametrize("kind", KINDS)
def test_each_mutation_kind_as_a_real_process(
    kind: str, fresh_output: Path, tmp_path: Path
) -> None:
    """One mutation of each kind through ``python -m ari_codegen``, the way a user runs it."""
    spec = tmp_path / "spec"
    shutil.copytree(SPECS, spec)
    mutation = mutate(spec, kind, FirstChoice())
    out = tmp_path / "out"
    shutil.copytree(fresh_output, out)
    before = snapshot(out)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ari_codegen",
            "generate",
            str(spec),
            "-o",
            str(out),
            "--package-name",
            PACKAGE,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    check_outcome(mutation, run.returncode, run.stdout, run.stderr, before, out)


@pytest.mark.parametrize("where", ["responseClass", "dataType", "type"])
def test_bug_whitespace_only_type(
    where: str, fresh_output: Path, tmp_path: Path
) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(SPECS, spec)
    name = "api-docs/applications.json"
    data = load_json(spec, name)
    operation = data["apis"][0]["operations"][0]
    if where == "responseClass":
        operation["responseClass"] = " "
    elif where == "dataType":
        operation["parameters"] = [
            {"name": "x", "paramType": "query", "dataType": " ", "required": False}
        ]
    else:
        next(iter(data["models"].values()))["properties"]["x"] = {"type": " "}
    save_json(spec, name, data)
    out = tmp_path / "out"
    shutil.copytree(fresh_output, out)
    before = snapshot(out)
    code, stdout, stderr = run_in_process(["generate", str(spec), "-o", str(out)])
    check_outcome(
        Mutation("garbage_type", name, f"{where}: ' '", True),
        code,
        stdout,
        stderr,
        before,
        out,
    )
