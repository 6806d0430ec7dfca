"""The checked-in generated/ is exactly what the generator makes of specs/."""

from __future__ import annotations

from pathlib import Path

from ari_codegen import generate
from ari_codegen.config import load_config

from .conftest import GENERATED, ROOT, SPECS

# generated/ is what `ari-codegen generate` makes in the checkout: [tool.ari-codegen] of its
# pyproject.toml (the bundled spec, installable: distribution = true)
TARGET = load_config(ROOT / "pyproject.toml").targets[0]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_matches_golden(tmp_path: Path) -> None:
    assert TARGET.spec is None and TARGET.output.name == "generated"
    result = generate(SPECS, tmp_path, distribution=TARGET.distribution)
    assert result.ok, [d.format() for d in result.diagnostics]
    expected = {k: v for k, v in tree(GENERATED).items() if "__pycache__" not in k and ".mypy_cache" not in k}
    actual = tree(tmp_path)
    assert sorted(actual) == sorted(expected), "run `ari-codegen generate` to refresh generated/"
    for path, content in actual.items():
        assert content == expected[path], f"{path} differs; run `ari-codegen generate`"


def test_check_on_golden_is_fresh_and_runs_no_black() -> None:
    result = generate(SPECS, GENERATED, check=True, distribution=TARGET.distribution)
    assert result.ok
    assert not result.changes.stale
    assert result.formatted == []
