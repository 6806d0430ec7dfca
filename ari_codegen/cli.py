"""The ``ari-codegen`` command: a thin shell over the library API.

Exit codes: 0 success; 1 errors in the spec or templates, or stale output with ``--check``;
2 usage errors.
"""

from __future__ import annotations

import json
import keyword
import sys
from pathlib import Path
from typing import Sequence

import click

from . import __version__
from .diagnostics import Diagnostic, Severity
from .generate import DEFAULT_OUTPUT, DEFAULT_PACKAGE, check_spec, generate


def _package_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    parts = value.split(".")
    if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        raise click.BadParameter(f"{value!r} is not an importable Python package name")
    return value


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for d in diagnostics:
        click.echo(d.format(), err=True)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


@click.group()
@click.version_option(__version__, prog_name="ari-codegen")
def main() -> None:
    """Generate typed Python bindings from the Asterisk REST Interface (ARI) spec."""


@main.command("generate")
@click.argument("spec", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Output directory.",
)
@click.option(
    "-t",
    "--templates",
    "template_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A template directory that overrides the built-ins (repeatable; later wins).",
)
@click.option(
    "--package-name",
    default=DEFAULT_PACKAGE,
    show_default=True,
    callback=_package_name,
    help="Import name of the generated package.",
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if the output is stale."
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--no-format", is_flag=True, help="Skip black (faster; output differs).")
def generate_command(
    spec: Path | None,
    output: Path,
    template_dirs: tuple[Path, ...],
    package_name: str,
    check: bool,
    strict: bool,
    no_format: bool,
) -> None:
    """Generate the package from SPEC (default: the bundled ARI listing)."""
    try:
        result = generate(
            spec,
            output,
            package=package_name,
            template_dirs=template_dirs,
            strict=strict,
            check=check,
            format=not no_format,
        )
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    _report(result.diagnostics)
    if not result.ok:
        click.echo(f"nothing written to {output}", err=True)
        sys.exit(1)
    changes = result.changes
    summary = (
        f"{len(changes.added)} added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed"
    )
    if check:
        if changes.stale:
            click.echo(
                f"{output} is stale ({summary}); run 'ari-codegen generate' to refresh:"
            )
            click.echo(result.diff())
            sys.exit(1)
        click.echo(f"{output} is up to date ({len(result.files)} files)")
    elif result.wrote:
        click.echo(
            f"wrote {output}: {summary}; black ran on {len(result.formatted)} file(s)"
        )
    else:
        click.echo(f"{output} is up to date ({len(result.files)} files)")


@main.command("validate")
@click.argument("spec", type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def validate_command(spec: Path, strict: bool, fmt: str) -> None:
    """Check SPEC and print every problem as file:line: severity: pointer: message."""
    validated = check_spec(spec, strict)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": validated.ok,
                    "diagnostics": [d.to_json() for d in validated.diagnostics],
                },
                indent=2,
            )
        )
    else:
        for d in validated.diagnostics:
            click.echo(d.format())
        errors = sum(d.severity is Severity.ERROR for d in validated.diagnostics)
        click.echo(
            f"{errors} error(s), {len(validated.diagnostics) - errors} warning(s)"
        )
    sys.exit(0 if validated.ok else 1)


# --- spec bumps: diff and fetch ---------------------------------------------------------------


@main.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format (markdown is ready for a pull request).",
)
@click.option(
    "--fail-on-breaking",
    is_flag=True,
    help="Exit 1 when any change is breaking for an application written against OLD.",
)
@click.option("--strict", is_flag=True, help="Treat spec warnings as errors.")
def diff_command(
    old: Path, new: Path, fmt: str, fail_on_breaking: bool, strict: bool
) -> None:
    """Compare two specs (listings, directories or declarations) operation by operation
    and model by model; every change is marked breaking or compatible."""
    from .diff import diff_specs
    from .generate import build_ir

    specs = []
    failed = False
    for label, path in (("OLD", old), ("NEW", new)):
        model, diagnostics = build_ir(path, strict=strict)
        if model is None:
            click.echo(f"{label} spec {path} has errors:", err=True)
            _report(diagnostics)
            failed = True
        specs.append(model)
    if failed or specs[0] is None or specs[1] is None:
        sys.exit(1)
    result = diff_specs(specs[0], specs[1])
    click.echo(result.render(fmt), nl=False)
    sys.exit(1 if fail_on_breaking and result.has_breaking else 0)
