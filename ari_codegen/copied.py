"""The runtime modules: real modules in ``ari_codegen/runtime/``, copied into every package.

Their text is the same for every spec, so it is not rendered: ``render`` copies each module
of ``runtime.COPIED`` after the header line, and black never runs on it (it is formatted
as source, ``black --check ari_codegen``). What they need from the spec comes from the
generated data module ``_spec.py`` (template ``package/_spec.py.jinja``).

To the user a runtime module ``NAME`` is the built-in template ``package/NAME.jinja``:
``templates list`` shows it under that name, ``templates copy`` writes it as that template
(the ``{{ header }}`` tag, then the module's text), a template of that name in a ``-t``
directory replaces the copy, and ``builtin/package/NAME.jinja`` includes or extends it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import jinja2

from .runtime import COPIED

RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"
_PREFIX = "package/"
_SUFFIX = ".jinja"
_DELIMITER = re.compile(r"\{[{%#]")  # what Jinja would read as the start of a tag


def template_names() -> list[str]:
    """The template names of the runtime modules: ``package/_http.py.jinja``, ..."""
    return sorted(f"{_PREFIX}{module}{_SUFFIX}" for module in COPIED)


def module_for(template: str) -> str | None:
    """The runtime module a template name stands for (``_http.py``), or None."""
    if not (template.startswith(_PREFIX) and template.endswith(_SUFFIX)):
        return None
    module = template[len(_PREFIX) : -len(_SUFFIX)]
    return module if module in COPIED else None


def source_path(module: str) -> Path:
    return RUNTIME_DIR / module


def source_text(module: str) -> str:
    """The module's text; line endings are ``\\n`` whatever the checkout did to them."""
    return source_path(module).read_bytes().decode("utf-8").replace("\r\n", "\n")


def copied_text(module: str, header: str) -> str:
    """What the generated package gets: the header line, then the module as it is."""
    return f"{header}\n{source_text(module)}"


def template_text(module: str) -> str:
    """The module as a template that renders to ``copied_text`` (for ``templates copy``).

    Anything Jinja would read as a tag (``{{``, ``{%``, ``{#``, e.g. in an f-string) is
    written as an expression that renders to it.
    """
    text = _DELIMITER.sub(lambda m: "{{ %r }}" % m.group(), source_text(module))
    return "{{ header }}\n" + text


class RuntimeLoader(jinja2.BaseLoader):
    """Serves ``package/NAME.jinja`` for each runtime module, as ``template_text``.

    For ``{% include %}``/``{% extends %}`` only (``builtin/package/_http.py.jinja``): it
    lists no templates, since the modules are copied, not rendered.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        module = module_for(template)
        if module is None:
            raise jinja2.TemplateNotFound(template)
        return template_text(module), str(source_path(module)), lambda: True

    def list_templates(self) -> list[str]:
        return []
