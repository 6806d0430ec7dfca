"""ari_codegen: typed Python bindings generated from the Asterisk REST Interface spec.

The library API, stage by stage (the CLI is a thin shell over it):

- ``load(spec)`` reads a resource listing, a directory holding one, or one API declaration,
  keeping the line of every JSON value (``ari_codegen.load``).
- ``validate(loaded, strict=False)`` checks it against our Swagger 1.1/1.2 JSON Schema and
  semantic rules; every problem is a ``Diagnostic`` (``ari_codegen.validate``).
- ``parse(validated, package)`` builds the IR, frozen dataclasses in ``ari_codegen.ir``.
- ``render(spec_ir, template_dirs)`` renders the templates (``ari_codegen.render``).
- ``generate(spec, output, ...)`` runs the whole pipeline, formats with black and writes
  atomically, with a manifest (``ari_codegen.generate``).

Around it: ``diff_specs(old, new)`` compares two specs at the IR level (``ari_codegen.diff``),
``fetch(url, output, ...)`` downloads a live Asterisk's listing (``ari_codegen.fetch``), and
``load_config``/``generate_targets`` run the targets of ``[tool.ari-codegen]``
(``ari_codegen.config``).
"""

from ._version import __version__
from .config import generate_targets, load_config
from .diagnostics import Diagnostic, Severity, SpecError
from .diff import SpecDiff, diff_specs
from .fetch import fetch
from .generate import GenerateResult, build_ir, check_spec, generate
from .load import load
from .parse import parse
from .render import render
from .validate import validate

__all__ = [
    "Diagnostic",
    "GenerateResult",
    "Severity",
    "SpecDiff",
    "SpecError",
    "__version__",
    "build_ir",
    "check_spec",
    "diff_specs",
    "fetch",
    "generate",
    "generate_targets",
    "load",
    "load_config",
    "parse",
    "render",
    "validate",
]
