"""What "fresh" means: output is stale only when a file on disk differs from what this
generator would write. A different black never makes it stale (nor makes a check format
anything), and a run with nothing to do renders nothing and imports neither jinja2,
jsonschema nor black."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ari_codegen import generate

from .conftest import ROOT, SPECS, with_black
from .test_write import MANIFEST, fresh_tree, snapshot

SOUNDS_DESCRIPTION = '"description": "A media file that may be played back."'


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


@pytest.fixture
def out(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    target = tmp_path / "out"
    shutil.copytree(fresh_tree(tmp_path_factory), target)
    return target


def edited_specs(tmp_path: Path) -> Path:
    """The bundled listing with one description in sounds.json changed."""
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    sounds = specs / "api-docs" / "sounds.json"
    text = sounds.read_text("utf-8")
    sounds.write_text(text.replace(SOUNDS_DESCRIPTION, SOUNDS_DESCRIPTION.replace("back.", "back again.")))
    return specs


# --- the manifest records no formatter version, and a check compares hashes ------------------


def test_the_manifest_does_not_depend_on_the_black_version(out: Path) -> None:
    import importlib.metadata

    text = (out / MANIFEST).read_text("utf-8")
    assert json.loads(text)["formatter"] == "black"
    assert importlib.metadata.version("black") not in text


def test_another_formatter_never_makes_fresh_output_stale(out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison itself, with a stand-in for a black that formats differently: a check
    of fresh output calls no formatter and finds nothing stale; a file whose rendered text
    changed gets the new formatting, every other file keeps the bytes it has."""
    import ari_codegen.format

    calls: list[int] = []

    def other_black(
        texts: list[str], names: list[str] | None = None, *, laid_out: bool = False
    ) -> list[str]:
        calls.append(len(texts))
        return [text + "# formatted by another black\n" for text in texts]

    monkeypatch.setattr(ari_codegen.format, "format_all", other_black)
    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", "")  # no stamps: the whole comparison runs
    before = snapshot(out)
    check = generate(SPECS, out, check=True)
    assert check.ok and not check.changes.stale and check.formatted == [] and calls == []
    assert not generate(SPECS, out).wrote and snapshot(out) == before
    specs = edited_specs(tmp_path)
    changed = generate(specs, out)
    assert changed.ok and changed.wrote and calls == [len(changed.formatted)]
    assert set(changed.formatted) == {"ari_client/models/sounds.py", "ari_client/__init__.py"}
    after = snapshot(out)
    for path, content in after.items():
        if path in changed.formatted:
            assert content is not None and content.endswith(b"# formatted by another black\n")
        elif path != MANIFEST and "sounds" not in path:
            assert content == before[path], path
    monkeypatch.undo()  # the real black again: the mixed output is fresh for it too
    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", "")
    again = generate(specs, out, check=True)
    assert again.ok and not again.changes.stale and again.formatted == []


def test_two_real_black_versions_agree_on_fresh_output(old_black: Path, out: Path, tmp_path: Path) -> None:
    import black

    cache = tmp_path / "cache"  # empty: no stamp, the whole comparison runs
    probe = (
        "import sys, json, black\n"
        "from ari_codegen import generate\n"
        "r = generate(sys.argv[1] if len(sys.argv) > 1 else {spec!r}, {out!r}, check={check})\n"
        "print(json.dumps([black.__version__, r.ok, r.changes.stale, r.formatted, r.wrote]))\n"
    )
    check = with_black(old_black, probe.format(spec=str(SPECS), out=str(out), check=True), cache)
    assert check.returncode == 0, check.stderr
    version, ok, stale, formatted, _ = json.loads(check.stdout)
    assert version.startswith("24.") and black.__version__ != version
    assert ok and not stale and formatted == []  # fresh, and black 24 formatted nothing
    # the CLI's --check says so too, and exits 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(old_black), str(ROOT)]), ARI_CODEGEN_CACHE_DIR=str(cache))
    done = subprocess.run([sys.executable, "-m", "ari_codegen", "generate", str(SPECS), "-o", str(out), "--check"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0 and done.stdout == f"{out} is up to date (56 files)\n", done.stdout + done.stderr
    # a spec change: black 24 formats the changed files only; the current black then finds
    # the mixed output fresh
    specs = edited_specs(tmp_path)
    changed = with_black(old_black, probe.format(spec=str(specs), out=str(out), check=False), cache)
    version, ok, stale, formatted, wrote = json.loads(changed.stdout)
    assert ok and wrote and sorted(formatted) == ["ari_client/__init__.py", "ari_client/models/sounds.py"]
    shutil.rmtree(cache)
    result = generate(specs, out, check=True)
    assert result.ok and not result.changes.stale and result.formatted == []


# --- a run with nothing to do ----------------------------------------------------------------


def imports_of(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr))\n"
        f"sys.argv = ['ari-codegen', *{args!r}]\n"
        "from ari_codegen.cli import main\n"
        "main()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return done, set(line.split()[1:])


HEAVY = {"jinja2", "jsonschema", "black", "ari_codegen.render", "ari_codegen.parse", "ari_codegen.ir"}


def test_a_no_op_run_renders_nothing_and_imports_no_heavy_module(out: Path, tmp_path: Path) -> None:
    first, modules = imports_of(["generate", str(SPECS), "-o", str(out)], tmp_path)
    assert first.returncode == 0 and "up to date" in first.stdout
    # no stamp for this copy yet: it was rendered and compared (still without black, which
    # had nothing to format, or jsonschema, which has nothing to explain in a valid spec;
    # the IR may come from the cache)
    assert {"jinja2", "ari_codegen.render"} <= modules
    assert not {"black", "jsonschema"} & modules
    for args in (["generate", str(SPECS), "-o", str(out)], ["generate", str(SPECS), "-o", str(out), "--check"]):
        done, modules = imports_of(args, tmp_path)
        assert done.returncode == 0 and done.stdout == f"{out} is up to date (56 files)\n", done.stderr
        assert not HEAVY & modules, HEAVY & modules
        assert done.stderr.count("warning:") == 5  # the run's warnings, as the full run gave them


def test_the_stamp_is_only_trusted_for_the_same_code_templates_inputs_options_and_files(out: Path, tmp_path: Path) -> None:
    from ari_codegen import cache

    assert generate(SPECS, out, check=True).ok  # leaves the stamp

    def stamped(**kwargs: object) -> bool:
        from ari_codegen.generate import _fresh

        options = {"spec": SPECS, "root": out, "package": "ari_client", "template_dirs": [], "strict": False, "format": True}
        options.update(kwargs)
        return _fresh(**options) is not None  # type: ignore[arg-type]

    assert stamped()
    assert not stamped(strict=True) and not stamped(format=False)
    templates = tmp_path / "tpl" / "package"
    templates.mkdir(parents=True)
    (templates / "extra.txt.jinja").write_text("x\n")
    assert not stamped(template_dirs=[tmp_path / "tpl"])
    assert not stamped(spec=edited_specs(tmp_path))
    typed = out / "ari_client" / "py.typed"
    content = typed.read_bytes()
    typed.write_text("edited\n")
    assert not stamped()
    typed.write_bytes(content)
    assert stamped()
    original = cache.code_digest
    try:
        cache.code_digest = lambda: "an edited checkout"  # type: ignore[assignment]
        assert not stamped()
    finally:
        cache.code_digest = original  # type: ignore[assignment]
    assert stamped()


def test_the_parsed_spec_cache_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The IR is cached per spec under the digest of its documents and of the code: the
    same output and diagnostics as without a cache, and an edited spec is parsed again."""
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    cached = [generate(specs, tmp_path / f"a{i}", format=False) for i in range(2)]  # the second hits
    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", "")
    plain = generate(specs, tmp_path / "b", format=False)
    for result in cached:
        assert result.files == plain.files
        assert [d.format() for d in result.diagnostics] == [d.format() for d in plain.diagnostics]
    monkeypatch.undo()
    sounds = specs / "api-docs" / "sounds.json"
    sounds.write_text(sounds.read_text("utf-8").replace(SOUNDS_DESCRIPTION, SOUNDS_DESCRIPTION.replace("back.", "back again.")))
    edited = generate(specs, tmp_path / "c", format=False)
    assert b"played back again." in edited.files["ari_client/models/sounds.py"]
    strict = generate(specs, tmp_path / "d", format=False, strict=True)  # its own entry
    assert not strict.ok and all(d.severity.value == "error" for d in strict.diagnostics)


def test_a_manifest_that_recorded_a_black_version_is_reused_without_black(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Manifests written before this rule said ``"formatter": "black 26.10.1"``: their files
    are still black's output; only the manifest's own line changes."""
    data = json.loads((out / MANIFEST).read_bytes())
    data["formatter"] = "black 24.1.0"
    (out / MANIFEST).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", "")
    result = generate(SPECS, out, check=True)
    assert result.ok and result.formatted == []
    assert (result.changes.added, result.changes.changed, result.changes.removed) == ([], [MANIFEST], [])


def test_black_runs_in_a_process_per_core_and_keeps_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    from ari_codegen import format as formatting

    pools: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def recording(workers: int) -> concurrent.futures.ProcessPoolExecutor:
        pools.append(workers)
        return real(workers)

    monkeypatch.setattr(formatting, "ProcessPoolExecutor", recording)
    monkeypatch.setattr(formatting.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", "")  # black on every text, not its cache
    big = "y=[1,\n2]\n" * (formatting.POOL_MINIMUM // 8)
    texts = ["x  =  1\n", "def broken(:\n", big, "z = {'a':1}\n"]
    done = formatting.format_all(texts)
    assert pools == [2]
    assert done[0] == "x = 1\n" and done[3] == 'z = {"a": 1}\n'
    assert done[2] == formatting.format_python(texts[2])
    assert isinstance(done[1], formatting.FormatError)  # an error is a value, in its place
    small = formatting.format_all(texts[:2] + texts[3:])
    assert (small[0], str(small[1]), small[2]) == (done[0], str(done[1]), done[3])
    assert pools == [2]  # a few small texts: formatted here, no pool
    monkeypatch.setattr(formatting.os, "cpu_count", lambda: 1)
    assert formatting.format_all(texts[:3])[2] == done[2] and pools == [2]  # one core: no pool


def test_black_on_the_pieces_is_black_on_the_whole(tmp_path: Path) -> None:
    """black formats a module piece by piece (``format.pieces``): joined, the pieces are what
    black makes of the whole module, on the rendered text of the biggest generated modules
    and on texts made to trip the cuts up (comments, decorators, docstrings, directives)."""
    from ari_codegen import format as formatting

    result = generate(SPECS, tmp_path / "plain", format=False)
    assert result.ok
    texts = [
        result.files[f"ari_client/{name}.py"].decode()
        for name in ("models/channels", "api/bridges", "models/__init__")
    ]
    texts.append(
        '"""Doc."""\ndef a(): pass\n\n# about b\n\ndef b(): ...\n@dataclass\n\n\n'
        "class C: x: int\nx = 1\n\n\n\n\n@d\n@e(1)\ndef f(): return [\n1]\n"
        'y = """\n\n\ndef g(): pass\n"""\ndef h(): pass\n\nclass D: pass\n'
    )
    texts.append("x = 1\n\n\ndef h(): pass # fmt: skip\n\nclass D: pass\n")
    for text in texts:
        pieces = formatting.pieces(text)
        assert "".join(pieces).split() == text.split()
        whole = formatting.format_python(text)
        assert "\n\n".join(map(formatting.format_python, pieces)) == whole
        assert len(pieces) > 1 or text is texts[-1]


def test_black_s_output_is_cached_by_its_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text or a piece black formatted before is not formatted again; a changed piece is
    the only one black sees."""
    from ari_codegen import format as formatting

    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", str(tmp_path / "cache"))
    seen: list[str] = []
    real = formatting._format_one

    def recording(text: str) -> str | formatting.FormatError:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(formatting, "_format_one", recording)
    one = "import os\n\n\ndef f( x ):\n    return x\n\n\nclass A :\n    x=1\n"
    first = formatting.format_all([one])
    assert len(seen) == 3 and formatting.cache_path() is not None
    assert formatting.format_all([one]) == first and len(seen) == 3
    two = one.replace("x=1", "x=2")
    assert formatting.format_all([two]) == [first[0].replace("x = 1", "x = 2")]
    assert seen[3:] == ["class A :\n    x=2\n"]


def test_a_change_over_earlier_output_formats_in_the_worker(out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over earlier output black's import starts in a process of its own before rendering;
    that process formats the long statements of the changed modules (the edited
    description is a docstring black has nothing to change in) and is stopped when the run
    ends."""
    from ari_codegen import format as formatting

    sent: list[list[str]] = []
    real = formatting._Worker.run

    def recording(self: formatting._Worker, texts: list[str]) -> list[str | formatting.FormatError] | None:
        sent.append(texts)
        return real(self, texts)

    monkeypatch.setattr(formatting._Worker, "run", recording)
    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    changed = generate(edited_specs(tmp_path), out)
    assert changed.ok and changed.wrote and formatting._worker == []
    assert len(sent) == 1
    changed_modules = [changed.files[p] for p in changed.formatted]
    assert sum(map(len, sent[0])) < sum(map(len, changed_modules)) / 4  # not whole modules
    assert any(b"again." in content for content in changed_modules)
    fresh = generate(edited_specs(tmp_path / "again"), tmp_path / "new")  # a new directory: no worker
    assert fresh.ok and len(sent) == 1 and formatting._worker == []
