"""Stage 6, write: the manifest, removal of stale files, all-or-nothing commits, black only
where the rendered text changed, and no writes outside the output directory."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ari_codegen import generate
from ari_codegen.cli import main

from ari_codegen.write import Changes, commit, inside

from .conftest import SPECS

MANIFEST = "ari_client/.ari-codegen-manifest.json"
_FRESH: dict[str, Path] = {}


def fresh_tree(factory: pytest.TempPathFactory) -> Path:
    """A formatted generation of the bundled spec, made once per test session (black is slow)."""
    if "tree" not in _FRESH:
        out = factory.mktemp("fresh")
        result = generate(SPECS, out)
        assert result.ok and result.wrote, [d.format() for d in result.diagnostics]
        _FRESH["tree"] = out
    return _FRESH["tree"]


@pytest.fixture
def out(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy of a fresh generation of the bundled spec."""
    target = tmp_path / "out"
    shutil.copytree(fresh_tree(tmp_path_factory), target)
    return target


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty directory: no ./pyproject.toml configuration is picked up."""
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (with its content) and every directory (None) below ``root``."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(root: Path) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads((root / MANIFEST).read_bytes())
    return data


# --- the manifest ------------------------------------------------------------------------


def test_the_manifest_lists_every_file_and_every_input(out: Path) -> None:
    data = json.loads((out / MANIFEST).read_bytes())
    assert data["generator"] == "ari_codegen 0.1.0"
    assert data["formatter"] == "black"  # no version: the output does not depend on it
    inputs = {
        p.relative_to(SPECS).as_posix(): sha(p.read_bytes())
        for p in SPECS.rglob("*.json")
    }
    assert len(inputs) == 12
    assert data["inputs"] == dict(sorted(inputs.items()))
    on_disk = {k for k, v in snapshot(out).items() if v is not None} - {MANIFEST}
    assert set(data["files"]) == on_disk
    assert list(data["files"]) == sorted(on_disk)
    formatted = 0
    for path, hashes in data["files"].items():
        assert set(hashes) == {"rendered", "written"}
        assert hashes["written"] == sha((out / path).read_bytes())
        if path.endswith(".py"):
            formatted += hashes["rendered"] != hashes["written"]
        else:  # black runs on Python only
            assert hashes["rendered"] == hashes["written"], path
    assert formatted >= 1


def test_regeneration_is_a_no_op_that_runs_no_black(out: Path) -> None:
    before = snapshot(out)
    result = generate(SPECS, out)
    assert result.ok and not result.wrote and not result.changes.stale
    assert result.formatted == []
    check = generate(SPECS, out, check=True)
    assert check.ok and not check.changes.stale and check.formatted == []
    assert snapshot(out) == before


def test_the_spec_location_does_not_matter(out: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "somewhere" / "else"
    shutil.copytree(SPECS, elsewhere)
    result = generate(elsewhere, out, check=True)
    assert result.ok and not result.changes.stale and result.formatted == []


def test_black_reruns_only_on_the_files_whose_text_changed(
    out: Path, tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    sounds = specs / "api-docs" / "sounds.json"
    text = sounds.read_text("utf-8")
    old = '"description": "A media file that may be played back."'
    assert text.count(old) == 1
    sounds.write_text(text.replace(old, old.replace("back.", "back again.")), "utf-8")
    result = generate(specs, out)
    assert result.ok and result.wrote
    sounds_files = {
        p for p in result.files if p.rsplit("/", 1)[-1].startswith("sounds.")
    }
    assert "ari_client/models/sounds.py" in result.formatted
    # the package __init__ records SPEC_FINGERPRINT, so it changes with any input
    assert set(result.formatted) <= sounds_files | {"ari_client/__init__.py"}
    assert set(result.changes.changed) <= sounds_files | {
        "ari_client/__init__.py",
        MANIFEST,
    }
    assert result.changes.added == result.changes.removed == []
    assert "A media file that may be played back again." in (
        out / "ari_client/models/sounds.py"
    ).read_text("utf-8")
    assert manifest(out)["inputs"]["api-docs/sounds.json"] == sha(sounds.read_bytes())


# --- removal: only what the generator wrote last time --------------------------------------


def test_regeneration_removes_stale_files_and_keeps_foreign_ones(out: Path) -> None:
    foreign = {
        "ari_client/models/mine.py": b"# hand-written\n",
        "ari_client/notes.txt": b"notes\n",
        "ari_client/extra/keep.txt": b"keep\n",
        "README.md": b"readme\n",
    }
    for path, content in foreign.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    old = manifest(out)["files"]
    result = generate(SPECS / "api-docs" / "channels.json", out, format=False)
    assert result.ok and result.wrote
    # every declaration but channels (and those it borrows models from) is gone
    stale = sorted(set(old) - set(result.files))
    assert result.changes.removed == stale
    assert (
        "ari_client/models/sounds.py" in stale
        and "ari_client/models/events.py" in stale
    )
    assert not any("/channels." in p for p in stale)
    after = snapshot(out)
    assert not any(p in after for p in stale)
    assert {p: after[p] for p in foreign} == foreign
    listed = set(manifest(out)["files"])
    assert {p for p, v in after.items() if v is not None} == listed | set(foreign) | {
        MANIFEST
    }
    assert sorted(manifest(out)["inputs"]) == [
        "asterisk.json",
        "channels.json",
        "playbacks.json",
        "recordings.json",
    ]


def test_a_tampered_manifest_cannot_remove_files_outside(
    out: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    data = json.loads((out / MANIFEST).read_bytes())
    data["files"]["../victim.txt"] = {"rendered": "x", "written": sha(b"precious\n")}
    data["files"]["/etc/hostname"] = {"rendered": "x", "written": "x"}
    (out / MANIFEST).write_text(json.dumps(data))
    result = generate(SPECS, out)
    assert result.ok and result.changes.removed == []
    assert result.changes.changed == [MANIFEST]
    assert victim.read_bytes() == b"precious\n"


# --- a failed run leaves the output exactly as it was ---------------------------------------


def test_a_spec_with_errors_writes_nothing(out: Path) -> None:
    before = snapshot(out)
    result = generate(
        Path(__file__).parent / "broken" / "unknown_types" / "things.json", out
    )
    assert not result.ok and not result.wrote and result.files == {}
    assert snapshot(out) == before


def test_a_template_that_renders_invalid_python_writes_nothing(
    out: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates" / "package"
    templates.mkdir(parents=True)
    (templates / "broken.py.jinja").write_text("{{ header }}\ndef broken(:\n    pass\n")
    before = snapshot(out)
    result = CliRunner().invoke(
        main,
        ["generate", str(SPECS), "-o", str(out), "-t", str(tmp_path / "templates")],
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-3:-1] == [
        f"{(tmp_path / 'templates').as_posix()}/package/broken.py.jinja: error:"
        " rendered ari_client/broken.py is not valid"
        " Python: cannot parse for target version Python 3.11: 2:11; def broken(:;"
        " ParseError: bad input (hint: fix the template so that it renders valid Python)",
        "1 error(s), 5 warning(s)",
    ]
    assert result.stderr.splitlines()[-1] == f"nothing written to {out}"
    assert snapshot(out) == before


def test_a_commit_that_fails_midway_is_rolled_back(out: Path) -> None:
    for path in ("ari_client/__init__.py", "ari_client/_runtime.py"):
        (out / path).unlink()  # missing, so they are swapped in first
    blocker = out / "ari_client" / "schemas" / "sounds.json"
    blocker.unlink()
    blocker.mkdir()  # a directory where a file must go
    (blocker / "foreign.txt").write_bytes(b"mine\n")
    before = snapshot(out)
    result = generate(SPECS, out)
    added = result.changes.added
    assert added.index("ari_client/__init__.py") < added.index(
        "ari_client/schemas/sounds.json"
    )
    assert not result.ok and not result.wrote
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert error.file.endswith("sounds.json")
    assert (
        error.message == "cannot write the output: Is a directory; nothing was changed"
    )
    assert snapshot(out) == before  # no stage directory left behind either


def test_a_failed_commit_removes_the_directories_it_created(tmp_path: Path) -> None:
    area = tmp_path / "area"
    area.mkdir()
    root = area / "new" / "deeper"
    changes = Changes(added=["pkg/a.py", "pkg/sub/b.py"])
    with pytest.raises(KeyError):
        commit(root, {"pkg/a.py": b"a\n"}, changes)  # b.py has no content: fails
    assert list(area.iterdir()) == []
    commit(root, {"pkg/a.py": b"a\n", "pkg/sub/b.py": b"b\n"}, changes)
    assert snapshot(area) == {
        "new": None,
        "new/deeper": None,
        "new/deeper/pkg": None,
        "new/deeper/pkg/a.py": b"a\n",
        "new/deeper/pkg/sub": None,
        "new/deeper/pkg/sub/b.py": b"b\n",
    }


# --- never outside the output directory -----------------------------------------------------


@pytest.mark.parametrize(
    "path", ["../x.py", "/etc/x.py", "a/../../x.py", "", ".", "a/.."]
)
def test_paths_outside_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(
        ValueError, match="refusing to write outside the output directory"
    ):
        inside(tmp_path, path)


def test_paths_inside_are_allowed(tmp_path: Path) -> None:
    assert inside(tmp_path, "a/b/c.py") == tmp_path / "a" / "b" / "c.py"
    assert inside(tmp_path, "a/./b.py") == tmp_path / "a" / "b.py"


def test_a_symlink_out_of_the_output_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "out"
    root.mkdir()
    os.symlink(outside, root / "ari_client")
    with pytest.raises(ValueError):
        inside(root, "ari_client/x.py")
    result = generate(SPECS / "api-docs" / "sounds.json", root, format=False)
    assert not result.ok and not result.wrote
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert error.message.startswith(
        "cannot write the output: refusing to write outside the output directory: ari_client/"
    )
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == ["ari_client"]
