"""ari_codegen: typed Python bindings generated from the Asterisk REST Interface spec.

The library API, stage by stage (the CLI is a thin shell over it):

- ``load(spec)`` reads a resource listing, a directory holding one, or one API declaration,
  keeping the line of every JSON value (``ari_codegen.load``).
- ``validate(loaded, strict=False)`` checks it against our Swagger 1.1/1.2 JSON Schema and
  semantic rules; every problem is a ``Diagnostic`` (``ari_codegen.validate``).
- ``parse(validated, package)`` builds the IR, frozen dataclasses in ``ari_codegen.ir``.
- ``render(spec_ir, template_dirs)`` renders the templates (``ari_codegen.render``).
- ``generate(spec, output, ...)`` runs the whole pipeline, formats with black and writes
  atomically, with a manifest; ``generate_targets(targets)`` runs it for several packages
  and writes none unless all succeed (both ``ari_codegen.generate``).

Around it: ``diff_specs(old, new)`` compares two specs at the IR level (``ari_codegen.diff``),
``fetch(url, output, ...)`` downloads a live Asterisk's listing (``ari_codegen.fetch``), and
``load_config`` reads the targets of ``[tool.ari-codegen]`` (``ari_codegen.config``; it
still offers ``generate_targets`` too, under its old home).
"""

from ._version import __version__

import importlib  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from .config import load_config
    from .diagnostics import Diagnostic, Severity, SpecError
    from .diff import SpecDiff, diff_specs
    from .fetch import fetch
    from .generate import (
        GenerateResult,
        build_ir,
        check_spec,
        generate,
        generate_targets,
    )
    from .load import load
    from .parse import parse
    from .render import render
    from .validate import validate

_EXPORTS = {  # name -> its module, imported when the name is first used
    "Diagnostic": "diagnostics",
    "Severity": "diagnostics",
    "SpecError": "diagnostics",
    "SpecDiff": "diff",
    "diff_specs": "diff",
    "fetch": "fetch",
    "GenerateResult": "generate",
    "build_ir": "generate",
    "check_spec": "generate",
    "generate": "generate",
    "generate_targets": "generate",
    "load_config": "config",
    "load": "load",
    "parse": "parse",
    "render": "render",
    "validate": "validate",
}


class _Package(types.ModuleType):
    """This package, with its API imported on first use: ``ari-codegen generate`` with
    nothing to do must not pay for the IR, the renderer or the spec checks.

    Six functions share their module's name (``ari_codegen.render`` is the function
    ``render`` of the module ``ari_codegen.render``). Importing such a module would make
    the package's attribute the module; these properties keep it the function.
    """


def _export(name: str, module: str) -> property:
    def get(package: types.ModuleType) -> Any:
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)

    def keep(package: types.ModuleType, value: Any) -> None:
        """The import system records a submodule here: the function stays."""

    return property(get, keep)


for _name, _module in _EXPORTS.items():
    setattr(_Package, _name, _export(_name, _module))
sys.modules[__name__].__class__ = _Package

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
