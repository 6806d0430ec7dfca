"""The pipeline, load → validate → parse → render → format → write, as one library call
(``generate``), and as one call for the several targets of a configuration
(``generate_targets``: every target checked before any is written).

What "fresh" means: the output is fresh when every file on disk is what this generator
writes for these inputs, templates and options. Two shortcuts keep that cheap, neither of
which can change a byte of the output:

- black runs only on a file whose rendered text differs from the manifest's ``rendered``
  hash or whose bytes on disk differ from its ``written`` hash; any other file is kept as it
  is, whichever black version formatted it. The manifest records no formatter version, so a
  different black never makes fresh output stale (nor spends seconds finding that out).
  black's output is also kept in the cache by the hash of its input, module by module and
  statement by statement (see ``format``): what black formatted once is not formatted again.
- a run whose key (code, templates, inputs, options, manifest; see ``cache``) matches the
  stamp left by the last fresh run, over files that all still have their recorded hashes,
  renders nothing: it returns before jinja2, jsonschema or black are even imported.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from . import cache, naming
from ._version import __version__
from .diagnostics import Diagnostic, Severity
from .load import LoadedSpec, load
from .paths import bundled_spec
from .write import (
    Changes,
    Manifest,
    WriteError,
    commit,
    compare,
    manifest_path,
    read_current,
    sha256,
)

if TYPE_CHECKING:  # the later stages are imported when a run gets that far
    from . import ir
    from .validate import ValidatedSpec

DEFAULT_PACKAGE = "ari_client"
DEFAULT_OUTPUT = Path("generated")
FORMATTER = "black"
PYTHON_SUFFIXES = (".py", ".pyi")  # what black formats


def check_package(package: str) -> None:
    """Refuse a package name that cannot be generated (``ValueError`` with the reason)."""
    problem = naming.package_problem(package)
    if problem is not None:
        raise ValueError(problem)


def check_spec(spec: str | Path | None = None, strict: bool = False) -> ValidatedSpec:
    """Load and validate a spec (the bundled one by default); problems are in ``.diagnostics``."""
    from .validate import validate

    return validate(load(spec if spec is not None else bundled_spec()), strict=strict)


def build_ir(
    spec: str | Path | None = None, package: str = DEFAULT_PACKAGE, strict: bool = False
) -> tuple[ir.Spec | None, list[Diagnostic]]:
    """The IR of a spec, or None with the diagnostics that prevent it."""
    from .parse import parse

    check_package(package)
    validated = check_spec(spec, strict)
    return (parse(validated, package) if validated.ok else None), validated.diagnostics


@dataclass
class GenerateResult:
    """What ``generate`` did or, with ``check``, would do."""

    output: Path
    diagnostics: list[Diagnostic]
    # path -> content, manifest included
    files: dict[str, bytes] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)
    formatted: list[str] = field(default_factory=list)  # files black ran on
    wrote: bool = False

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def diff(self, max_lines: int = 200) -> str:
        """A unified diff from the files on disk to the generated ones, cut at ``max_lines``."""
        lines: list[str] = []
        for path in self.changes.removed:
            lines.append(f"removed: {path}")
        for path in self.changes.added:
            lines.append(f"added: {path}")
        for path in self.changes.changed:
            old = (read_current(self.output, path) or b"").decode("utf-8", "replace")
            new = self.files[path].decode("utf-8")
            lines.extend(
                difflib.unified_diff(
                    old.splitlines(),
                    new.splitlines(),
                    f"a/{path}",
                    f"b/{path}",
                    lineterm="",
                )
            )
        if len(lines) > max_lines:
            lines = lines[:max_lines] + [f"... {len(lines) - max_lines} more lines"]
        return "\n".join(lines)


def _run_key(
    loaded: LoadedSpec,
    template_dirs: Sequence[Path],
    package: str,
    strict: bool,
    format: bool,
    distribution: bool,
    manifest: bytes,
) -> str:
    """What the output is a function of (see ``cache``), and the manifest it has."""
    return cache.key(
        code=cache.code_digest(),
        templates=cache.templates_digest(template_dirs),
        inputs=sorted((d.name, d.sha256) for d in loaded.documents),
        options=[package, strict, format, distribution],
        manifest=sha256(manifest),
    )


def _fresh(
    spec: str | Path,
    root: Path,
    package: str,
    template_dirs: Sequence[Path],
    strict: bool,
    format: bool,
    distribution: bool = False,
) -> GenerateResult | None:
    """The result of a run with nothing to do, if the stamp says so (else None)."""
    if cache.directory() is None:
        return None
    manifest = read_current(root, manifest_path(package))
    old = Manifest.from_bytes(manifest) if manifest is not None else None
    if manifest is None or old is None:
        return None
    files: dict[str, bytes] = {}
    for path, hashes in old.files.items():
        current = read_current(root, path)
        if current is None or sha256(current) != hashes["written"]:
            return None
        files[path] = current
    loaded = load(spec, positions=False)
    if loaded.diagnostics:
        return None
    wanted = _run_key(
        loaded, template_dirs, package, strict, format, distribution, manifest
    )
    diagnostics = cache.read("fresh", _output_id(root, package), wanted)
    if not isinstance(diagnostics, list):
        return None
    files[manifest_path(package)] = manifest
    return GenerateResult(root, diagnostics, files)


def _output_id(root: Path, package: str) -> tuple[str, ...]:
    return (str(root.resolve()), package)


def _front(
    spec: str | Path, package: str, strict: bool
) -> tuple[LoadedSpec, list[Diagnostic], ir.Spec | None]:
    """Load, validate and parse, or take the IR from the cache if the inputs are those of
    the last run of this spec (and this code)."""
    loaded = load(spec)
    identity = (str(Path(spec).resolve()), package, str(strict))
    key = cache.key(
        code=cache.code_digest(),
        inputs=sorted((d.name, d.sha256) for d in loaded.documents),
        diagnostics=[d.format() for d in loaded.diagnostics],
    )
    hit = cache.read("parsed", identity, key)
    if isinstance(hit, tuple):
        return loaded, *hit
    from .parse import parse
    from .validate import validate

    validated = validate(loaded, strict=strict)
    model = parse(validated, package) if validated.ok else None
    if model is not None:
        cache.write("parsed", identity, key, (validated.diagnostics, model))
    return loaded, validated.diagnostics, model


def generate(
    spec: str | Path | None = None,
    output: str | Path = DEFAULT_OUTPUT,
    *,
    package: str = DEFAULT_PACKAGE,
    template_dirs: Sequence[str | Path] = (),
    strict: bool = False,
    check: bool = False,
    format: bool = True,
    distribution: bool = False,
) -> GenerateResult:
    """Generate the package ``package`` into ``output`` from ``spec`` (default: the bundled one).

    With ``check``, nothing is written: ``result.changes.stale`` says whether the output on
    disk differs. On any error the output directory is left exactly as it was. A package
    name that cannot be generated (see ``naming.package_problem``) is a ``ValueError``.
    With ``distribution``, a ``pyproject.toml`` and a README beside the package make the
    output directory installable (``pip install OUTPUT``; see ``ari_codegen.distribution``).
    """
    check_package(package)
    root = Path(output)
    spec = spec if spec is not None else bundled_spec()
    dirs = [Path(d) for d in template_dirs]
    fresh = _fresh(spec, root, package, dirs, strict, format, distribution)
    if fresh is not None:
        return fresh
    if not format or not (root / manifest_path(package)).is_file():
        # into a new directory black has every file to format (in a pool) or none (all
        # in the cache): no use for a worker
        return _generate(spec, root, package, dirs, strict, check, format, distribution)
    from . import format as formatting  # black itself: only if a file needs it

    # over earlier output black has a few pieces to format, if any: its import, in a
    # process of its own, goes on while this one renders
    formatting.prepare()
    try:
        return _generate(spec, root, package, dirs, strict, check, format, distribution)
    finally:
        formatting.release()


def _generate(
    spec: str | Path,
    root: Path,
    package: str,
    dirs: list[Path],
    strict: bool,
    check: bool,
    format: bool,
    distribution: bool,
) -> GenerateResult:
    """``generate`` past the stamp: load, validate, parse, render, format, write."""
    loaded, diagnostics, model = _front(spec, package, strict)
    result = GenerateResult(root, list(diagnostics))
    if model is None:
        return result
    from .render import render  # jinja2 is imported only when something is rendered

    rendered, problems = render(model, dirs, distribution=distribution)
    result.diagnostics += problems
    if problems:
        return result
    old = Manifest.read(root / manifest_path(package))
    # on disk, formatted by black: any version ("black 26.10.1" in older manifests)
    reuse = (
        format and old is not None and (old.formatter or "").split()[:1] == [FORMATTER]
    )
    manifest = Manifest(
        f"ari_codegen {__version__}",
        FORMATTER if format else None,
        {i.name: i.sha256 for i in model.inputs},
        source=model.inputs[0].name if model.inputs else "",
    )
    texts: dict[str, str] = {}  # path -> text that black must format
    for file in rendered:
        text_hash = sha256(file.text.encode())
        manifest.files[file.path] = {"rendered": text_hash}
        recorded = old.files.get(file.path, {}) if reuse and old is not None else {}
        if recorded.get("rendered") == text_hash:
            current = read_current(root, file.path)
            if current is not None and sha256(current) == recorded.get("written"):
                result.files[file.path] = current  # fresh, whoever formatted it
                continue
        if format and file.path.endswith(PYTHON_SUFFIXES) and not file.verbatim:
            texts[file.path] = file.text
        else:
            result.files[file.path] = file.text.encode()
    if texts:
        templates = {f.path: f.template for f in rendered}
        _format(texts, templates, result, laid_out=not dirs)
    if not result.ok:
        return result
    result.files = {f.path: result.files[f.path] for f in rendered}  # rendering order
    for path, content in result.files.items():
        manifest.files[path]["written"] = sha256(content)
    result.files[manifest_path(package)] = manifest.to_bytes()
    result.changes = compare(root, result.files, old)
    if not check and result.changes.stale:
        try:
            commit(root, result.files, result.changes)
        except WriteError as exc:  # commit put back what it had swapped
            result.diagnostics.append(write_error(root, exc))
            return result
        result.wrote = True
    if not result.changes.stale or result.wrote:  # fresh now: leave the stamp
        manifest_bytes = result.files[manifest_path(package)]
        key = _run_key(
            loaded, dirs, package, strict, format, distribution, manifest_bytes
        )
        cache.write("fresh", _output_id(root, package), key, result.diagnostics)
    return result


def _format(
    texts: dict[str, str],
    templates: dict[str, str],
    result: GenerateResult,
    laid_out: bool,
) -> None:
    """black on ``texts`` (path -> rendered text), into ``result``: a text black cannot
    parse is an error naming the template it came from."""
    from .format import format_all  # black is imported only when a file needs it

    result.formatted += texts
    for path, formatted in zip(
        texts, format_all(list(texts.values()), list(texts), laid_out=laid_out)
    ):
        if isinstance(formatted, str):
            result.files[path] = formatted.encode()
            continue
        why = "; ".join(  # black's message, on one line
            part.strip()
            for part in str(formatted).splitlines()
            if part.strip() not in ("", "^")
        )
        result.diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                templates[path],
                "",
                None,
                f"rendered {path} is not valid Python: {why}",
                "fix the template so that it renders valid Python",
            )
        )


def write_error(root: Path, exc: WriteError) -> Diagnostic:
    """A failed write, naming the file under the output directory as the user gave it."""
    where = root / exc.path if exc.path else root
    return Diagnostic(
        Severity.ERROR,
        where.as_posix(),
        "",
        None,
        f"cannot write the output: {exc.reason}; nothing was changed",
    )


# --- several packages in one run: the targets of a configuration ---------------------------


@dataclass(frozen=True)
class Target:
    """One package to generate: what ``generate`` needs."""

    name: str
    spec: Path | None = None  # None: the bundled listing
    output: Path = DEFAULT_OUTPUT
    package: str = DEFAULT_PACKAGE
    templates: tuple[Path, ...] = ()
    strict: bool = False
    format: bool = True
    distribution: bool = False

    def override(self, **changes: Any) -> Target:
        return dataclasses.replace(self, **changes)

    def generate(self, *, check: bool = False) -> GenerateResult:
        """``generate`` with this target's options."""
        return generate(
            self.spec,
            self.output,
            package=self.package,
            template_dirs=self.templates,
            strict=self.strict,
            check=check,
            format=self.format,
            distribution=self.distribution,
        )


@dataclass
class TargetsResult:
    """What ``generate_targets`` did: one ``GenerateResult`` per target, and conflicts."""

    results: list[tuple[Target, GenerateResult]]
    conflicts: list[str]

    @property
    def ok(self) -> bool:
        return not self.conflicts and all(r.ok for _, r in self.results)


def _conflicts(results: list[tuple[Target, GenerateResult]]) -> list[str]:
    """Files that two targets would write into the same output directory."""
    owner: dict[tuple[Path, str], str] = {}
    found: list[str] = []
    for target, result in results:
        root = target.output.resolve()
        for path in result.files:
            key = (root, path)
            if key in owner:
                found.append(
                    f"targets {owner[key]!r} and {target.name!r} both write "
                    f"{target.output / path}"
                )
            else:
                owner[key] = target.name
    return found


def generate_targets(
    targets: Sequence[Target], *, check: bool = False
) -> TargetsResult:
    """Generate every target; nothing is written unless all of them render and format.

    Every target is rendered, formatted and compared first; then, unless ``check`` or a
    target failed or two targets would write the same file, the stale ones are written, one
    target after the other (each atomically: a failed write leaves that target's output as it
    was, and the targets written before it stay written).
    Each target keeps its own manifest (``<package>/.ari-codegen-manifest.json``), so
    targets sharing an output directory never remove each other's files.
    """
    results = [(target, target.generate(check=True)) for target in targets]
    outcome = TargetsResult(results, _conflicts(results))
    if check or not outcome.ok:
        return outcome
    for target, result in results:
        if result.changes.stale:
            try:
                commit(target.output, result.files, result.changes)
            except WriteError as exc:  # this target was put back; stop here
                result.diagnostics.append(write_error(target.output, exc))
                return outcome
            result.wrote = True
    return outcome
