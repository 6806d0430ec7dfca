"""Stage 4, render: Jinja2 templates × IR → text of each output file.

Templates are looked up in the user's template directories first (the later given wins),
then in the built-in ``templates/``. Every ``*.jinja`` outside ``macros/`` is an output:
``package/`` maps to the generated package's directory and ``{declaration}`` in a name
makes one file per API declaration. A template that renders to nothing produces no file.
``builtin/NAME`` reaches the built-in template NAME even when a user directory overrides it.
The runtime modules (``ari_codegen/runtime/``) are copied, not rendered, unless a user
directory overrides them by their template name (see ``copied``).
This module is the one place that registers filters and globals. Compiled templates are
kept in the cache (``cache.jinja_directory``), so a template is compiled once, not per run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from . import cache, copied, distribution, ir, objects, schema_out
from .format import fits
from .literals import pyrepr, pyset, pystr
from .diagnostics import Diagnostic, Severity
from .paths import builtin_templates

if TYPE_CHECKING:  # imported when rendering starts, not with ari_codegen
    import jinja2

GENERATOR = "ari_codegen"
# built-in templates that render to nothing without ``distribution`` (checked by the tests):
# skipped then, unless a template directory of the user's overrides them
_DISTRIBUTION_ONLY = frozenset(
    {"builtin/README.md.jinja", "builtin/pyproject.toml.jinja"}
)
PER_DECLARATION = "{declaration}"
BUILTIN_PREFIX = "builtin"  # builtin/NAME: the built-in template NAME
# control characters, line separators (str.splitlines' too) and lone surrogates (not UTF-8)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")
_PLAIN = re.compile(r'[^\\"\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]*')


@dataclass(frozen=True)
class RenderedFile:
    path: str  # relative to the output directory, POSIX separators
    text: str
    template: str  # the template file, as diagnostics name it (``template_file``)
    source: str  # the input document it was generated from
    verbatim: bool = False  # a copied runtime module: final as it is, never formatted


# --- filters ------------------------------------------------------------------------------


def docstring(value: Any, indent: int = 0) -> str:
    """Text made safe inside a triple-quoted docstring, continuation lines indented."""
    text = str(value)
    if _PLAIN.fullmatch(text):  # one line, nothing to escape: most descriptions
        return text.strip()
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}"
            if ord(m.group()) < 256
            else f"\\u{ord(m.group()):04x}"
        ),
        text.replace("\r\n", "\n"),
    )
    lines = [line.rstrip() for line in text.strip().split("\n")]
    text = ("\n" + " " * indent).join(lines).replace("\n" + " " * indent + "\n", "\n\n")
    while indent and "\n" + " " * indent + "\n" in text:  # at indent 0 this never ends
        text = text.replace("\n" + " " * indent + "\n", "\n\n")
    # a closing quote would run into the closing """; one already escaped (odd backslashes) is fine
    if text.endswith('"') and (len(text) - 1 - len(text[:-1].rstrip("\\"))) % 2 == 0:
        text = text[:-1] + '\\"'
    return text


def comment(value: Any) -> str:
    """Text made safe on one comment line."""
    return _CONTROL.sub(" ", str(value)).replace("\n", " ")


def tojson_pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


# --- laying out what may not fit on a line ------------------------------------------------
# The Python the built-in templates emit is black's fixed point (``ari_codegen.format`` runs
# black only where a line is too long), so a bracket is laid out the two ways black keeps
# as they are: on one line when that fits, else one item a line after a trailing comma.


def bracket(
    opening: str,
    items: Iterable[str],
    closing: str,
    indent: int,
    flat: str | None = None,
) -> str:
    """``opening``, the items and ``closing`` at ``indent``: ``flat`` (by default the
    items joined by ``", "`` between the two) if it fits on the line, else one item a line
    with a trailing comma after each."""
    items = [str(item) for item in items]
    one_line = flat if flat is not None else opening + ", ".join(items) + closing
    if not items or ("\n" not in one_line and fits(one_line, indent)):
        return one_line
    pad = " " * indent
    return "".join(
        [opening, *(f"\n{pad}    {item}," for item in items), f"\n{pad}{closing}"]
    )


def call_in_call(
    outer: str, inner: str, items: Iterable[str], indent: int, brackets: str = "()"
) -> str:
    """``outer(inner(items))`` at ``indent`` (``brackets`` around the items: ``"{}"`` with
    no ``inner`` makes ``outer({items})``), as black lays out a call whose one argument is
    a call or a display: on one line if it fits, else the argument on a line of its own
    (laid out by ``bracket``) inside the outer call's parentheses."""
    items = [str(item) for item in items]
    opening, closing = inner + brackets[0], brackets[1]
    flat = f"{outer}({opening}{', '.join(items)}{closing})"
    if fits(flat, indent):
        return flat
    pad = " " * indent
    laid = bracket(opening, items, closing, indent + 4)
    return f"{outer}(\n{pad}    {laid}\n{pad})"


# --- globals ------------------------------------------------------------------------------


def converts(t: ir.TypeRef) -> bool:
    """Does decoding a value of ``t`` build new objects (models, datetimes)?"""
    return t.converts


def type_noun(t: ir.TypeRef) -> str:
    return t.noun


def range_text(allowed: ir.Allowed) -> str:
    return allowed.range_text


def group_imports(spec: ir.Spec, items: Iterable[str]) -> list[tuple[str, list[str]]]:
    """``["channels:Channel", ...]`` → ``[("channels", ["Channel", ...]), ...]``: modules in
    spec order, names sorted and unique. (The built-in templates read the imports the IR
    decided, ``Declaration.api_imports`` and ``model_imports``; kept for templates of yours.)
    """
    wanted: dict[str, set[str]] = {}
    for item in items:
        module, name = item.split(":", 1)
        wanted.setdefault(module, set()).add(name)
    return [
        (d.py_module, sorted(wanted[d.py_module]))
        for d in spec.declarations
        if d.py_module in wanted
    ]


def header_line(path: str, source: str) -> str:
    text = f"generated by {GENERATOR} from {comment(source)} — do not edit"
    suffix = PurePosixPath(path).suffix
    if suffix in (".md", ".html", ".xml"):
        return f"<!-- {text} -->"
    if suffix == ".json":
        return json.dumps(text, ensure_ascii=False)
    return f"# {text}"


def environment(template_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """The Jinja2 environment: user directories (last given first), then the built-ins.

    ``builtin/NAME`` always names the built-in template NAME, so that a user template can
    extend, import or include the built-in it overrides (``builtin/`` is never an output).
    """
    import jinja2

    search = [str(d) for d in reversed(template_dirs)] + [str(builtin_templates())]
    env = jinja2.Environment(
        bytecode_cache=_bytecode_cache(cache.jinja_directory()),
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(search),
                jinja2.PrefixLoader(
                    {
                        BUILTIN_PREFIX: jinja2.ChoiceLoader(
                            [
                                jinja2.FileSystemLoader(str(builtin_templates())),
                                copied.RuntimeLoader(),
                            ]
                        )
                    }
                ),
                copied.RuntimeLoader(),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(
        pystr=pystr,
        pyrepr=pyrepr,
        pyset=pyset,
        docstring=docstring,
        comment=comment,
        tojson_pretty=tojson_pretty,
    )
    env.globals.update(
        converts=converts,
        type_noun=type_noun,
        range_text=range_text,
        json_schema=schema_out.declaration_schema,
        date_pattern=schema_out.DATE_PATTERN,
        group_imports=group_imports,
        event_objects=objects.event_objects,
        object_models=objects.object_models,
        distribution_info=distribution.distribution_info,
        bracket=bracket,
        call_in_call=call_in_call,
    )
    return env


@lru_cache(maxsize=4)
def _bytecode_cache(directory: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in ``directory``; a cache that fails is not used."""
    import jinja2

    if directory is None:
        return None

    class Cache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable or corrupt: compile anew
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return Cache(str(directory))


def output_templates(env: jinja2.Environment) -> list[str]:
    """Names of the templates that produce files (sorted, so output order is stable)."""
    return sorted(
        name
        for name in env.list_templates(extensions=["jinja"])
        if not name.startswith(("macros/", BUILTIN_PREFIX + "/"))
    )


def output_path(
    template: str, package: str, declaration: ir.Declaration | None
) -> str | None:
    """Where a template's output goes; None if it would leave the output directory."""
    name = template.removesuffix(".jinja")
    if declaration is not None:
        name = name.replace(PER_DECLARATION, declaration.py_module)
    parts = PurePosixPath(name).parts
    if parts and parts[0] == "package":
        parts = (*package.split("."), *parts[1:])
    if (
        not parts
        or ".." in parts
        or PurePosixPath(name).is_absolute()
        or any("\\" in p or ":" in p for p in parts)
    ):
        return None
    return PurePosixPath(*parts).as_posix()


def _roots(template_dirs: Sequence[Path]) -> list[tuple[Path, str]]:
    """Each template directory, resolved, with the name diagnostics give it: the user's
    directories as given (the later wins), then the built-ins as ``builtin``."""
    roots = [(Path(d).resolve(), Path(d).as_posix()) for d in reversed(template_dirs)]
    return roots + [(builtin_templates().resolve(), BUILTIN_PREFIX)]


def _shown(filename: str, roots: list[tuple[Path, str]]) -> str | None:
    """A template file's name in diagnostics (``builtin/NAME``, ``DIR/NAME``): no
    installation path ever appears; None if it lies in no template directory."""
    where = Path(filename).resolve()
    for root, shown in roots:
        if root in where.parents:
            return f"{shown}/{where.relative_to(root).as_posix()}"
    return None


def template_file(name: str, template_dirs: Sequence[Path]) -> str:
    """The file that provides template ``name``, as diagnostics name it."""
    for root, shown in _roots(template_dirs):
        if (root / name).is_file():
            return f"{shown}/{name}"
    return name


def _template_location(
    exc: BaseException, template: str, template_dirs: Sequence[Path]
) -> tuple[str, int | None]:
    """The template file and line where rendering failed, from Jinja's rewritten traceback.

    The innermost template frame wins (an error in an included or extended template names
    that template); a syntax error names the file that has it.
    """
    import traceback

    import jinja2

    roots = _roots(template_dirs)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        shown = _shown(exc.filename, roots) if exc.filename else None
        return shown or template_file(exc.name or template, template_dirs), exc.lineno
    found: tuple[str, int | None] = (template_file(template, template_dirs), None)
    for frame in traceback.extract_tb(exc.__traceback__):
        shown = _shown(frame.filename, roots)
        if shown is not None:
            found = (shown, frame.lineno)
    return found


def render(
    spec: ir.Spec, template_dirs: Sequence[Path] = (), *, distribution: bool = False
) -> tuple[list[RenderedFile], list[Diagnostic]]:
    """Render every output template; problems are diagnostics that name template and line.

    ``distribution`` is the templates' context variable of that name: the built-in
    ``pyproject.toml.jinja`` and ``README.md.jinja`` render to nothing without it.
    """
    env = environment(template_dirs)
    files: list[RenderedFile] = []
    problems: list[Diagnostic] = [
        Diagnostic(
            Severity.ERROR,
            str(d),
            "",
            None,
            "template directory not found",
            "pass an existing directory",
        )
        for d in template_dirs
        if not Path(d).is_dir()
    ]
    if problems:
        return files, problems
    package_source = spec.inputs[0].name if spec.inputs else ""
    templates = output_templates(env)
    runtime = [n for n in copied.template_names() if n not in templates]
    for name in sorted([*templates, *runtime]):
        if name in runtime:  # not overridden: copied as it is
            path = output_path(name, spec.package, None)
            assert path is not None
            module = copied.module_for(name)
            assert module is not None
            text = copied.copied_text(module, header_line(path, package_source))
            files.append(RenderedFile(path, text, name, package_source, verbatim=True))
            continue
        shown = template_file(name, template_dirs)
        if not distribution and shown in _DISTRIBUTION_ONLY:
            continue  # renders to nothing: not even compiled
        targets: list[ir.Declaration | None] = (
            list(spec.declarations) if PER_DECLARATION in name else [None]
        )
        for declaration in targets:
            path = output_path(name, spec.package, declaration)
            if path is None:
                problems.append(
                    Diagnostic(
                        Severity.ERROR,
                        shown,
                        "",
                        None,
                        "this template would write outside the output directory",
                        "name templates by their path below the output directory",
                    )
                )
                break
            source = declaration.source if declaration else package_source
            context = {
                "spec": spec,
                "declaration": declaration,
                "output_path": path,
                "header": header_line(path, source),
                "header_text": f"generated by {GENERATOR} from {comment(source)} — do not edit",
                "distribution": distribution,
            }
            try:
                text = env.get_template(name).render(context)
            except Exception as exc:  # any template fault becomes a diagnostic
                what = (
                    f"declaration {declaration.name!r}" if declaration else "the spec"
                )
                where, line = _template_location(exc, name, template_dirs)
                problems.append(
                    Diagnostic(
                        Severity.ERROR,
                        where,
                        "",
                        line,
                        f"rendering {what} failed: {type(exc).__name__}: {exc}",
                        "fix the template; the IR it gets is documented in docs/templates.md",
                    )
                )
                continue
            if text.strip():
                files.append(RenderedFile(path, text, shown, source))
    return files, problems
