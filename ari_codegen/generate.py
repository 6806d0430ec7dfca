"""The pipeline, load → validate → parse → render → format → write, as one library call."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from . import ir
from ._version import __version__
from .diagnostics import Diagnostic, Severity
from .format import FORMATTER, FormatError, format_python, needs_formatting
from .load import load
from .parse import parse
from .paths import bundled_spec
from .render import render
from .validate import ValidatedSpec, validate
from .write import (
    Changes,
    Manifest,
    commit,
    compare,
    manifest_path,
    read_current,
    sha256,
)

DEFAULT_PACKAGE = "ari_client"
DEFAULT_OUTPUT = Path("generated")


def check_spec(spec: str | Path | None = None, strict: bool = False) -> ValidatedSpec:
    """Load and validate a spec (the bundled one by default); problems are in ``.diagnostics``."""
    return validate(load(spec if spec is not None else bundled_spec()), strict=strict)


def build_ir(
    spec: str | Path | None = None, package: str = DEFAULT_PACKAGE, strict: bool = False
) -> tuple[ir.Spec | None, list[Diagnostic]]:
    """The IR of a spec, or None with the diagnostics that prevent it."""
    validated = check_spec(spec, strict)
    return (parse(validated, package) if validated.ok else None), validated.diagnostics


@dataclass
class GenerateResult:
    """What ``generate`` did or, with ``check``, would do."""

    output: Path
    diagnostics: list[Diagnostic]
    files: dict[str, bytes] = field(
        default_factory=dict
    )  # path -> content, manifest included
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
    disk differs. On any error the output directory is left exactly as it was.
    With ``distribution``, a ``pyproject.toml`` and a README beside the package make the
    output directory installable (``pip install OUTPUT``; see ``ari_codegen.distribution``).
    """
    root = Path(output)
    model, diagnostics = build_ir(spec, package, strict)
    result = GenerateResult(root, diagnostics)
    if model is None:
        return result
    rendered, problems = render(
        model, [Path(d) for d in template_dirs], distribution=distribution
    )
    result.diagnostics += problems
    if problems:
        return result
    old = Manifest.read(root / manifest_path(package))
    reuse = old is not None and format and old.formatter == FORMATTER
    manifest = Manifest(
        f"ari_codegen {__version__}",
        FORMATTER if format else None,
        {i.name: i.sha256 for i in model.inputs},
        source=model.inputs[0].name if model.inputs else "",
    )
    for file in rendered:
        text_hash = sha256(file.text.encode())
        content: bytes | None = None
        if (
            reuse
            and old is not None
            and old.files.get(file.path, {}).get("rendered") == text_hash
        ):
            current = read_current(root, file.path)
            if current is not None and sha256(current) == old.files[file.path].get(
                "written"
            ):
                content = current
        if content is None:
            text = file.text
            if format and needs_formatting(file.path) and not file.verbatim:
                try:
                    text = format_python(text)
                except FormatError as exc:  # black's message, on one line
                    why = "; ".join(
                        part.strip()
                        for part in str(exc).splitlines()
                        if part.strip() not in ("", "^")
                    )
                    result.diagnostics.append(
                        Diagnostic(
                            Severity.ERROR,
                            file.template,
                            "",
                            None,
                            f"rendered {file.path} is not valid Python: {why}",
                            "fix the template so that it renders valid Python",
                        )
                    )
                    continue
                result.formatted.append(file.path)
            content = text.encode()
        result.files[file.path] = content
        manifest.files[file.path] = {"rendered": text_hash, "written": sha256(content)}
    if not result.ok:
        return result
    result.files[manifest_path(package)] = manifest.to_bytes()
    result.changes = compare(root, result.files, old)
    if not check and result.changes.stale:
        try:
            commit(root, result.files, result.changes)
        except (OSError, ValueError) as exc:  # commit put back what it had swapped
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            result.diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    str(getattr(exc, "filename", None) or root),
                    "",
                    None,
                    f"cannot write the output: {reason}; nothing was changed",
                )
            )
            return result
        result.wrote = True
    return result
