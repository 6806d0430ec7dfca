"""Stage 5, format: black, on Python files only, on as little of them as it takes, across
the cores, cached.

black costs about 5 to 12 µs a byte of Python, on every line of every file it is given, so:

- ``generate`` calls it only for files whose rendered text changed since the manifest was
  written (see ``write.Manifest``);
- the built-in templates emit black's layout already: a bracket that does not fit on its
  line is laid out one item a line after a trailing comma (``layout.bracket``), which black
  keeps as it is. What only black can lay out right is found by ``statements``: a statement
  with a line still too long (a long string, say), with a character black may measure
  otherwise, or with a string black may quote otherwise, and a docstring black may change.
  black formats each such statement alone, in a scaffold module that puts it at its depth
  (``_Block``), forty to a module, the modules spread over a process per core; its lines
  replace the statement's. That is byte for byte black's output for the whole text
  (``tests/test_format.py`` checks it on four real listings and on random specs of hostile
  text), for about a fifth of the text and a fraction of black's time;
- the text of templates of the user's (``-t``) is formatted whole: cut into *pieces* at the
  top-level ``def``\\s and ``class``\\es where black's output does not depend on what came
  before (see ``pieces``), each piece formatted on its own, the pieces joined byte for byte
  black's output for the whole text (``tests/test_freshness.py`` checks this);
- black's output is kept in the cache (``cache.directory()/black/``, a store per output
  file) under the SHA-256 of its input, black's version and the mode: a text, a statement
  or a piece that black has formatted before is not formatted again. A new output directory
  of the same spec costs no black at all, and a changed declaration costs black on the
  statements whose text changed only;
- black itself is imported only when something is not in the cache: in the pool's
  processes, or, for the few statements of a run over earlier output, in a worker forked
  when the run starts (``prepare``), which imports black while this process renders.
"""

from __future__ import annotations

import ast
import hashlib
import os
import pickle
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache
from .layout import LINE_LENGTH

if TYPE_CHECKING:
    import black
    from multiprocessing.connection import Connection

TARGET = "py311"  # black's target version
# below this many characters to format, a pool costs more than it saves
POOL_MINIMUM = 16_000
# black's directives that reach across statements: a text with any is formatted whole
_DIRECTIVES = re.compile(r"#\s*(?:fmt|yapf)\s*:")


class FormatError(Exception):
    """The rendered text is not valid Python (a template fault)."""


@lru_cache(maxsize=1)
def _mode() -> black.Mode:
    import black
    import black.mode

    return black.Mode(target_versions={black.mode.TargetVersion[TARGET.upper()]})


def format_python(text: str) -> str:
    """black's output for ``text``; raises ``FormatError`` with black's message if it cannot parse."""
    import black
    import black.parsing

    try:
        return black.format_str(text, mode=_mode())
    except black.parsing.InvalidInput as exc:
        raise FormatError(str(exc)) from None


def _format_one(text: str) -> str | FormatError:
    try:
        return format_python(text)
    except FormatError as exc:
        return exc


def pieces(text: str) -> list[str]:
    """``text`` cut before each top-level ``def`` or ``class`` (its decorators included)
    whose black output does not depend on the text before it: one that follows a complete
    statement after blank lines only (no comment, which black may attach to it), and not
    the module's docstring. black puts exactly two blank lines before each such statement,
    whatever the text had, and formats what follows as it would at the start of a file; so
    ``"\\n\\n".join`` of the pieces' black outputs is black's output for the whole text.

    A text that does not parse, or that has a ``# fmt:`` directive, is one piece.
    """
    if _DIRECTIVES.search(text):
        return [text]
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return [text]  # black reports it
    lines = text.splitlines(keepends=True)
    cuts = [0]  # line indexes (0-based) where a piece starts
    for previous, node in zip(body, body[1:]):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if previous is body[0] and isinstance(previous, ast.Expr):
            continue  # after the module docstring black has rules of its own
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        end = previous.end_lineno or previous.lineno  # the last line of ``previous``
        between = lines[end:start]
        if not between or any(line.strip() for line in between):
            continue
        if lines[end - 1].rstrip().endswith("\\"):
            continue  # a continued line is not a complete statement
        cuts.append(start)
    cuts.append(len(lines))
    return ["".join(lines[a:b]).rstrip() + "\n" for a, b in zip(cuts, cuts[1:])]


# what the statements of a text are made of, as far as their extent goes: string literals
# (triple-quoted ones across lines), comments, continued lines, brackets, line ends
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|'
    r"'''(?:[^'\\]|\\.|'(?!''))*'''|"
    r'"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|"
    r"#[^\n]*|\\\n|[(\[{]|[)\]}]|\n",
    re.S,
)


# a line that may not fit, or with a string black may quote otherwise (``"\""`` is ``'"'``)
_SUSPECT = re.compile(
    r'^(?:.{%d,}|.*[^\x00-\x7f].*|.*\\".*)$' % (LINE_LENGTH + 1), re.M
)
_STRING = re.compile(  # a statement that is a string literal alone
    r' *[rRuU]?("""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*")', re.S
)
# a docstring black leaves as it is: on one line, without space, quote or backslash at
# either end inside its quotes
_PLAIN_DOCSTRING = re.compile(r' *"""(?:[^\s"\\]|[^\s"\\][^"\\\n]*[^\s"\\])"""')


def statements(text: str) -> list[tuple[int, int]] | None:
    """Where black may change a text that the built-in templates rendered, as the spans
    (from the first character of a statement's first line to the end of its last, line
    end excluded) of

    - the statements with a line longer than black allows, or of any but ASCII (whose
      width black measures in its own way: an east Asian character counts twice), or with
      an escaped double quote (black may write the string in single quotes), but for a
      string literal alone, which black does not break;
    - the docstrings (a string literal first in a module or block), but for one on one
      line with nothing at its ends for black to change.

    The templates lay out everything else as black does, which the tests check over many
    specs (``tests/test_format.py``). None for a text whose brackets do not balance, or
    with a ``# fmt:`` directive: black formats it whole.
    """
    if _DIRECTIVES.search(text):
        return None
    # offsets where a statement starts: after each line end outside brackets
    starts = [0]
    depth = 0
    for token in _TOKENS.finditer(text):
        first = token.group()[0]
        if first == "\n":
            if depth == 0:
                starts.append(token.end())
        elif first in "([{":
            depth += 1
        elif first in ")]}":
            depth -= 1
    if depth != 0:
        return None
    starts.append(len(text) + 1)
    found: set[int] = set()  # indexes in ``starts`` of the statements black may change
    at = 0
    for suspect in _SUSPECT.finditer(text):
        while starts[at + 1] <= suspect.start():
            at += 1
        a, b = starts[at], starts[at + 1] - 1
        if not _STRING.fullmatch(text, a, b) and text[a:b].lstrip()[:1] != "#":
            found.add(at)
    opened = True  # the statement before (none: the module's start) opens a block
    for i in range(len(starts) - 1):
        a, b = starts[i], starts[i + 1] - 1
        code = text[a:b].strip()
        if not code or code.startswith("#"):
            continue
        if (
            opened
            and _STRING.fullmatch(text, a, b)
            and not _PLAIN_DOCSTRING.fullmatch(text, a, b)
        ):
            found.add(i)
        opened = code.endswith(":")
    return [(starts[i], starts[i + 1] - 1) for i in sorted(found)]


class _Block:
    """A statement alone in a module black can format: at its own indentation inside an
    ``if x:`` a level (a docstring in a ``def f():``), after what its clause must follow
    (``if x: pass`` before an ``elif``, ``try: pass`` before an ``except``), before a
    body if it opens one. A string literal at the left margin is a module's docstring:
    ``alone``, it must open its module. The statement's lines in black's output are those
    between the scaffold's (``statement``)."""

    _AFTER_IF = ("elif ", "else:", "else ")
    _AFTER_TRY = ("except", "finally")

    def __init__(self, text: str, before: int, after: int, original: str) -> None:
        self.text = text  # the scaffold module
        self.before, self.after = before, after  # its lines around the statement's
        self.original = original  # the statement, as in its text
        self.alone = before == 0 and original.startswith(('"', "r", "R", "u", "U"))

    @classmethod
    def of(cls, statement: str) -> _Block | None:
        """The block of ``statement`` (its lines, as in its text), or None if it is none
        this knows to make (a decorator, a ``case``, an indentation not of 4 spaces)."""
        head = statement.lstrip(" ")
        indent = len(statement) - len(head)
        if indent % 4 or head.startswith(("@", "case ", "\t")):
            return None
        depth = indent // 4
        lines = [f"{'    ' * level}if x:" for level in range(depth)]
        if depth and _STRING.fullmatch(statement):  # a docstring to any black: in a def
            lines[-1] = f"{'    ' * (depth - 1)}def f():"
        pad = " " * indent
        if head.startswith(cls._AFTER_IF):
            lines += [f"{pad}if x:", f"{pad}    pass"]
        elif head.startswith(cls._AFTER_TRY):
            lines += [f"{pad}try:", f"{pad}    pass"]
        before = len(lines)
        lines.append(statement)
        after = 0
        if statement.rstrip().endswith(":"):  # a clause: its body
            lines.append(f"{pad}    pass")
            after = 1
        return cls("\n".join(lines) + "\n", before, after, statement)

    def statement(self, output: str) -> str | None:
        """The statement's lines in black's ``output`` for this block (the scaffold's and
        any blank lines black put around them left out), or None if the output is not that
        of this block."""
        lines = output.split("\n")
        first, last, count = 0, len(lines), self.before
        while first < last and (count or not lines[first].strip()):
            count -= bool(lines[first].strip())
            first += 1
        count = self.after
        while first < last and (count or not lines[last - 1].strip()):
            count -= bool(lines[last - 1].strip())
            last -= 1
        laid_out = "\n".join(lines[first:last])
        if _skeleton(laid_out) != _skeleton(self.original):
            return None
        return laid_out


def _skeleton(code: str) -> str:
    """``code`` without what black adds or takes away when it breaks a statement or lays
    out a docstring: whitespace, commas, parentheses, backslashes."""
    return re.sub(r"[\s,()\\]", "", code)


# blocks are formatted many to a module, one after the other below a line of this
_MARK = "ari_codegen_block = 0"


def _format_blocks(blocks: list[_Block]) -> list[str | FormatError]:
    """black's output for each block, the blocks many to a module (each ``alone`` one
    first in one of its own), the modules spread over the cores by ``_run``; a module
    black cannot format, or whose output does not split back into its blocks, is
    formatted block by block."""
    alone = [i for i, block in enumerate(blocks) if block.alone]
    rest = [i for i, block in enumerate(blocks) if not block.alone]
    groups = [[i] for i in alone] + [rest[k : k + 40] for k in range(0, len(rest), 40)]
    modules = [f"\n{_MARK}\n".join(blocks[i].text for i in group) for group in groups]
    results: list[str | FormatError | None] = [None] * len(blocks)
    retry: list[int] = []
    for group, output in zip(groups, _run(modules)):
        parts = output.split(f"\n{_MARK}\n") if isinstance(output, str) else []
        if len(parts) != len(group):
            retry += group
            continue
        for i, part in zip(group, parts):
            results[i] = part
    for i, output in zip(retry, _run([blocks[i].text for i in retry])):
        results[i] = output
    return [r if r is not None else FormatError("no output") for r in results]


@lru_cache(maxsize=1)
def _scheme() -> str:
    """The digest of this module, which says how black runs (its mode) and how texts are
    cut: a change to either makes every entry of the cache stale."""
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:  # not a file: the code digest, which covers it
        return cache.code_digest()


def _version() -> str:
    try:  # black's own version module: much cheaper than importing black
        from _black_version import version  # type: ignore[import-untyped]

        return str(version)
    except ImportError:
        import importlib.metadata

        return importlib.metadata.version("black")


class _Store:
    """black's outputs by the SHA-256 of their inputs, for this black, mode and scheme, and
    one output file (so that a store stays the size of its module, however many modules
    and specs share the cache): read once, written back if this run added anything, with
    the entries this run used and, of the others, the most recent up to as much again (the
    module before an edit, say). A store that cannot be read or written is not used."""

    def __init__(self, name: str) -> None:
        base = cache.directory()
        identity = f"{_scheme()}\0{_version()}\0{name}".encode("utf-8", "replace")
        digest = hashlib.sha256(identity).hexdigest()[:32]
        self.path = base / "black" / f"{digest}.pickle" if base else None
        self.entries: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.added = False
        if self.path is not None:
            try:
                loaded = pickle.loads(self.path.read_bytes())
                if isinstance(loaded, dict):
                    self.entries = loaded
            except Exception:  # missing, unreadable: empty
                pass

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, text: str) -> str | None:
        key = self.key(text)
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, text: str, formatted: str) -> None:
        self.used[self.key(text)] = formatted
        self.added = True

    def save(self) -> None:
        if self.path is None or not self.added:
            return  # nothing new: the entries this run used are there already
        room = sum(map(len, self.used.values()))
        older: list[tuple[str, str]] = []
        for key, value in reversed(self.entries.items()):  # the most recent first
            if key not in self.used:
                room -= len(value)
                if room < 0:
                    break
                older.append((key, value))
        entries = dict(reversed(older)) | self.used  # the oldest first
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(pickle.dumps(entries, pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.path)
        except (OSError, pickle.PicklingError):
            pass


class _Worker:
    """A process forked when a run starts that may need black: it imports black while this
    process validates, parses and renders, then formats what it is sent. (Importing black
    takes about 0.1 s; a changed declaration leaves black far less than that to do.)"""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()

    def run(self, texts: list[str]) -> list[str | FormatError] | None:
        """black on ``texts`` there, or None if the worker failed."""
        try:
            self.connection.send(texts)
            done = self.connection.recv()
        except (OSError, EOFError):
            return None
        return done if isinstance(done, list) and len(done) == len(texts) else None

    def stop(self) -> None:
        self.connection.close()
        self.process.terminate()
        self.process.join()


def _serve(connection: Connection) -> None:
    import black  # noqa: F401

    while True:
        try:
            texts = connection.recv()
        except (EOFError, OSError):
            return
        connection.send([_format_one(text) for text in texts])


_worker: list[_Worker] = []  # the one started by ``prepare``, until ``release``


def prepare() -> None:
    """Fork the worker that imports black ahead of need (where processes fork: Linux; and
    only from a process of one thread, whose locks no other thread can hold at the fork),
    unless it runs already; ``release`` stops it, used or not."""
    import threading

    if _worker or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return
    try:
        _worker.append(_Worker())
    except (OSError, ValueError, RuntimeError):
        pass


def release() -> None:
    """Stop the worker ``prepare`` started, if any."""
    while _worker:
        _worker.pop().stop()


def _run(texts: list[str]) -> list[str | FormatError]:
    """black on each text: a lot of text in a pool of processes (one per core, the longest
    first); a little in the worker ``prepare`` started, where there is one; else here, one
    after the other."""
    workers = min(len(texts), os.cpu_count() or 1)
    if workers > 1 and sum(map(len, texts)) >= POOL_MINIMUM:
        release()  # the pool's processes fork from this one, black imported
        import black  # noqa: F401  (imported before the workers fork: they inherit it)

        longest_first = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        try:
            chunk = max(1, len(texts) // (4 * workers))  # a few rounds a process
            with ProcessPoolExecutor(workers) as pool:
                ordered = [texts[i] for i in longest_first]
                done = pool.map(_format_one, ordered, chunksize=chunk)
                by_index = dict(zip(longest_first, done))
            return [by_index[i] for i in range(len(texts))]
        except (OSError, RuntimeError):  # no processes here (or a broken pool)
            pass
    if _worker and texts:
        there = _worker[0].run(texts)
        if there is not None:
            return there
        release()
    return [_format_one(text) for text in texts]


def format_all(
    texts: list[str], names: list[str] | None = None, *, laid_out: bool = False
) -> list[str | FormatError]:
    """black's output for each text, or its ``FormatError``, in order; ``names`` (the output
    paths) say which cache store each text's entries are kept in. ``laid_out`` says the
    texts come from templates that emit black's layout (the built-in ones): black then
    formats only what ``statements`` finds of them, each statement in a ``_Block``; else it
    formats them piece by piece (see ``pieces``)."""
    shown = (
        names if names is not None and len(names) == len(texts) else [""] * len(texts)
    )
    stores = {name: _Store(name) for name in shown}
    results = [stores[name].get(text) for name, text in zip(shown, texts)]
    jobs = {
        i: _Job(text, laid_out, stores[shown[i]])
        for i, text in enumerate(texts)
        if results[i] is None
    }
    blocks: dict[str, _Block] = {}  # what black is to format, once each: blocks,
    wanted: dict[str, None] = {}  # and pieces
    for job in jobs.values():
        for part in job.parts:
            if part in job.outputs:
                continue
            if isinstance(part, _Block):
                blocks[part.text] = part
            else:
                wanted[part] = None
    formatted = dict(zip(wanted, _run(list(wanted))))
    formatted.update(zip(blocks, _format_blocks(list(blocks.values()))))
    done: list[str | FormatError] = []
    for i, text in enumerate(texts):
        known = results[i]
        if known is not None:
            done.append(known)
            continue
        result = jobs[i].finish(formatted)
        if isinstance(result, str):
            stores[shown[i]].put(text, result)
        done.append(result)
    for store in stores.values():
        store.save()
    return done


class _Job:
    """What black formats of one text, and how its outputs make the text's: the blocks of
    the statements ``statements`` finds (where it can make them all), else the pieces.
    """

    def __init__(self, text: str, laid_out: bool, store: _Store) -> None:
        self.text, self.store = text, store
        self.spans = statements(text) if laid_out else None
        self.blocks: list[_Block] | None = None
        if self.spans is not None:
            made = [_Block.of(text[a:b]) for a, b in self.spans]
            if all(block is not None for block in made):
                self.blocks = [block for block in made if block is not None]
        self.parts: list[str] | list[_Block] = (
            self.blocks if self.blocks is not None else pieces(text)
        )
        self.outputs: dict[object, str] = {}  # a part -> black's output from the cache
        for part in self.parts:
            found = store.get(part.text if isinstance(part, _Block) else part)
            if found is not None:
                self.outputs[part] = found

    def finish(self, formatted: dict[str, str | FormatError]) -> str | FormatError:
        keys = [p.text if isinstance(p, _Block) else p for p in self.parts]
        outputs = [
            self.outputs[p] if p in self.outputs else formatted[k]
            for p, k in zip(self.parts, keys)
        ]
        if any(isinstance(o, FormatError) for o in outputs):
            # black's message for the whole text, where the error is
            return _format_one(self.text)
        strings = [o for o in outputs if isinstance(o, str)]
        for key, output in zip(keys, strings):
            self.store.put(key, output)
        if self.blocks is None:
            return "\n\n".join(strings)
        assert self.spans is not None
        laid: list[str] = []
        end = 0
        for (a, b), block, output in zip(self.spans, self.blocks, strings):
            statement = block.statement(output)
            if statement is None:  # not what its block gives: black on the whole text
                return _format_one(self.text)
            laid += [self.text[end:a], statement]
            end = b
        return "".join([*laid, self.text[end:]])


def cache_path(name: str = "") -> Path | None:
    """Where black's outputs for output file ``name`` are kept, or None."""
    return _Store(name).path
