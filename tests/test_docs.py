"""Every code block of README.md, docs/*.md, generated/README.md and examples/ivr/README.md runs
as written, or says in the Markdown why it does not (see tests/docblocks.py for the markers).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ari_codegen import build_ir, render
from ari_codegen.config import load_config

from . import docblocks
from .conftest import GENERATED, ROOT, SPECS

DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    GENERATED / "README.md",
    ROOT / "examples" / "ivr" / "README.md",
]
ALL = [b for path in DOCS for b in docblocks.blocks(path)]
KNOWN = {"needs": {"asterisk"}, "test": {"install", "pytest"}}


def ident(block: docblocks.Block) -> str:
    return f"{block.path.relative_to(ROOT)}:{block.line}"


def test_every_block_is_run_or_says_why() -> None:
    assert len(ALL) >= 20
    for block in ALL:
        for key, value in block.markers.items():
            assert key in (
                "needs",
                "not run",
                "test",
                "stub",
            ), f"{ident(block)}: unknown marker {key!r}"
            if key in KNOWN:
                assert value in KNOWN[key], f"{ident(block)}: {key}: {value!r}"
            assert value, f"{ident(block)}: {key}: say why"
        skipped = set(block.markers) & set(docblocks.NOT_RUN_HERE)
        assert (
            skipped or block.lang in RUNNERS
        ), f"{ident(block)}: a {block.lang or 'plain'} block that nothing runs; mark it"
        assert len(skipped) <= 1, ident(block)


def test_python_blocks_name_no_real_asterisk_unmarked() -> None:
    for block in ALL:
        if block.lang == "python" and "needs" not in block.markers:
            docblocks.prepare(
                block.text, "http://127.0.0.1:1/ari"
            )  # raises on an unmarked :8088


def test_the_install_blocks_are_those_the_install_test_runs() -> None:
    from .test_distribution import INSTALL_BLOCKS

    marked = [b for b in ALL if b.markers.get("test") == "install"]
    assert [(b.path.name, b.text) for b in marked] == [
        (p.name, t) for p, t in INSTALL_BLOCKS
    ]


@pytest.mark.parametrize(
    "block", [b for b in ALL if b.markers.get("test") == "pytest"], ids=ident
)
def test_test_file_passes(block: docblocks.Block, tmp_path: Path) -> None:
    """A block marked ``test: pytest`` is a whole test file: pytest runs it, and all of it passes."""
    (tmp_path / "test_block.py").write_text(block.text)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(GENERATED), *sys.path])}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "test_block.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0 and re.fullmatch(
        r"\d+ passed in .*", summary
    ), f"{ident(block)}:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"


@pytest.fixture()
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory holding a copy of specs/, as the current directory."""
    shutil.copytree(SPECS, tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_python(block: docblocks.Block, scratch: Path) -> None:
    out = docblocks.run_python(block)
    assert "Traceback" not in out


def run_sh(block: docblocks.Block, scratch: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.text],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{ident(block)}:\n{done.stdout}\n{done.stderr}"


def run_toml(block: docblocks.Block, scratch: Path) -> None:
    data = tomllib.loads(block.text)
    table = data["tool"]["ari-codegen"]
    for target in [table, *table.get("targets", [])]:
        templates = target.get("templates", [])
        for name in [templates] if isinstance(templates, str) else templates:
            (scratch / name).mkdir(parents=True, exist_ok=True)
    (scratch / "pyproject.toml").write_text(block.text)
    config = load_config(scratch / "pyproject.toml")
    assert config.targets


def run_jinja(block: docblocks.Block, scratch: Path) -> None:
    first = block.text.splitlines()[0]
    assert first.startswith("{# ") and first.endswith(
        " #}"
    ), f"{ident(block)}: name the template in a first comment line"
    name = first[3:-3].split(":")[0].strip()
    root, _, template = name.partition("/")
    path = scratch / root / template
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block.text)
    spec, _ = build_ir(SPECS)
    assert spec is not None
    files, problems = render(spec, [scratch / root])
    assert not problems, [p.format() for p in problems]
    assert any(
        f.template.endswith(template) for f in files
    )  # named as the user gave it


RUNNERS = {"python": run_python, "sh": run_sh, "toml": run_toml, "jinja": run_jinja}


@pytest.mark.parametrize(
    "block",
    [b for b in ALL if not set(b.markers) & set(docblocks.NOT_RUN_HERE)],
    ids=ident,
)
def test_block_runs_as_written(block: docblocks.Block, scratch: Path) -> None:
    RUNNERS[block.lang](block, scratch)
