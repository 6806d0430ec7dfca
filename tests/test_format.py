"""The format stage on what the built-in templates render: black runs only on the statements
``format.statements`` finds (a line too long, a docstring black may change), each alone in a
scaffold module; everything else the templates already lay out as black does. The promise
these tests keep: for any spec, that gives byte for byte black's output for the whole text.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings

from ari_codegen import format as formatting
from ari_codegen.layout import Bracket, TupleDisplay, bracket, call_in_call, laid_out
from ari_codegen.load import load
from ari_codegen.parse import parse
from ari_codegen.render import render
from ari_codegen.validate import validate

from .conftest import with_black
from .strategies import SpecCase, specs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARI_CODEGEN_CACHE_DIR", "")  # black itself, every time


def python_texts(spec: Path) -> dict[str, str]:
    """What the built-in templates render of ``spec``: the Python black would format."""
    model = parse(validate(load(spec)), "ari_client")
    assert model is not None
    files, problems = render(model, [])
    assert not problems
    return {f.path: f.text for f in files if f.path.endswith(".py") and not f.verbatim}


def assert_black_s_output(texts: dict[str, str]) -> None:
    laid_out = formatting.format_all(list(texts.values()), list(texts), laid_out=True)
    for (path, text), output in zip(texts.items(), laid_out):
        assert output == formatting.format_python(text), path


SPECS = {
    "bundled": ROOT / "specs",
    "20.0.0": ROOT / "tests" / "data" / "specs" / "20.0.0",
    "2013 listing": ROOT / "tests" / "data" / "specs" / "20.0.0-as-2013",
    # the listing of the Asterisk the integration tests run (master of 2026-08)
    "asterisk-f0c1c1a7b7": ROOT / "tests" / "data" / "specs" / "asterisk-f0c1c1a7b7",
}


@pytest.mark.parametrize("name", list(SPECS))
def test_black_only_on_long_statements_is_black_on_the_whole(name: str) -> None:
    assert_black_s_output(python_texts(SPECS[name]))


# black on whole texts is slow: a few examples, no shrinking (the diff names the line)
@settings(
    max_examples=max(6, settings.default.max_examples // 10),
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(case=specs())
def test_black_only_on_long_statements_is_black_on_the_whole_for_any_spec(
    case: SpecCase,
) -> None:
    """Random specs with hostile text: descriptions of any character and length, long
    names, enums, defaults; what black would change anywhere is found."""
    os.environ["ARI_CODEGEN_CACHE_DIR"] = ""
    tmp = Path(tempfile.mkdtemp(prefix="ari-format-"))
    try:
        assert_black_s_output(python_texts(case.write(tmp)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_black_formats_only_the_long_statements_and_the_docstrings() -> None:
    texts = python_texts(SPECS["bundled"])
    whole = sum(map(len, texts.values()))
    spans = {path: formatting.statements(text) for path, text in texts.items()}
    assert all(found is not None for found in spans.values())
    sent = sum(b - a for found in spans.values() if found for a, b in found)
    assert sent < whole / 4, (sent, whole)  # most of the text is not black's to touch


def test_statements_finds_long_lines_and_docstrings_not_comments() -> None:
    text = (
        '"""Module docstring.\n\nMore."""\n'
        "# a comment line of any length " + "x" * 80 + "\n"
        "x = 1\n"
        "y = f(" + ", ".join(f"argument_{i}" for i in range(12)) + ")\n"
        "def g(a: int) -> None:\n"
        '    """One line, nothing to normalize."""\n'
        "    z = (\n"
        "        " + " + ".join(["value"] * 14) + "\n"
        "    )\n"
        '    "an attribute string, not a docstring, ' + "w" * 60 + '"\n'
    )
    found = formatting.statements(text)
    assert found is not None
    spans = [text[a:b] for a, b in found]
    assert spans == [
        '"""Module docstring.\n\nMore."""',
        text.splitlines()[5],
        "\n".join(text.splitlines()[8:11]),
    ]


def test_statements_leaves_unbalanced_brackets_and_fmt_directives_to_black_whole() -> (
    None
):
    assert formatting.statements("x = (1,\n") is None
    assert formatting.statements("# fmt: off\nx = [1,2]\n# fmt: on\n") is None


def test_a_wide_line_is_long_at_half_the_length() -> None:
    text = (
        "x = f(" + '"' + "表" * 30 + '"' + ")\n"
    )  # 38 characters, 68 columns wide: fits
    assert formatting.statements(text) == [(0, len(text) - 1)]  # sent all the same
    assert formatting.format_all([text], laid_out=True) == [
        formatting.format_python(text)
    ]


def test_every_kind_of_statement_black_may_split_is_formatted_in_its_scaffold() -> None:
    long_call = "f(" + ", ".join(f"argument_{i}" for i in range(12)) + ")"
    text = (
        "class A:\n"
        "    def method(self, "
        + ", ".join(f"p{i}: int" for i in range(14))
        + ") -> None:\n"
        "        if x:\n"
        "            pass\n"
        "        elif " + " and ".join(f"c{i}" for i in range(16)) + ":\n"
        "            pass\n"
        "        try:\n"
        "            pass\n"
        "        except (" + ", ".join(f"Error{i}" for i in range(10)) + "):\n"
        "            pass\n"
        "        return " + long_call + "\n"
    )
    assert formatting.format_all([text], laid_out=True) == [
        formatting.format_python(text)
    ]


def test_black_s_error_names_the_line_of_the_whole_text() -> None:
    text = "x = 1\ny = f(" + ", ".join(["a"] * 40) + ",, )\n"
    [result] = formatting.format_all([text], laid_out=True)
    assert isinstance(result, formatting.FormatError)
    assert "2:" in str(result)  # the line in the text, not in a scaffold


@pytest.mark.parametrize("indent", [0, 4, 8, 12])
def test_bracket_is_black_s_fixed_point(indent: int) -> None:
    pad = " " * indent
    for count in (0, 1, 3, 12):
        items = [f"name_{i}: int = {i}" for i in range(count)]
        laid = bracket("def function_name(", items, ") -> None:", indent)
        scaffold = "".join(
            f"{'    ' * level}class C:\n" for level in range(indent // 4)
        )
        module = f"{scaffold}{pad}{laid}\n{pad}    pass\n"
        assert formatting.format_python(module) == module, (indent, count)
        if count in (0, 1, 12):
            assert ("\n" in laid) == (count == 12), laid


@pytest.mark.parametrize("count", [0, 1, 4, 16])
def test_call_in_call_is_black_s_fixed_point(count: int) -> None:
    items = [f"keyword_{i}=keyword_{i}" for i in range(count)]
    laid = call_in_call("return self._sender.send", "_build_operation", items, 8)
    module = f"if x:\n    if x:\n        {laid}\n"
    assert formatting.format_python(module) == module
    names = [f'"key_{i}"' for i in range(count)] or ['"only"']
    laid = call_in_call("KEYS: frozenset[str] = frozenset", "", names, 0, "{}")
    assert formatting.format_python(laid + "\n") == laid + "\n"


def test_with_templates_of_your_own_black_formats_every_python_file_whole(
    tmp_path: Path,
) -> None:
    """A user's templates need not lay out their code as black does: with ``-t`` black
    formats each Python file whole, short lines included."""
    from ari_codegen import generate

    mine = tmp_path / "templates" / "package"
    mine.mkdir(parents=True)
    (mine / "extra.py.jinja").write_text("x = [1,2,  3]\ny = {'a':1}\n")
    result = generate(
        SPECS["bundled"], tmp_path / "out", template_dirs=[tmp_path / "templates"]
    )
    assert result.ok, [d.format() for d in result.diagnostics]
    extra = (tmp_path / "out" / "ari_client" / "extra.py").read_text()
    assert extra == 'x = [1, 2, 3]\ny = {"a": 1}\n'
    built_in = (tmp_path / "out" / "ari_client" / "api" / "channels.py").read_text()
    assert (
        built_in
        == (ROOT / "generated" / "ari_client" / "api" / "channels.py").read_text()
    )


def test_the_layout_is_an_older_black_s_too(old_black: Path, tmp_path: Path) -> None:
    """black 24 (the oldest the dependency allows) agrees: its output for each whole text
    is what ``format_all`` gives with it on the long statements and docstrings alone."""
    probe = (
        "import black\n"
        "from ari_codegen import format as f\n"
        "from tests.test_format import SPECS, python_texts\n"
        "texts = python_texts(SPECS['bundled'])\n"
        "done = f.format_all(list(texts.values()), laid_out=True)\n"
        "print(black.__version__, [p for (p, t), o in zip(texts.items(), done)"
        " if o != f.format_python(t)])\n"
    )
    cache = tmp_path / "cache"
    cache.mkdir()
    done = with_black(old_black, probe, cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("24.") and done.stdout.rstrip().endswith(
        " []"
    ), done.stdout


def test_a_bracket_among_the_items_is_laid_out_in_turn() -> None:
    values = Bracket("(", tuple(f'"value_{i}"' for i in range(12)), ")")
    laid = bracket("Param(", ['"name"', "True", values, 5], "),", 12)
    module = f"x = (\n    y(\n        z,\n        (\n            {laid}\n        ),\n    ),\n)\n"
    assert formatting.format_python(module) == module
    assert '"value_11",\n' in laid and "),\n" in laid  # the inner one exploded too
    short = bracket("f(", ["a", Bracket("(", ("1", "2"), ")")], ")", 0)
    assert short == "f(a, (1, 2))"


@pytest.mark.parametrize("count", [0, 1, 2, 12])
@pytest.mark.parametrize("width", [3, 60])
def test_a_tuple_display_is_laid_out_as_black_keeps_it(count: int, width: int) -> None:
    """``()``, ``(x,)`` and ``(x, y)`` on the line when they fit, else one item a line: a
    one-item tuple keeps its comma either way (``(x)`` would be no tuple)."""
    items = TupleDisplay(f'"{i:0{width}d}"' for i in range(count))
    laid = laid_out(items, 4, ",")
    assert laid == str(items) + "," or "\n" in laid
    assert eval(laid.rstrip(",")) == tuple(f"{i:0{width}d}" for i in range(count))
    module = f"x = [\n    {laid}\n]\n"
    assert formatting.format_python(module) == module
    nested = bracket("f(", ["a", items], ")", 0)
    assert formatting.format_python(f"{nested}\n") == f"{nested}\n"
