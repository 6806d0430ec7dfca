"""The checked-in generated/ is exactly what the generator makes of specs/."""

from __future__ import annotations

from pathlib import Path

from ari_codegen import generate

from .conftest import GENERATED, SPECS


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_matches_golden(tmp_path: Path) -> None:
    result = generate(SPECS, tmp_path)
    assert result.ok, [d.format() for d in result.diagnostics]
    expected = {k: v for k, v in tree(GENERATED).items() if "__pycache__" not in k and ".mypy_cache" not in k}
    actual = tree(tmp_path)
    assert sorted(actual) == sorted(expected), "run `ari-codegen generate` to refresh generated/"
    for path, content in actual.items():
        assert content == expected[path], f"{path} differs; run `ari-codegen generate`"


def test_check_on_golden_is_fresh_and_runs_no_black() -> None:
    result = generate(SPECS, GENERATED, check=True)
    assert result.ok
    assert not result.changes.stale
    assert result.formatted == []
