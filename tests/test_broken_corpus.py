"""Every broken spec under tests/broken/ yields exactly its expected diagnostics, never a
traceback: through the library and the CLI, with and without --strict; and generation
reports the problems instead of raising and writes nothing when there are errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ari_codegen import build_ir, check_spec, generate
from ari_codegen.cli import main

BROKEN = Path(__file__).resolve().parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty directory: no ./pyproject.toml configuration is picked up."""
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


def expected(case: str, strict: bool = False) -> dict[str, Any]:
    """The case's expected.json; a diagnostic's ``strict_message``, if any, is its message
    under ``--strict`` (nothing is read as anything then)."""
    data: dict[str, Any] = json.loads(
        (BROKEN / case / "expected.json").read_text("utf-8")
    )
    for d in data["diagnostics"]:
        strict_message = d.pop("strict_message", None)
        if strict:
            d.update(severity="error", message=strict_message or d["message"])
    return data


def spec_of(case: str) -> Path:
    return BROKEN / case / expected(case)["spec"]


def has_error(case: str) -> bool:
    return any(d["severity"] == "error" for d in expected(case)["diagnostics"])


def test_the_corpus_is_large_enough() -> None:
    broken = [c for c in CASES if expected(c)["diagnostics"]]
    assert len(broken) >= 20
    assert len([c for c in broken if has_error(c)]) >= 20
    assert len([c for c in broken if not has_error(c)]) >= 7  # warning-only cases


@pytest.mark.parametrize("case", CASES)
def test_diagnostics_are_exactly_the_expected_ones(case: str) -> None:
    validated = check_spec(spec_of(case))
    assert [d.to_json() for d in validated.diagnostics] == expected(case)["diagnostics"]
    assert validated.ok is not has_error(case)


@pytest.mark.parametrize("case", CASES)
def test_strict_turns_every_warning_into_an_error(case: str) -> None:
    validated = check_spec(spec_of(case), strict=True)
    wanted = expected(case, strict=True)["diagnostics"]
    assert [d.to_json() for d in validated.diagnostics] == wanted
    assert validated.ok is (not wanted)
    for d in validated.diagnostics:  # nothing was ignored or read as anything
        assert "read as" not in d.message and "ignored" not in d.message
        assert "read once" not in d.message and "the last is used" not in d.message


@pytest.mark.parametrize("case", CASES)
def test_cli_validate_prints_them_and_sets_the_exit_code(case: str) -> None:
    diagnostics = expected(case)["diagnostics"]
    errors = sum(d["severity"] == "error" for d in diagnostics)
    result = CliRunner().invoke(main, ["validate", str(spec_of(case))])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stdout.splitlines()
    assert len(lines) == len(diagnostics) + 1
    for line, d in zip(lines, diagnostics):
        where = f"{d['file']}:{d['line']}" if d["line"] is not None else d["file"]
        pointer = f"{d['pointer']}: " if d["pointer"] else ""  # none for a whole file
        text = f"{where}: {d['severity']}: {pointer}{d['message']}"
        assert line == (f"{text} (hint: {d['hint']})" if d["hint"] else text)
    assert lines[-1] == f"{errors} error(s), {len(diagnostics) - errors} warning(s)"
    assert result.exit_code == (1 if errors else 0)

    strict = CliRunner().invoke(main, ["validate", "--strict", str(spec_of(case))])
    assert strict.exit_code == (1 if diagnostics else 0)
    assert (
        strict.stdout.splitlines()[-1] == f"{len(diagnostics)} error(s), 0 warning(s)"
    )
    assert " warning: " not in strict.stdout


@pytest.mark.parametrize("case", CASES)
def test_generate_reports_and_writes_nothing_on_errors(
    case: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = generate(spec_of(case), out, format=False)
    assert [d.to_json() for d in result.diagnostics] == expected(case)["diagnostics"]
    if has_error(case):
        assert not result.ok and not result.wrote and not out.exists()
    else:
        assert result.ok and result.wrote
        assert (out / "ari_client" / ".ari-codegen-manifest.json").is_file()
    if expected(case)["diagnostics"]:
        strict = generate(spec_of(case), tmp_path / "strict", strict=True, format=False)
        assert not strict.ok and not strict.wrote
        assert not (tmp_path / "strict").exists()


@pytest.mark.parametrize("case", CASES)
def test_cli_generate_exits_1_on_errors_without_a_traceback(
    case: str, tmp_path: Path
) -> None:
    args = ["generate", str(spec_of(case)), "-o", str(tmp_path / "out"), "--no-format"]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == (1 if has_error(case) else 0)
    if has_error(case):
        assert (
            result.stderr.splitlines()[-1] == f"nothing written to {tmp_path / 'out'}"
        )
        assert not (tmp_path / "out").exists()
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == (1 if expected(case)["diagnostics"] else 0)
    assert strict.exception is None or isinstance(strict.exception, SystemExit)


# --- warnings are read as the suggested fix --------------------------------------------------


def operation(case: str, nickname: str = "get") -> Any:
    model, diagnostics = build_ir(spec_of(case))
    assert model is not None, diagnostics
    (declaration,) = model.declarations
    return next(op for op in declaration.operations if op.nickname == nickname)


def test_typo_keys_are_read_as_the_keys_they_resemble() -> None:
    color = operation("typo_keys").parameters[1]
    assert color.name == "color"
    assert color.description == "Paint color"  # descriptioni
    assert color.has_default and color.default == "red"  # defalutValue
    assert color.allowed is not None and color.allowed.values == ("red", "green")
    assert color.allowed.enum is not None  # allowedValues → allowableValues
    assert [m.value for m in color.allowed.enum.members] == ["red", "green"]


def test_integer_is_read_as_int() -> None:
    count = operation("integer_alias").parameters[1]
    assert (count.name, count.type.kind, count.type.spec) == ("count", "int", "int")
    model, _ = build_ir(spec_of("integer_alias"))
    assert model is not None
    size = next(p for p in model.model("Thing").properties if p.name == "size")
    assert (size.type.kind, size.type.annotation) == ("int", "int")


def test_an_error_code_written_as_a_string_is_read_as_a_number() -> None:
    errors = operation("error_code_as_string").errors
    assert [(e.code, e.reason) for e in errors] == [(404, "Thing not found")]


def test_the_last_of_a_duplicated_key_is_used() -> None:
    assert operation("duplicate_json_key").summary == "Fetch a thing."


def test_strings_for_numbers_and_optional_path_parameters_are_repaired() -> None:
    thing_id, limit = operation(
        "tolerated_strings_and_optional_path_parameter"
    ).parameters
    assert (thing_id.location, thing_id.required) == ("path", True)
    assert (limit.default, limit.has_default, limit.type.kind) == (10, True, "int")


def test_an_extra_key_is_ignored() -> None:
    thing_id = operation("extra_key").parameters[0]
    assert (thing_id.name, thing_id.description) == ("thingId", "The thing's id")


def test_subtypes_in_swagger_1_1_still_build_the_hierarchy() -> None:
    model, _ = build_ir(spec_of("subtypes_in_swagger_1_1"))
    assert model is not None
    assert model.model("Widget").parent == "Thing"
    assert model.model("Thing").discriminator == "kind"


def test_a_model_defined_twice_identically_is_generated_once() -> None:
    model, diagnostics = build_ir(spec_of("model_defined_twice_identically"))
    assert diagnostics == [] and model is not None
    assert [m.id for m in model.models] == ["Thing"]
    assert [d.name for d in model.declarations] == ["things", "others"]
    assert model.model("Thing").py_module == "things"


def test_a_typo_in_a_listing_path_key_still_reads_the_declaration() -> None:
    model, _ = build_ir(spec_of("listing_path_key_typo"))
    assert model is not None
    assert [d.source for d in model.declarations] == ["api-docs/things.json"]
