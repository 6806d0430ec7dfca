"""The checked-in generated/ is exactly what the generator makes of specs/, and the one
command the README gives contributors refreshes it with the checkout's own code and
templates, whatever copy of ari_codegen is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ari_codegen import generate
from ari_codegen.config import load_config

from .conftest import GENERATED, ROOT, SPECS

REFRESH = "run `python -m ari_codegen generate` from the checkout's root to refresh generated/"
# generated/ is what `ari-codegen generate` makes in the checkout: [tool.ari-codegen] of its
# pyproject.toml (the bundled spec, installable: distribution = true)
TARGET = load_config(ROOT / "pyproject.toml").targets[0]


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generated_matches_golden(tmp_path: Path) -> None:
    assert TARGET.spec is None and TARGET.output.name == "generated"
    result = generate(SPECS, tmp_path, distribution=TARGET.distribution)
    assert result.ok, [d.format() for d in result.diagnostics]
    expected = {
        k: v
        for k, v in tree(GENERATED).items()
        if "__pycache__" not in k and ".mypy_cache" not in k
    }
    actual = tree(tmp_path)
    assert sorted(actual) == sorted(expected), REFRESH
    for path, content in actual.items():
        assert content == expected[path], f"{path} differs; {REFRESH}"


def test_check_on_golden_is_fresh_and_runs_no_black() -> None:
    result = generate(SPECS, GENERATED, check=True, distribution=TARGET.distribution)
    assert result.ok
    assert not result.changes.stale
    assert result.formatted == []


def test_the_contributor_command_uses_the_checkout_not_an_installed_copy(
    tmp_path: Path,
) -> None:
    """After ``pip install .`` the templates live in site-packages; an edit in the checkout
    does not reach them. ``python -m ari_codegen generate`` run from the checkout's root
    imports the checkout's ari_codegen (the working directory comes first on the path), so
    it renders the checkout's templates into generated/."""
    site = tmp_path / "site"  # an installed copy, laid out as the wheel lays it out
    shutil.copytree(
        ROOT / "ari_codegen",
        site / "ari_codegen",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copytree(ROOT / "templates", site / "ari_codegen" / "templates")
    shutil.copytree(ROOT / "specs", site / "ari_codegen" / "specs")
    stale = site / "ari_codegen" / "templates" / "package" / "py.typed.jinja"
    stale.write_text(stale.read_text() + "an older template\n")
    env = dict(os.environ, PYTHONPATH=str(site))
    command = [sys.executable, "-m", "ari_codegen", "generate", "--check"]
    installed = subprocess.run(command + [str(SPECS), "-o", str(GENERATED)], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=600)  # fmt: skip
    assert (
        installed.returncode == 1 and "is stale" in installed.stdout
    )  # it would regress generated/
    checkout = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert checkout.returncode == 0, checkout.stdout + checkout.stderr
    assert checkout.stdout.startswith("generated is up to date")
