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
"""

__version__ = "0.1.0"

from .diagnostics import Diagnostic, Severity, SpecError  # noqa: E402
from .generate import GenerateResult, build_ir, check_spec, generate  # noqa: E402
from .load import load  # noqa: E402
from .parse import parse  # noqa: E402
from .render import render  # noqa: E402
from .validate import validate  # noqa: E402

__all__ = [
    "Diagnostic",
    "GenerateResult",
    "Severity",
    "SpecError",
    "__version__",
    "build_ir",
    "check_spec",
    "generate",
    "load",
    "parse",
    "render",
    "validate",
]
