"""The ``ari-codegen`` command: a thin shell over the library API.

Exit codes: 0 success; 1 errors in the spec or templates, or stale output with ``--check``;
2 usage errors.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

import click

from ._version import __version__
from .diagnostics import Diagnostic, Severity
from .generate import DEFAULT_OUTPUT, DEFAULT_PACKAGE, Target, check_spec
from .naming import package_problem
from .write import Changes

F = TypeVar("F", bound=Callable[..., Any])


def _package_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    problem = package_problem(value)
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def _report(diagnostics: Sequence[Diagnostic], quiet: bool = False) -> None:
    """Diagnostics on stderr with their counts; ``quiet``: the errors only."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    for d in diagnostics:
        if d.severity is Severity.ERROR or not quiet:
            click.echo(d.format(), err=True)
    if errors or (diagnostics and not quiet):
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


def templates_option(help: str) -> Callable[[F], F]:
    """``-t/--templates DIR`` (repeatable), as every command that renders takes it."""
    return click.option(
        "-t",
        "--templates",
        "template_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=help,
    )


def package_option(help: str) -> Callable[[F], F]:
    """``--package-name NAME``, checked to be a package name that can be generated."""
    return click.option(
        "--package-name",
        default=DEFAULT_PACKAGE,
        show_default=True,
        callback=_package_name,
        help=help,
    )


def quiet_option() -> Callable[[F], F]:
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="Print errors only: no warnings, nothing when all is well.",
    )


def run() -> None:
    """The ``ari-codegen`` command and ``python -m ari_codegen``: ``main``, then, once the
    output is flushed, an exit that skips the interpreter's teardown (freeing every object
    of a run takes longer than a run with nothing to do; mypy exits the same way)."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            click.echo(exc.code, err=True)
            code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = code or 1
    os._exit(code)


@click.group(name="ari-codegen")
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
@templates_option(
    "A template directory that overrides the built-ins (repeatable; later wins)."
)
@package_option("Import name of the generated package.")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if the output is stale."
)
@click.option("--strict/--no-strict", help="Treat warnings as errors.")
@click.option("--no-format/--format", help="Skip black (faster; output differs).")
@click.option(
    "--distribution/--no-distribution",
    help="Also write pyproject.toml and README.md beside the package (pip-installable).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read options from this TOML file "
    "(default: [tool.ari-codegen] in ./pyproject.toml, if there is one).",
)
@click.option(
    "--target",
    "target_names",
    multiple=True,
    help="Generate only this target of the configuration (repeatable).",
)
@quiet_option()
@click.pass_context
def generate_command(
    ctx: click.Context,
    spec: Path | None,
    output: Path,
    template_dirs: tuple[Path, ...],
    package_name: str,
    check: bool,
    strict: bool,
    no_format: bool,
    config_file: Path | None,
    target_names: tuple[str, ...],
    quiet: bool,
    distribution: bool,
) -> None:
    """Generate the package from SPEC (default: the bundled ARI listing).

    Options may come from [tool.ari-codegen] in ./pyproject.toml (or --config FILE);
    flags given here override them. With several configured targets, all are generated
    (or those picked with --target), and nothing is written unless every one succeeds.
    """
    targets, named = _resolve_targets(ctx, target_names)
    if named:
        _generate_targets(ctx, targets, check, quiet)
        return
    (target,) = targets
    result = target.generate(check=check)
    _report(result.diagnostics, quiet)
    if not result.ok:
        click.echo(f"nothing written to {target.output}", err=True)
        sys.exit(1)
    if check and result.changes.stale:
        click.echo(
            f"{target.output} is stale ({_summary(result.changes)}); "
            f"to refresh, run: {_refresh_command(ctx, [])}"
        )
        if not quiet:
            click.echo(result.diff())
        sys.exit(1)
    if quiet:
        return
    if result.wrote:
        click.echo(
            f"wrote {target.output}: {_summary(result.changes)}; "
            f"black ran on {len(result.formatted)} file(s)"
        )
    else:
        click.echo(f"{target.output} is up to date ({len(result.files)} files)")


def _summary(changes: Changes) -> str:
    return (
        f"{len(changes.added)} added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed"
    )


def _given(ctx: click.Context, name: str) -> bool:
    """Was option ``name`` given on the command line (not left at its default)?"""
    from click.core import ParameterSource

    source = ctx.get_parameter_source(name)
    return source is not None and source not in (
        ParameterSource.DEFAULT,
        ParameterSource.DEFAULT_MAP,
    )


def _refresh_command(ctx: click.Context, targets: Sequence[str]) -> str:
    """The command that regenerates exactly what this one checked: its own arguments
    but ``--check`` and ``--quiet``, and ``--target`` for each of ``targets``."""
    p = ctx.params
    args = [str(p["spec"])] if p["spec"] is not None else []
    if _given(ctx, "output"):
        args += ["-o", str(p["output"])]
    if _given(ctx, "package_name"):
        args += ["--package-name", p["package_name"]]
    for directory in p["template_dirs"]:
        args += ["-t", str(directory)]
    if _given(ctx, "strict"):
        args.append("--strict" if p["strict"] else "--no-strict")
    if _given(ctx, "no_format"):
        args.append("--no-format" if p["no_format"] else "--format")
    if p["config_file"] is not None:
        args += ["--config", str(p["config_file"])]
    for name in targets:
        args += ["--target", name]
    return " ".join([ctx.command_path, *map(shlex.quote, args)])


def _resolve_targets(
    ctx: click.Context, target_names: tuple[str, ...]
) -> tuple[tuple[Target, ...], bool]:
    """The targets to generate, flags overriding the configuration (if any), and whether
    they are named targets of it (``[[tool.ari-codegen.targets]]``)."""
    from .config import ConfigError, find_config, load_config

    p = ctx.params
    try:
        path = p["config_file"] or find_config()
        if path is None:
            if target_names:
                raise click.UsageError(
                    "--target needs a configuration: [tool.ari-codegen] in "
                    "./pyproject.toml, or --config FILE"
                )
            target = Target(
                "default",
                p["spec"],
                p["output"],
                p["package_name"],
                p["template_dirs"],
                p["strict"],
                not p["no_format"],
                p["distribution"],
            )
            return (target,), False
        config = load_config(path)
        chosen = config.select(target_names)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    overrides: dict[str, object] = {}
    if p["spec"] is not None:
        overrides["spec"] = p["spec"]
    if _given(ctx, "output"):
        overrides["output"] = p["output"]
    if _given(ctx, "package_name"):
        overrides["package"] = p["package_name"]
    if p["template_dirs"]:
        overrides["templates"] = p["template_dirs"]
    if _given(ctx, "strict"):
        overrides["strict"] = p["strict"]
    if _given(ctx, "no_format"):
        overrides["format"] = not p["no_format"]
    if _given(ctx, "distribution"):
        overrides["distribution"] = p["distribution"]
    if len(chosen) > 1 and {"spec", "output", "package"} & set(overrides):
        raise click.UsageError(
            "SPEC, --output and --package-name apply to one target; "
            f"pick it with --target ({', '.join(t.name for t in chosen)})"
        )
    return tuple(t.override(**overrides) for t in chosen), config.named


def _generate_targets(
    ctx: click.Context, targets: Sequence[Target], check: bool, quiet: bool
) -> None:
    """Generate named targets, each reported under its ``[name]``: all are checked
    before any is written."""
    from .generate import generate_targets

    outcome = generate_targets(targets, check=check)
    for target, result in outcome.results:
        shown = [
            d for d in result.diagnostics if d.severity is Severity.ERROR or not quiet
        ]
        if shown:
            click.echo(f"[{target.name}] {target.spec or 'bundled spec'}:", err=True)
            _report(result.diagnostics, quiet)
    for conflict in outcome.conflicts:
        click.echo(f"error: {conflict}", err=True)
    if not outcome.ok:
        failed = [t.name for t, r in outcome.results if not r.ok]
        why = f"target(s) {', '.join(failed)} failed" if failed else "conflicts"
        written = [t.name for t, r in outcome.results if r.wrote]
        if written:  # a write failed after earlier targets were written
            why += f"; written before the failure: {', '.join(written)}"
        else:
            why += ": nothing written for any target"
        click.echo(why, err=True)
        sys.exit(1)
    stale: list[str] = []
    for target, result in outcome.results:
        where = f"[{target.name}] {target.output} ({target.package})"
        if check and result.changes.stale:
            stale.append(target.name)
            click.echo(f"{where} is stale ({_summary(result.changes)})")
            if not quiet:
                click.echo(result.diff())
        elif quiet:
            continue
        elif result.wrote:
            click.echo(
                f"{where}: wrote {_summary(result.changes)}; "
                f"black ran on {len(result.formatted)} file(s)"
            )
        else:
            click.echo(f"{where} is up to date ({len(result.files)} files)")
    if stale:
        click.echo(f"to refresh, run: {_refresh_command(ctx, stale)}")
        sys.exit(1)


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
@quiet_option()
def validate_command(spec: Path, strict: bool, fmt: str, quiet: bool) -> None:
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
        errors = sum(d.severity is Severity.ERROR for d in validated.diagnostics)
        for d in validated.diagnostics:
            if d.severity is Severity.ERROR or not quiet:
                click.echo(d.format())
        if errors or not quiet:
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


@main.command("fetch")
@click.argument("url")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write resources.json and api-docs/NAME.json into.",
)
@click.option("--user", help="ARI user for HTTP basic authentication.")
@click.option(
    "--password",
    envvar="ARI_PASSWORD",
    help="Password for --user (or the ARI_PASSWORD environment variable).",
)
@click.option(
    "--api-key",
    envvar="ARI_API_KEY",
    help="user:password sent as the api_key query parameter (or ARI_API_KEY).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each response.",
)
@click.option(
    "--base-url",
    default="http://localhost:8088",
    show_default=True,
    help="Scheme and host written into every basePath (the served path is kept).",
)
@click.option(
    "--keep-base-path",
    is_flag=True,
    help="Keep basePath exactly as the server sent it.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if OUTPUT differs from what the server serves.",
)
def fetch_command(
    url: str,
    output: Path,
    user: str | None,
    password: str | None,
    api_key: str | None,
    timeout: float,
    base_url: str,
    keep_base_path: bool,
    check: bool,
) -> None:
    """Download the ARI spec a running Asterisk serves (URL: its resources.json, e.g.
    http://pbx:8088/ari/api-docs/resources.json, or just http://pbx:8088/ari) into OUTPUT.

    Nothing is written unless every document was fetched and is valid JSON."""
    from .fetch import fetch

    if api_key is not None and user is not None:
        raise click.UsageError("give either --user/--password or --api-key, not both")
    if password is not None and user is None and api_key is None:
        raise click.UsageError("--password needs --user")
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter("give an http:// or https:// URL", param_hint="URL")
    result = fetch(
        url,
        output,
        user=user,
        password=password,
        api_key=api_key,
        timeout=timeout,
        origin=None if keep_base_path else base_url,
        check=check,
    )
    if not result.ok:
        for problem in result.problems:
            click.echo(f"error: {problem.format()}", err=True)
        click.echo(
            f"{len(result.problems)} document(s) could not be fetched; "
            f"nothing written to {output}",
            err=True,
        )
        sys.exit(1)
    changes = result.changes
    summary = (
        f"{len(changes.added)} added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed"
    )
    count = len(result.files) - 1
    if check:
        if changes.stale:
            click.echo(f"{output} differs from {result.url} ({summary})")
            sys.exit(1)
        click.echo(f"{output} matches {result.url} ({count} declarations)")
        return
    if result.wrote:
        click.echo(f"fetched {count} declarations into {output}: {summary}")
    else:
        click.echo(f"{output} is up to date ({count} declarations)")
    validated = check_spec(output)
    errors = sum(d.severity is Severity.ERROR for d in validated.diagnostics)
    if validated.diagnostics:
        click.echo(
            f"the fetched spec has {errors} error(s), "
            f"{len(validated.diagnostics) - errors} warning(s); "
            f"see 'ari-codegen validate {output}'",
            err=True,
        )


# --- custom templates: templates list / templates copy ----------------------------------------


@main.group("templates")
def templates_group() -> None:
    """List the built-in templates, or copy one as the start of your own (-t DIR)."""


def _builtin_template_names() -> list[str]:
    """The built-in templates, and the runtime modules under their template names."""
    import jinja2

    from . import copied
    from .paths import builtin_templates

    loader = jinja2.FileSystemLoader(str(builtin_templates()))
    return sorted([*loader.list_templates(), *copied.template_names()])


def _describe_output(name: str, package: str, builtin: bool = True) -> str:
    from . import copied
    from .render import PER_DECLARATION, output_path

    if not name.endswith(".jinja"):
        return "(not a template: ignored)"
    if name.startswith("macros/"):
        return "(macros for {% import %}: no output)"
    if name.startswith("builtin/"):
        return "(ignored: builtin/ names the built-in templates)"
    path = output_path(name, package, None)
    if path is None:
        return "(refused: would write outside the output directory)"
    if PER_DECLARATION in name:
        return f"{path}  (one per API declaration)"
    if builtin and copied.module_for(name) is not None:
        return f"{path}  (copied from ari_codegen/runtime/{copied.module_for(name)})"
    return path


@templates_group.command("list")
@templates_option(
    "Also show what these template directories override or add (later wins)."
)
@package_option("Package name to show output paths with.")
def templates_list_command(template_dirs: tuple[Path, ...], package_name: str) -> None:
    """Every template with the output file it produces. Output paths are relative to the
    output directory; package/ becomes the package's directory; {declaration} makes one
    file per API declaration. Copy one with 'ari-codegen templates copy NAME DIR'."""
    import jinja2

    builtin = set(_builtin_template_names())
    owner: dict[str, str] = {name: "built-in" for name in builtin}
    for directory in template_dirs:  # later wins
        for name in jinja2.FileSystemLoader(str(directory)).list_templates():
            if name.endswith(".jinja"):
                verb = "overrides" if name in builtin else "new"
                owner[name] = f"{verb}: {directory}"
    rows = [
        (
            name,
            _describe_output(name, package_name, owner[name] == "built-in"),
            owner[name],
        )
        for name in sorted(owner)
        if name.endswith(".jinja")
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, output, source in rows:
        suffix = f"  [{source}]" if template_dirs else ""
        click.echo(f"{name:<{width}}  ->  {output}{suffix}")


@templates_group.command("copy")
@click.argument("name")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def templates_copy_command(name: str, directory: Path, force: bool) -> None:
    """Copy the built-in template NAME (or every template under a folder NAME, e.g.
    package/models) into DIRECTORY, keeping its relative path, so that '-t DIRECTORY'
    overrides it."""
    import difflib
    import shutil

    from . import copied
    from .paths import builtin_templates

    names = _builtin_template_names()
    wanted = name.strip("/")
    chosen = [n for n in names if n in (wanted, wanted + ".jinja")] or [
        n for n in names if n.startswith(wanted + "/")
    ]
    if not wanted or not chosen:
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise click.BadParameter(
            f"no built-in template {name!r}{hint} (see 'ari-codegen templates list')",
            param_hint="NAME",
        )
    source = builtin_templates()
    existing = [n for n in chosen if (directory / n).exists()]
    if existing and not force:
        for n in existing:
            click.echo(
                f"error: {directory / n} exists (use --force to overwrite)", err=True
            )
        click.echo("nothing copied", err=True)
        sys.exit(1)
    for n in chosen:
        target = directory / n
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            module = copied.module_for(n)
            if module is not None:  # a runtime module, as the template that makes it
                target.write_bytes(copied.template_text(module).encode())
            else:
                shutil.copyfile(source / n, target)
        except OSError as exc:
            click.echo(f"error: cannot write {target}: {exc.strerror or exc}", err=True)
            sys.exit(1)
        click.echo(f"copied {n} -> {target}")
    click.echo(f"edit, then generate with: ari-codegen generate -t {directory}")
