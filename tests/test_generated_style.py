"""What the built-in templates and the code they generate promise a reader.

The IR decides (ari_codegen.kinds for everything per type kind, ari_codegen.naming for names,
ari_codegen.modules for imports); templates only lay it out. The generated api and models
modules are typed end to end, import everything at their top, and use modern annotations.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ari_codegen import naming

from .conftest import GENERATED, ROOT

TEMPLATES = ROOT / "templates"
# the templates of the api and models modules and their macros (the static runtime
# templates, _http/_runtime/events/errors/testing/client, are plain Python)
LAID_OUT = sorted(
    [
        *(TEMPLATES / "package" / "api").glob("*.jinja"),
        *(TEMPLATES / "package" / "models").glob("*.jinja"),
        *(TEMPLATES / "macros").glob("*.jinja"),
    ]
)
MODULES = sorted(
    p
    for folder in ("api", "models")
    for p in (GENERATED / "ari_client" / folder).glob("*.py")
    if p.name != "__init__.py"
)


@pytest.mark.parametrize("template", LAID_OUT, ids=lambda p: p.name)
def test_templates_do_not_branch_on_a_type_kind(template: Path) -> None:
    text = template.read_text("utf-8")
    # allowed.kind (LIST or RANGE) is no type kind
    found = re.findall(r"(?<!allowed)\.kind\s*(?:==|!=|in\b)", text)
    assert not found, f"{template.name} decides by a type's kind: ask the IR (kinds.py)"
    assert "spec.model(t" not in text and "NOUNS" not in text and "ERROR_CLASSES" not in text


@pytest.mark.parametrize("template", LAID_OUT, ids=lambda p: p.name)
def test_templates_do_not_compare_what_a_macro_printed(template: Path) -> None:
    text = template.read_text("utf-8")
    assert not re.search(r"\)\s*(?:==|!=)\s*[\"']", text), template.name


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.jinja")), ids=lambda p: p.name)
def test_templates_do_not_search_the_ir(template: Path) -> None:
    """Which operation is the websocket, which call the README shows: the IR and the globals
    say (docs/templates.md, "Where the decisions live"); no template collects it in a loop."""
    text = template.read_text("utf-8")
    assert "namespace(" not in text, template.name
    assert not re.search(r"\bop\.(?:path|py_name|upgrade)\s*==", text), template.name
    assert not re.search(r"\bd\.py_module\s*==", text), template.name


@pytest.mark.parametrize("module", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_generated_modules_import_at_their_top(module: Path) -> None:
    tree = ast.parse(module.read_text("utf-8"))
    body = tree.body[1:] if isinstance(tree.body[0], ast.Expr) else tree.body  # docstring
    imports = 0
    while imports < len(body) and _is_import(body[imports]):
        imports += 1
    later = [
        node.lineno
        for node in ast.walk(ast.Module(body=body[imports:], type_ignores=[]))
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    assert later == [], f"imports below the top of {module.name}: lines {later}"


def _is_import(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
        and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in node.body)
    )


@pytest.mark.parametrize("module", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_generated_modules_read_plainly(module: Path) -> None:
    text = module.read_text("utf-8")
    assert "noqa" not in text
    assert not re.search(r"\b(?:Dict|List|Tuple|Type|Optional)\[", text), "typing aliases"
    assert not re.search(r"\bimport \w+ as _\w{1,2}\b|\b_(?:rt|h|p|q|b|v)\b", text)
    assert "self._c" not in text and "__new__" not in text


def test_request_builders_are_typed_and_keyword_only() -> None:
    tree = ast.parse((GENERATED / "ari_client" / "api" / "channels.py").read_text("utf-8"))
    builders = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_build_")
    ]
    assert len(builders) > 30
    for builder in builders:
        arguments = builder.args
        assert not arguments.args and not arguments.defaults, builder.name
        for argument in arguments.kwonlyargs:
            assert argument.annotation is not None, (builder.name, argument.arg)
            assert ast.unparse(argument.annotation) != "Any", (builder.name, argument.arg)
        assert builder.returns is not None and "Request[" in ast.unparse(builder.returns)


def test_the_error_classes_are_those_of_the_errors_module() -> None:
    from ari_client import errors

    assert {
        status: cls.__name__ for status, cls in errors.ERRORS_BY_STATUS.items()
    } == naming.ERROR_CLASSES
    assert naming.error_class(418) == errors.UnexpectedStatus.__name__
