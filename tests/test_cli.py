"""The ari-codegen command: exit codes, output formats, --check, --no-format, --package-name,
and the defaults (bundled spec, ./generated) when run from any directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ari_codegen.cli import main
from ari_codegen.runtime import COPIED

from .conftest import ROOT, SPECS
from .test_write import fresh_tree, snapshot

BROKEN = Path(__file__).resolve().parent / "broken"
SOUNDS = SPECS / "api-docs" / "sounds.json"
LINE = re.compile(r"^(?P<file>[^:]+)(?::(?P<line>\d+))?: (?P<severity>error|warning): (?P<pointer>/[^:]*): (?P<message>.+)$")  # fmt: skip


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty directory: no pyproject.toml configuration is picked up."""
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result


# --- exit codes ----------------------------------------------------------------------------


def test_exit_0_on_success_and_1_on_errors(tmp_path: Path) -> None:
    assert run("validate", BROKEN / "model_defined_twice_identically").exit_code == 0
    assert (
        run("validate", BROKEN / "duplicate_nicknames" / "things.json").exit_code == 1
    )
    assert (
        run("validate", BROKEN / "extra_key" / "things.json").exit_code == 0
    )  # a warning
    assert (
        run("validate", "--strict", BROKEN / "extra_key" / "things.json").exit_code == 1
    )
    ok = run(
        "generate",
        BROKEN / "model_defined_twice_identically",
        "-o",
        tmp_path / "a",
        "--no-format",
    )
    assert ok.exit_code == 0
    assert ok.stdout.startswith(f"wrote {tmp_path / 'a'}: 29 added, 0 changed, 0 removed; black ran on 0 file(s)")  # fmt: skip
    bad = run(
        "generate", BROKEN / "unknown_types" / "things.json", "-o", tmp_path / "b"
    )
    assert bad.exit_code == 1 and not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (
            ["generate", "--package-name", "1bad"],
            "'1bad' is not an importable Python package name",
        ),
        (
            ["generate", "--package-name", "class"],
            "'class' is not an importable Python package name",
        ),
        (
            ["generate", "--package-name", "acme-ari"],
            "'acme-ari' is not an importable Python package name",
        ),
        (["generate", "no/such/spec.json"], "'no/such/spec.json' does not exist"),
        (["validate", "no/such/spec.json"], "'no/such/spec.json' does not exist"),
        (["validate"], "Missing argument 'SPEC'"),
        (
            ["validate", str(SPECS), "--format", "xml"],
            "'xml' is not one of 'text', 'json'",
        ),
        (["generate", "--frobnicate"], "No such option '--frobnicate'"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_exit_2_on_bad_usage(args: list[str], complaint: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert complaint in result.stderr
    assert result.stdout == ""


def test_a_dotted_package_name_is_fine(tmp_path: Path) -> None:
    result = run(
        "generate",
        SOUNDS,
        "-o",
        tmp_path / "o",
        "--package-name",
        "acme.ari",
        "--no-format",
    )
    assert result.exit_code == 0
    assert (tmp_path / "o" / "acme" / "ari" / "models" / "sounds.py").is_file()


# --- diagnostics -----------------------------------------------------------------------------


def test_validate_text_format() -> None:
    result = run("validate", BROKEN / "missing_declaration")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "resources.json:11: error: /apis/1/path: declaration api-docs/gone.json not found next to"
        " the listing (hint: add api-docs/gone.json or remove this entry)",
        "1 error(s), 0 warning(s)",
    ]
    mixed = run("validate", SPECS).stdout.splitlines()
    assert mixed[-1] == "0 error(s), 5 warning(s)"
    for line in mixed[:-1]:
        match = LINE.match(line)
        assert match is not None, line
        assert match["severity"] == "warning" and match["line"] is not None
    no_line = run("validate", BROKEN / "directory_without_listing").stdout.splitlines()[
        0
    ]
    assert no_line == (  # a problem of a whole file has no pointer
        "resources.json: error: not found in the given directory"
        " (hint: pass the resource listing or one API declaration file)"
    )


def test_validate_json_format() -> None:
    result = run("validate", "--format", "json", BROKEN / "typo_keys" / "things.json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["ok", "diagnostics"]
    assert data["ok"] is True
    expected = json.loads((BROKEN / "typo_keys" / "expected.json").read_text("utf-8"))
    strict_messages = [d.pop("strict_message") for d in expected["diagnostics"]]
    assert data["diagnostics"] == expected["diagnostics"]
    for d in data["diagnostics"]:
        assert list(d) == ["severity", "file", "pointer", "line", "message", "hint"]
    strict = run(
        "validate", "--format", "json", "--strict", BROKEN / "typo_keys" / "things.json"
    )
    assert strict.exit_code == 1
    assert json.loads(strict.stdout) == {
        "ok": False,
        "diagnostics": [
            dict(d, severity="error", message=m)
            for d, m in zip(expected["diagnostics"], strict_messages)
        ],
    }
    clean = run(
        "validate", "--format", "json", BROKEN / "model_defined_twice_identically"
    )
    assert json.loads(clean.stdout) == {"ok": True, "diagnostics": []}


def test_generate_reports_diagnostics_on_stderr(tmp_path: Path) -> None:
    result = run(
        "generate",
        BROKEN / "duplicate_parameters" / "things.json",
        "-o",
        tmp_path / "o",
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "things.json:26: error: /apis/0/operations/0/parameters/1/name: duplicate parameter"
        " 'thingId' (hint: remove or rename one of the parameters)",
        "1 error(s), 0 warning(s)",
        f"nothing written to {tmp_path / 'o'}",
    ]


# --- --check -------------------------------------------------------------------------------


@pytest.fixture
def out(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    target = tmp_path / "out"
    shutil.copytree(fresh_tree(tmp_path_factory), target)
    return target


def test_check_on_fresh_output(out: Path) -> None:
    result = run("generate", SPECS, "-o", out, "--check")
    assert result.exit_code == 0
    files = len(
        json.loads((out / "ari_client/.ari-codegen-manifest.json").read_bytes())[
            "files"
        ]
    )
    assert result.stdout == f"{out} is up to date ({files + 1} files)\n"


def test_check_on_stale_output_exits_1_with_a_diff_and_writes_nothing(
    out: Path,
) -> None:
    sounds = out / "ari_client" / "models" / "sounds.py"
    sounds.write_text(sounds.read_text("utf-8") + "# a local edit\n", "utf-8")
    (out / "ari_client" / "py.typed").unlink()
    (out / "ari_client" / "leftover.py").write_text("# foreign\n")
    before = snapshot(out)
    result = run("generate", SPECS, "-o", out, "--check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        f"{out} is stale (1 added, 1 changed, 0 removed); to refresh, run: ari-codegen generate {SPECS} -o {out}",
        "added: ari_client/py.typed",
        "--- a/ari_client/models/sounds.py",
        "+++ b/ari_client/models/sounds.py",
        lines[4],
    ]
    assert lines[4].startswith("@@ ")
    assert "-# a local edit" in lines
    assert snapshot(out) == before
    fixed = run("generate", SPECS, "-o", out)
    assert fixed.exit_code == 0
    assert (
        fixed.stdout
        == f"wrote {out}: 1 added, 1 changed, 0 removed; black ran on 1 file(s)\n"
    )
    assert run("generate", SPECS, "-o", out, "--check").exit_code == 0
    assert (out / "ari_client" / "leftover.py").read_text() == "# foreign\n"


# --- --no-format and --package-name ---------------------------------------------------------


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("acme")
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))  # module scope: before `elsewhere` (no pyproject.toml)
    try:
        result = CliRunner().invoke(
            main, ["generate", str(SOUNDS), "-o", str(out), "--package-name", "acme_ari"]
        )
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"wrote .*: \d+ added, 0 changed, 0 removed; black ran on [1-9]\d* file\(s\)\n", result.stdout)  # fmt: skip
    return out


def test_package_name_gives_an_importable_package(acme: Path) -> None:
    assert sorted(p.name for p in acme.iterdir()) == ["acme_ari"]
    code = (
        "import acme_ari, acme_ari.models as m, acme_ari.models.sounds as s\n"
        "sound = m.Sound.from_dict({'id': 'hello', 'formats': [{'language': 'en', 'format': 'gsm'}]})\n"
        "print(acme_ari.__name__, type(sound).__module__, sound.formats[0].format)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=acme, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "acme_ari acme_ari.models.sounds gsm\n"
    texts = [p.read_text("utf-8") for p in acme.rglob("*") if p.is_file()]
    assert not any("ari_client" in t for t in texts)


def test_no_format_skips_black_and_differs(acme: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    result = run(
        "generate", SOUNDS, "-o", plain, "--package-name", "acme_ari", "--no-format"
    )
    assert result.exit_code == 0
    assert result.stdout.endswith("; black ran on 0 file(s)\n")
    formatted, unformatted = snapshot(acme), snapshot(plain)
    assert sorted(formatted) == sorted(unformatted)
    py = [p for p in formatted if p.endswith(".py")]
    assert [p for p in py if formatted[p] != unformatted[p]] != []
    assert all(formatted[p] == unformatted[p] for p in formatted if p.endswith(".json") and "manifest" not in p)  # fmt: skip
    manifest = json.loads(unformatted["acme_ari/.ari-codegen-manifest.json"] or b"")
    assert manifest["formatter"] is None
    assert all(h["rendered"] == h["written"] for h in manifest["files"].values())
    # the runtime modules are copied as they are, formatted or not
    copied = [f"acme_ari/{module}" for module in COPIED]
    assert all(formatted[p] == unformatted[p] for p in copied)
    # formatting again later runs black on every other Python file
    again = run("generate", SOUNDS, "-o", plain, "--package-name", "acme_ari")
    assert again.stdout.endswith(f"; black ran on {len(py) - len(copied)} file(s)\n")
    assert snapshot(plain) == formatted


# --- the defaults, from any working directory -------------------------------------------------


def test_generate_without_spec_uses_the_bundled_one_and_writes_to_generated(
    out: Path, tmp_path: Path
) -> None:
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    shutil.move(out, cwd / "generated")  # fresh output, minus one file: a quick run
    (cwd / "generated" / "ari_client" / "py.typed").unlink()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "ari_codegen", "generate"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == "wrote generated: 1 added, 0 changed, 0 removed; black ran on 0 file(s)\n"
    )
    assert done.stderr.splitlines()[-1] == "0 error(s), 5 warning(s)"
    assert (cwd / "generated" / "ari_client" / "py.typed").is_file()
    assert sorted(p.name for p in cwd.iterdir()) == ["generated"]
    check = subprocess.run(
        [sys.executable, "-m", "ari_codegen", "generate", "--check"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0 and check.stdout.startswith("generated is up to date")


# --- output a person can act on ----------------------------------------------------------------


def test_the_check_hint_repeats_the_command_that_refreshes_exactly_this_output(out: Path, tmp_path: Path) -> None:
    """Not a bare ``ari-codegen generate`` (the bundled spec into ./generated): this spec,
    -o, --package-name, -t and the formatting choice, quoted for a shell."""
    mine = tmp_path / "my templates"
    (mine / "package").mkdir(parents=True)
    (mine / "package" / "NOTES.txt.jinja").write_text("notes\n")
    args = [SOUNDS, "-o", out, "--package-name", "acme_ari", "-t", mine, "--no-format"]
    result = run("generate", *args, "--check")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    command = f"ari-codegen generate {SOUNDS} -o {out} --package-name acme_ari -t '{mine}' --no-format"
    assert first == f"{out} is stale (27 added, 0 changed, 0 removed); to refresh, run: {command}"
    # and that command does refresh it
    import shlex

    refreshed = run(*shlex.split(command)[1:])
    assert refreshed.exit_code == 0, refreshed.output
    assert run("generate", *args, "--check").exit_code == 0


def test_quiet_prints_errors_only(out: Path, tmp_path: Path) -> None:
    fresh = run("generate", SPECS, "-o", out, "--quiet")  # 5 warnings, nothing to do
    assert fresh.exit_code == 0 and fresh.output == ""
    (out / "ari_client" / "py.typed").write_text("edited\n")
    stale = run("generate", SPECS, "-o", out, "--check", "-q")
    assert stale.exit_code == 1 and stale.stderr == ""
    assert stale.stdout == (
        f"{out} is stale (0 added, 1 changed, 0 removed); to refresh, run: ari-codegen generate {SPECS} -o {out}\n"
    )  # no diff either
    wrote = run("generate", SPECS, "-o", out, "-q")
    assert wrote.exit_code == 0 and wrote.output == ""
    bad = run("generate", BROKEN / "unknown_types" / "things.json", "-o", tmp_path / "b", "-q")
    assert bad.exit_code == 1 and bad.stdout == ""
    lines = bad.stderr.splitlines()
    assert lines[-2:] == ["3 error(s), 0 warning(s)", f"nothing written to {tmp_path / 'b'}"]
    assert all(": error: " in line for line in lines[:-2])
    assert run("validate", SPECS, "--quiet").output == ""
    assert run("validate", BROKEN / "extra_key" / "things.json", "--strict", "-q").stdout.count(": error: ") == 1


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("json", "'json' would shadow the standard library's 'json'"),
        ("typing.ari", "'typing.ari' would shadow the standard library's 'typing'"),
        ("httpx", "'httpx' would shadow 'httpx', which the generated code depends on"),
        ("websockets", "'websockets' would shadow 'websockets', which the generated code depends on"),
        ("orjson.x", "'orjson.x' would shadow 'orjson', which the generated code depends on"),
        ("class", "'class' is not an importable Python package name ('class' is a Python keyword)"),
        ("acme.1x", "'acme.1x' is not an importable Python package name ('1x' is not an identifier)"),
    ],
)
def test_a_package_name_that_shadows_or_cannot_import_is_refused_everywhere(name: str, why: str, tmp_path: Path) -> None:
    from ari_codegen import build_ir, generate

    cli = run("generate", SOUNDS, "-o", tmp_path / "o", "--package-name", name)
    assert cli.exit_code == 2 and why in cli.stderr
    with pytest.raises(ValueError, match=re.escape(why)):
        generate(SOUNDS, tmp_path / "o", package=name)
    with pytest.raises(ValueError, match=re.escape(why)):
        build_ir(SOUNDS, package=name)
    assert not (tmp_path / "o").exists()
    assert run("generate", SOUNDS, "-o", tmp_path / "o", "--package-name", "acme.json", "--no-format").exit_code == 0


def test_a_write_error_names_the_file_under_the_output_as_given(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (out / "ari_client" / "py.typed").unlink()
    (out / "ari_client" / "py.typed").mkdir()  # a directory where the file must go
    monkeypatch.chdir(out.parent)
    result = run("generate", SPECS, "-o", "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-3:] == [
        "out/ari_client/py.typed: error: cannot write the output: Is a directory; nothing was changed",
        "1 error(s), 5 warning(s)",
        "nothing written to out",
    ]
