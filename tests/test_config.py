"""[tool.ari-codegen] in pyproject.toml: options, targets, CLI overrides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ari_codegen
import ari_codegen.config
from ari_codegen.cli import main
from ari_codegen.config import ConfigError, find_config, load_config
from ari_codegen.generate import Target, generate_targets

from .conftest import DATA, SPECS

SPEC_20 = DATA / "specs" / "20.0.0"


def toml_path(path: Path) -> str:
    return json.dumps(path.as_posix())  # a TOML basic string


TWO_TARGETS = f"""
[project]
name = "acme"

[tool.ari-codegen]
output = "out"
format = false

[[tool.ari-codegen.targets]]
name = "seed"
spec = {toml_path(SPECS)}
package-name = "ari_seed"

[[tool.ari-codegen.targets]]
name = "v20"
spec = {toml_path(SPEC_20)}
package-name = "ari_20"
"""


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def write_config(project: Path, text: str, name: str = "pyproject.toml") -> Path:
    path = project / name
    path.write_text(text)
    return path


# --- reading the configuration -----------------------------------------------------------------


def test_single_table_is_one_target_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    path = write_config(
        tmp_path,
        '[tool.ari-codegen]\nspec = "specs"\noutput = "src"\npackage-name = "acme.ari"\n'
        'templates = "tpl"\nstrict = true\nformat = false\n',
    )
    (target,) = load_config(path).targets
    assert target == Target("default", tmp_path / "specs", tmp_path / "src", "acme.ari", (tmp_path / "tpl",), True, False)


def test_targets_inherit_the_table_defaults(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, TWO_TARGETS))
    seed, v20 = config.targets
    assert (seed.name, seed.spec, seed.output, seed.package, seed.format) == ("seed", SPECS, tmp_path / "out", "ari_seed", False)
    assert (v20.name, v20.spec, v20.package, v20.strict) == ("v20", SPEC_20, "ari_20", False)
    assert config.select(["v20"]) == (v20,)
    with pytest.raises(ConfigError, match="no target 'v21'; targets: seed, v20"):
        config.select(["v21"])


def test_defaults_without_keys(tmp_path: Path) -> None:
    (target,) = load_config(write_config(tmp_path, "[tool.ari-codegen]\n")).targets
    assert target == Target("default")


def test_find_config_only_with_our_table(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    write_config(tmp_path, '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None
    write_config(tmp_path, '[project]\nname = "x"\n[tool.ari-codegen]\noutput = "o"\n')
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"


def test_standalone_config_file_with_top_level_keys(tmp_path: Path) -> None:
    (target,) = load_config(write_config(tmp_path, 'output = "o"\n', "ari-codegen.toml")).targets
    assert target.output == tmp_path / "o"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[tool.ari-codegen]\npackage_name = 'x'\n", "unknown key 'package_name' (did you mean 'package-name'?)"),
        ("[tool.ari-codegen]\nstrict = 'yes'\n", "'strict' must be true or false, not 'yes'"),
        ("[tool.ari-codegen]\npackage-name = 'class'\n", "'package-name': 'class' is not an importable Python package name"),
        ("[tool.ari-codegen]\npackage-name = 'json'\n", "'package-name': 'json' would shadow the standard library's 'json'"),
        ("[tool.ari-codegen]\npackage-name = 3\n", "'package-name' must be an importable Python package name, not 3"),
        ("[tool.ari-codegen]\ntemplates = ['missing']\n", "template directory"),
        ("[tool.ari-codegen]\ntemplates = 3\n", "'templates' must be a path or a list of paths"),
        ("[tool.ari-codegen]\noutput = ''\n", "'output' must be a path"),
        ("[tool.ari-codegen]\ntargets = []\n", "'targets' must be a non-empty array of tables"),
        ("[[tool.ari-codegen.targets]]\nspec = 's'\n", "targets[0]: every target needs a 'name'"),
        ("[[tool.ari-codegen.targets]]\nname = 'a'\n[[tool.ari-codegen.targets]]\nname = 'a'\n", "a second target named 'a'"),
        ("[[tool.ari-codegen.targets]]\nname = 'a'\nouptut = 'x'\n", "targets[0]: unknown key 'ouptut' (did you mean 'output'?)"),
        ("[tool.ari-codegen\n", "not valid TOML"),
        ("[tool]\nari-codegen = 1\n", "[tool.ari-codegen] must be a table"),
        ("[project]\nname = 'x'\n", "no [tool.ari-codegen] table"),
    ],
)
def test_configuration_errors_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(str(path) + ":")
    assert message in str(info.value)


# --- the CLI ------------------------------------------------------------------------------------


def test_generate_uses_the_configuration_and_flags_override_it(project: Path) -> None:
    write_config(project, f'[tool.ari-codegen]\nspec = {toml_path(SPEC_20)}\noutput = "src"\npackage-name = "acme_ari"\nformat = false\n')
    result = run("generate")
    assert result.exit_code == 0, result.output
    assert (project / "src" / "acme_ari" / "models" / "channels.py").is_file()
    assert "API_VERSION = \"8.0.0\"" in (project / "src" / "acme_ari" / "__init__.py").read_text()
    assert run("generate", "--check").exit_code == 0
    # flags win over the file
    result = run("generate", str(SPECS), "--package-name", "other", "-o", "elsewhere")
    assert result.exit_code == 0, result.output
    assert "API_VERSION = \"12.0.0\"" in (project / "elsewhere" / "other" / "__init__.py").read_text()
    assert not (project / "src" / "other").exists()


def test_boolean_flags_override_both_ways(project: Path) -> None:
    write_config(project, '[tool.ari-codegen]\noutput = "src"\nstrict = true\nformat = false\n')
    strict = run("generate")  # the bundled spec has warnings: strict fails
    assert strict.exit_code == 1 and "nothing written" in strict.output
    assert not (project / "src").exists()
    relaxed = run("generate", "--no-strict")
    assert relaxed.exit_code == 0, relaxed.output
    assert "black ran on 0 file(s)" in relaxed.output


def test_two_targets_side_by_side_keep_each_others_files(project: Path) -> None:
    write_config(project, TWO_TARGETS)
    result = run("generate")
    assert result.exit_code == 0, result.output
    assert "[seed] out (ari_seed): wrote" in result.output and "[v20] out (ari_20): wrote" in result.output
    out = project / "out"
    seed, v20 = tree(out / "ari_seed"), tree(out / "ari_20")
    assert ".ari-codegen-manifest.json" in seed and ".ari-codegen-manifest.json" in v20
    assert b'API_VERSION = "12.0.0"' in seed["__init__.py"] and b'API_VERSION = "8.0.0"' in v20["__init__.py"]
    assert "ChannelTransfer" in seed["models/events.py"].decode() and "ChannelTransfer" not in v20["models/events.py"].decode()
    # regenerating one target, or both, removes nothing of the other
    assert run("generate", "--target", "v20").exit_code == 0
    assert run("generate").exit_code == 0
    assert tree(out / "ari_seed") == seed and tree(out / "ari_20") == v20
    check = run("generate", "--check")
    assert check.exit_code == 0 and "[seed] out (ari_seed) is up to date" in check.output


def test_two_targets_check_reports_the_stale_one(project: Path) -> None:
    write_config(project, TWO_TARGETS)
    assert run("generate").exit_code == 0
    (project / "out" / "ari_20" / "py.typed").write_text("edited")
    check = run("generate", "--check")
    assert check.exit_code == 1
    assert "[v20] out (ari_20) is stale (0 added, 1 changed, 0 removed)" in check.output
    assert "[seed] out (ari_seed) is up to date" in check.output
    assert run("generate", "--check", "--target", "seed").exit_code == 0


def test_a_target_run_keeps_its_prefix_and_the_hint_names_the_stale_targets(project: Path) -> None:
    write_config(project, TWO_TARGETS)
    one = run("generate", "--target", "v20")
    assert one.exit_code == 0, one.output
    assert one.stdout.startswith("[v20] out (ari_20): wrote ")
    assert run("generate", "--target", "v20", "--check").stdout == "[v20] out (ari_20) is up to date (56 files)\n"
    (project / "out" / "ari_20" / "py.typed").write_text("edited")
    stale = run("generate", "--check", "--no-format")
    assert stale.exit_code == 1
    lines = stale.stdout.splitlines()
    assert "[seed] out (ari_seed) is stale (56 added, 0 changed, 0 removed)" in lines
    assert "[v20] out (ari_20) is stale (0 added, 1 changed, 0 removed)" in lines
    assert lines[-1] == "to refresh, run: ari-codegen generate --no-format --target seed --target v20"
    quiet = run("generate", "--check", "--target", "v20", "-q")
    assert quiet.stdout.splitlines() == [
        "[v20] out (ari_20) is stale (0 added, 1 changed, 0 removed)",
        "to refresh, run: ari-codegen generate --target v20",
    ]
    assert run("generate", "--target", "v20", "-q").output == ""


def test_a_configuration_without_targets_has_no_prefix(project: Path) -> None:
    write_config(project, f'[tool.ari-codegen]\nspec = {toml_path(SPEC_20)}\noutput = "src"\nformat = false\n')
    assert run("generate").stdout.startswith("wrote src: ")
    (project / "src" / "ari_client" / "py.typed").write_text("edited")
    stale = run("generate", "--check")
    assert stale.stdout.splitlines()[0] == "src is stale (0 added, 1 changed, 0 removed); to refresh, run: ari-codegen generate"


def test_a_failing_target_writes_nothing_for_any(project: Path) -> None:
    broken = project / "broken.json"
    broken.write_text('{"swaggerVersion": "1.1", "apis": [}')
    write_config(project, TWO_TARGETS.replace(toml_path(SPEC_20), toml_path(broken)))
    result = run("generate")
    assert result.exit_code == 1
    assert "[v20]" in result.output and "broken.json:1: error" in result.output
    assert "nothing written for any target" in result.output
    assert not (project / "out").exists()


def test_targets_writing_the_same_file_are_refused(project: Path) -> None:
    same_package = TWO_TARGETS.replace('package-name = "ari_20"', 'package-name = "ari_seed"')
    write_config(project, same_package)
    result = run("generate")
    assert result.exit_code == 1
    assert "targets 'seed' and 'v20' both write out/ari_seed/" in result.output
    assert not (project / "out").exists()


def test_target_selection_and_usage_errors(project: Path) -> None:
    write_config(project, TWO_TARGETS)
    unknown = run("generate", "--target", "nope")
    assert unknown.exit_code == 2 and "no target 'nope'; targets: seed, v20" in unknown.output
    ambiguous = run("generate", str(SPECS))
    assert ambiguous.exit_code == 2 and "pick it with --target (seed, v20)" in ambiguous.output
    picked = run("generate", "--target", "seed", "--package-name", "renamed")
    assert picked.exit_code == 0, picked.output
    assert (project / "out" / "renamed" / "__init__.py").is_file() and not (project / "out" / "ari_20").exists()


def test_explicit_config_file_and_errors_exit_2(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "conf"
    other.mkdir()
    path = write_config(other, f'spec = {toml_path(SPEC_20)}\noutput = "gen"\nformat = false\n', "ari-codegen.toml")
    result = run("generate", "--config", str(path))
    assert result.exit_code == 0, result.output
    assert (other / "gen" / "ari_client" / "__init__.py").is_file()  # relative to the file
    write_config(project, "[tool.ari-codegen]\nstrict = 1\n")
    bad = run("generate")
    assert bad.exit_code == 2 and "pyproject.toml: [tool.ari-codegen]: 'strict' must be true or false" in bad.output
    assert run("generate", "--target", "x", "--config", str(project / "missing.toml")).exit_code == 2


def test_target_without_configuration_is_a_usage_error(project: Path) -> None:
    result = run("generate", "--target", "seed")
    assert result.exit_code == 2 and "--target needs a configuration" in result.output


def test_generate_targets_library_api(tmp_path: Path) -> None:
    targets = [
        Target("a", SPEC_20, tmp_path / "out", "pkg_a", format=False),
        Target("b", SPEC_20, tmp_path / "out", "pkg_b", format=False),
    ]
    checked = generate_targets(targets, check=True)
    assert checked.ok and not any(r.wrote for _, r in checked.results)
    assert not (tmp_path / "out").exists()
    done = generate_targets(targets)
    assert done.ok and all(r.wrote for _, r in done.results)
    assert (tmp_path / "out" / "pkg_a" / ".ari-codegen-manifest.json").is_file()
    assert (tmp_path / "out" / "pkg_b" / ".ari-codegen-manifest.json").is_file()
    # the pipeline's; the package's façade and the old home, config, name the same function
    assert ari_codegen.generate_targets is ari_codegen.config.generate_targets is generate_targets


# --- pipelines: the pre-commit hook and the README's commands ----------------------------------


def parse_hooks(text: str) -> list[dict[str, Any]]:
    """The YAML subset .pre-commit-hooks.yaml uses: a list of flat mappings of scalars."""
    hooks: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("- "):
            hooks.append({})
            line = "  " + line[2:]
        assert hooks and line.startswith("  ") and not line.startswith("   "), f"line {number}: {raw!r}"
        key, sep, value = line.strip().partition(": ")
        assert sep and key.replace("_", "").isalpha(), f"line {number}: {raw!r}"
        assert key not in hooks[-1], f"line {number}: duplicate key {key}"
        hooks[-1][key] = {"true": True, "false": False}.get(value, value)
    return hooks


def test_pre_commit_hook_definition() -> None:
    from .conftest import ROOT

    hooks = parse_hooks((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert len(hooks) == 1
    hook = hooks[0]
    assert hook["id"] == "ari-codegen-check"
    assert hook["entry"] == "ari-codegen generate --check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert {"id", "name", "entry", "language"} <= set(hook)  # what pre-commit requires


def test_pre_commit_hook_entry_fails_when_stale_and_passes_when_fresh(project: Path) -> None:
    import subprocess
    import sys

    from .conftest import ROOT

    hook = parse_hooks((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    program, *args = hook["entry"].split()
    assert program == "ari-codegen"  # the console script; run the same CLI as a module here
    command = [sys.executable, "-m", "ari_codegen", *args]
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    write_config(project, f'[tool.ari-codegen]\nspec = {toml_path(SPEC_20)}\noutput = "src"\npackage-name = "acme_ari"\nformat = false\n')

    def hook_run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)

    stale = hook_run()
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "src is stale" in stale.stdout and not (project / "src").exists()
    assert run("generate").exit_code == 0
    fresh = hook_run()
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "src is up to date" in fresh.stdout
    (project / "src" / "acme_ari" / "py.typed").write_text("edited by hand\n")
    assert hook_run().returncode == 1


def test_readme_commands_use_real_options() -> None:
    """Every `ari-codegen ...` line in README.md names a real command and real options."""
    import shlex

    import click

    from .conftest import ROOT

    lines = [
        line.split("#", 1)[0].strip().removeprefix("- run: ")
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.strip().removeprefix("- run: ").startswith("ari-codegen ")
    ]
    assert len(lines) >= 10
    for line in lines:
        words = shlex.split(line.replace("[", " ").replace("]", " ").replace("|", " ").replace("...", " "))[1:]
        command: click.Command = main
        while isinstance(command, click.Group) and words and words[0] in command.commands:
            command = command.commands[words.pop(0)]
        assert not isinstance(command, click.Group), line
        known = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
        for word in words:
            if word.startswith("-") and word not in (">", "-"):
                assert word.split("=")[0] in known, f"{word} in {line!r}"
