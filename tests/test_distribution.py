"""The generated package as a distribution: its pyproject.toml, and installing it as a new
user would, in fresh virtual environments (marker ``install``; skipped, saying so, when the
package registry cannot be reached)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from ari_codegen import build_ir, generate
from ari_codegen.distribution import DEPENDENCIES, distribution_info, public_version

from . import docblocks
from .conftest import GENERATED, ROOT, SPECS


def install_block(path: Path, contains: str) -> str:
    found = [b.text for b in docblocks.blocks(path) if b.markers.get("test") == "install" and contains in b.text]
    assert len(found) == 1, (path, contains)
    return found[0]


SETUP = install_block(ROOT / "README.md", "pip install . && ari-codegen generate")
USING = install_block(ROOT / "README.md", "pip install ./generated")
GENERATED_INSTALL = install_block(GENERATED / "README.md", "pip install .")
INSTALL_BLOCKS = [
    (ROOT / "README.md", SETUP),
    (ROOT / "README.md", USING),
    (GENERATED / "README.md", GENERATED_INSTALL),
]
"""The README blocks marked ``test: install``, in order: what ``test_a_new_user`` runs."""


# --- pyproject.toml -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_version", "public"),
    [("12.0.0", "12.0.0"), ("1.10", "1.10"), ("2.0rc1", "2.0rc1"), ("v1.2.3-beta", "1.2.3"), ("01.002", "1.2"), ("next", "0")],
)
def test_versions_are_pep440(api_version: str, public: str) -> None:
    assert public_version(api_version) == public
    version = f"{public}+spec0123456789ab"
    assert str(Version(version)) == version  # canonical: what the wheel's name says


def test_the_generated_pyproject(tmp_path: Path) -> None:
    spec, _ = build_ir(SPECS)
    assert spec is not None
    info = distribution_info(spec)
    data = tomllib.loads((GENERATED / "pyproject.toml").read_text())
    project = data["project"]
    assert project["name"] == "ari-client" == info.name
    assert project["version"] == f"{spec.api_version}+spec{spec.fingerprint[:12]}" == info.version
    assert str(Version(project["version"])) == project["version"]
    assert tuple(project["dependencies"]) == DEPENDENCIES
    assert data["build-system"]["build-backend"] == "hatchling.build"
    assert data["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["ari_client"]
    # ari_codegen's client extra says the same; the installed versions are in range
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert tuple(ours["project"]["optional-dependencies"]["client"]) == DEPENDENCIES
    from importlib.metadata import version

    for requirement in map(Requirement, DEPENDENCIES):
        assert requirement.specifier.contains(version(requirement.name)), requirement
    # a dotted package: the distribution ships its top-level directory
    result = generate(SPECS / "api-docs" / "sounds.json", tmp_path, package="acme.ari", distribution=True, format=False)
    assert result.ok
    acme = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert acme["project"]["name"] == "acme-ari"
    assert acme["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["acme"]
    assert "from acme.ari import AriClient" in (tmp_path / "README.md").read_text()


def test_an_odd_api_version_still_gives_valid_toml_and_pep440(tmp_path: Path) -> None:
    import json

    shutil.copytree(SPECS, tmp_path / "specs")
    listing = tmp_path / "specs" / "resources.json"
    data = json.loads(listing.read_text())
    data["apiVersion"] = 'v3 "beta"\\\n\u2028'
    listing.write_text(json.dumps(data))
    result = generate(tmp_path / "specs", tmp_path / "out", distribution=True, format=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    project = tomllib.loads((tmp_path / "out" / "pyproject.toml").read_text())["project"]
    assert project["version"].startswith("3+spec") and str(Version(project["version"])) == project["version"]
    assert data["apiVersion"] in project["description"]


def test_what_the_readme_shows_is_decided_from_the_spec() -> None:
    """README.md.jinja lays out distribution_info(spec).readme; it searches nothing itself."""
    spec, _ = build_ir(SPECS)
    assert spec is not None
    readme = distribution_info(spec).readme
    assert readme.first_call is not None and readme.first_call.py_path == "asterisk.get_info"
    assert readme.lists_channels and readme.shows_events
    assert readme.named_objects == ("LiveRecording", "DeviceState")
    assert all(e.objects for e in readme.events_with_objects)
    text = (GENERATED / "README.md").read_text()
    assert "result = ari.asterisk.get_info()  # GET /asterisk/info: AsteriskInfo" in text
    # one declaration alone: what it lacks, the README does not show
    for name, first, lists, events in [("sounds", "sounds.list", False, False), ("events", None, False, True)]:
        alone, _ = build_ir(SPECS / "api-docs" / f"{name}.json")
        assert alone is not None
        facts = distribution_info(alone).readme
        assert (facts.first_call.py_path if facts.first_call else None) == first
        assert facts.lists_channels is lists and facts.shows_events is events


def test_without_distribution_nothing_beside_the_package(tmp_path: Path) -> None:
    assert generate(SPECS / "api-docs" / "sounds.json", tmp_path, format=False).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ari_client"]


# --- installing, as a new user ------------------------------------------------------------------


def sh(script: str, cwd: Path, timeout: float = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(sys.prefix))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # python3 for `python3 -m venv`
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"$ {script}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip unless pip can fetch the build backend and the dependencies."""
    where = tmp_path_factory.mktemp("probe")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(where), "hatchling", "httpx==0.27.*", "websockets==15.*"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.skip(f"the package registry cannot be reached (pip download failed: {done.stderr.strip()[-300:]})")


def checkout(into: Path) -> Path:
    """What a clone of the repository holds, without generated/ (the set-up makes it)."""
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", "*.egg-info")
    for name in ("ari_codegen", "templates", "specs"):
        shutil.copytree(ROOT / name, into / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, into / name)
    return into


def test_the_dependencies_in_words() -> None:
    spec, _ = build_ir(SPECS)
    assert spec is not None
    info = distribution_info(spec)
    assert info.installs == "httpx>=0.27,<1, websockets>=15,<18 and orjson>=3.9,<4 (on CPython)"
    assert f"it installs {info.installs}." in (GENERATED / "README.md").read_text()
    one = dataclasses.replace(info, dependencies=("httpx>=0.27",))
    assert one.installs == "httpx>=0.27"
    marked = dataclasses.replace(info, dependencies=("a", 'b; python_version < "3.12"'))
    assert marked.installs == 'a and b (where python_version < "3.12")'


@pytest.mark.install
def test_a_new_user(registry: None, tmp_path: Path) -> None:
    """The README's set-up commands as written, `pip install ./generated`, then every Python
    block of both READMEs on the installed package, `pip wheel`, and the oldest dependencies."""
    repo = checkout(tmp_path / "repo")
    sh(SETUP, repo)  # python3 -m venv .venv && ... && pip install . && ari-codegen generate
    assert (repo / "generated" / "pyproject.toml").read_bytes() == (GENERATED / "pyproject.toml").read_bytes()
    sh(f". .venv/bin/activate\n{USING}", repo)  # pip install ./generated
    python = repo / ".venv" / "bin" / "python"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = sh(f"{python} -c 'import ari_client, httpx, websockets, orjson; print(ari_client.__file__)'", elsewhere)
    assert "site-packages" in where, where
    # the Python blocks, on the installed package (tests/docblocks.py needs nothing else)
    harness = ROOT / "tests" / "docblocks.py"
    out = sh(f"{python} {harness} README.md", repo)
    assert "ran 2 Python block(s) of README.md" in out, out
    assert "404 Channel not found" in out and "['StasisEnd']" in out
    out = sh(f"{python} {harness} README.md", repo / "generated")
    assert "ran 4 Python block(s) of README.md" in out, out
    # the generated README's own install line, in its directory
    sh(f". ../.venv/bin/activate\n{GENERATED_INSTALL}", repo / "generated")
    # pip wheel builds it: the package with py.typed, no manifest, the dependencies
    sh(f"{python} -m pip wheel -q --no-deps ./generated -w dist", repo)
    (wheel,) = (repo / "dist").glob("ari_client-*.whl")
    spec, _ = build_ir(SPECS)
    assert spec is not None
    assert wheel.name == f"ari_client-{distribution_info(spec).version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "ari_client/py.typed" in names and "ari_client/_objects.py" in names
    assert not any(n.endswith(".ari-codegen-manifest.json") for n in names)
    for dependency in DEPENDENCIES:
        assert Requirement(dependency) in [Requirement(line[15:]) for line in metadata.splitlines() if line.startswith("Requires-Dist: ")]
    # the lower bounds of the ranges work too (websockets 13 and 14 do not: their sync client
    # takes no ping_interval)
    sh("python3 -m venv old && old/bin/pip install -q ./generated 'httpx==0.27.*' 'websockets==15.0.*' 'orjson==3.9.*'", repo)
    versions = sh("old/bin/python -c 'import httpx, websockets, orjson; print(httpx.__version__, websockets.__version__, orjson.__version__)'", repo)
    assert versions.startswith("0.27.") and " 15.0" in versions and " 3.9." in versions, versions
    out = sh(f"{repo / 'old' / 'bin' / 'python'} {harness} README.md", repo / "generated")
    assert "ran 4 Python block(s) of README.md" in out, out


def test_the_option_from_the_command_line_and_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ari_codegen.cli import main
    from ari_codegen.config import ConfigError, load_config

    monkeypatch.chdir(tmp_path)
    sounds = str(SPECS / "api-docs" / "sounds.json")
    done = CliRunner().invoke(main, ["generate", sounds, "-o", "a", "--distribution", "--no-format"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["README.md", "ari_client", "pyproject.toml"]
    (tmp_path / "pyproject.toml").write_text('[tool.ari-codegen]\noutput = "b"\ndistribution = true\nformat = false\n')
    assert load_config(tmp_path / "pyproject.toml").targets[0].distribution is True
    done = CliRunner().invoke(main, ["generate", sounds, "--no-distribution"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["ari_client"]
    done = CliRunner().invoke(main, ["generate", sounds])  # the configuration's: installable
    assert done.exit_code == 0, done.output
    assert (tmp_path / "b" / "pyproject.toml").is_file()
    done = CliRunner().invoke(main, ["generate", sounds, "--no-distribution"])  # removed again
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["ari_client"]
    (tmp_path / "pyproject.toml").write_text('[tool.ari-codegen]\ndistribution = "yes"\n')
    with pytest.raises(ConfigError, match="'distribution' must be true or false"):
        load_config(tmp_path / "pyproject.toml")
