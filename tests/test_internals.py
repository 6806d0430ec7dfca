"""Structural promises of the generator's own code (not of its output)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import ari_codegen
from ari_codegen import _version, diff
from ari_codegen.generate import build_ir

from .conftest import ROOT, SPECS

PACKAGE = ROOT / "ari_codegen"


def _imported_modules(module: str) -> set[str]:
    """Modules of ari_codegen that ``module`` imports, directly or not (not the façade)."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = PACKAGE.joinpath(*name.split("."))
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        tree = ast.parse(source.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    todo.append(node.module)  # "runtime._runtime": a module of a package
                else:
                    todo += [a.name for a in node.names]
    return {name.split(".")[0] for name in seen}


def test_diff_builds_the_ir_without_the_generate_facade_or_black() -> None:
    reached = _imported_modules("diff")
    assert {"load", "validate", "parse", "ir"} <= reached
    assert not reached & {"generate", "format", "render", "write", "config", "cli"}


def test_the_version_lives_in_its_own_module() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert _version.__version__ == ari_codegen.__version__ == project["version"]
    for name in ("generate", "cli"):
        tree = ast.parse((PACKAGE / f"{name}.py").read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
                assert "__version__" not in {a.name for a in node.names}, name


def test_models_by_id_is_read_only() -> None:
    spec, _ = build_ir(SPECS)
    assert spec is not None
    assert spec.model("Channel") is spec.models_by_id["Channel"]
    with pytest.raises(TypeError):
        spec.models_by_id["Channel"] = spec.model("Bridge")  # type: ignore[index]
    assert list(spec.models_by_id) == [m.id for m in spec.models]


def test_diff_rules_are_one_table() -> None:
    keys = [(rule.kind, rule.change) for rule in diff.RULES]
    assert len(keys) == len(set(keys))
    assert all(rule.reason for rule in diff.RULES)
    assert diff.__doc__ is not None and diff.__doc__.endswith(diff.rules_text())


def test_no_class_of_the_generator_is_longer_than_250_lines() -> None:
    """ari_codegen's own modules; runtime/, the modules copied into the package, is not counted."""
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 250, f"{path.name}: {node.name} has {length} lines"
