"""Stage 5, format: black, on Python files only, piece by piece, across the cores, cached.

black dominates generation time (about 12 µs a byte, on every line of every file), so:

- ``generate`` calls it only for files whose rendered text changed since the manifest was
  written (see ``write.Manifest``);
- a text is cut into *pieces* at the top-level ``def``\\s and ``class``\\es where black's
  output does not depend on what came before (see ``pieces``), and black formats each piece
  on its own: the pieces joined are byte for byte black's output for the whole text
  (``tests/test_freshness.py`` checks this on the generated package). Pieces spread evenly
  over a pool of processes, one per core, where one big module would keep one core busy
  while the other idles;
- black's output is kept in the cache (``cache.directory()/black/``, a store per output
  file) under the SHA-256 of its input, black's version and the mode: a text or a piece
  that black has formatted before is not formatted again. A new output directory of the
  same spec costs no black at all, and a changed declaration costs black on the pieces
  whose text changed only;
- black itself is imported only when something is not in the cache: in the pool's
  processes, or, for the few pieces of a run over earlier output, in a worker forked when
  the run starts (``prepare``), which imports black while this process renders.
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
            with ProcessPoolExecutor(workers) as pool:
                done = pool.map(_format_one, [texts[i] for i in longest_first])
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
    texts: list[str], names: list[str] | None = None
) -> list[str | FormatError]:
    """black's output for each text, or its ``FormatError``, in order; ``names`` (the output
    paths) say which cache store each text's entries are kept in (see the module's docstring
    for the pieces and the cache)."""
    shown = (
        names if names is not None and len(names) == len(texts) else [""] * len(texts)
    )
    stores = {name: _Store(name) for name in shown}
    results = [stores[name].get(text) for name, text in zip(shown, texts)]
    cut: dict[int, list[str]] = {}  # text index -> its pieces
    wanted: dict[str, None] = {}  # pieces not in the cache, in order, once each
    known: dict[str, str] = {}
    for i, text in enumerate(texts):
        if results[i] is not None:
            continue
        cut[i] = pieces(text)
        for piece in cut[i]:
            found = stores[shown[i]].get(piece)
            if found is not None:
                known[piece] = found
            elif piece not in known:
                wanted[piece] = None
    formatted = dict(zip(wanted, _run(list(wanted))))
    done: list[str | FormatError] = []
    for i, text in enumerate(texts):
        result = results[i]
        if result is not None:
            done.append(result)
            continue
        store, parts = stores[shown[i]], cut[i]
        outputs = [known[p] if p in known else formatted[p] for p in parts]
        errors = [o for o in outputs if isinstance(o, FormatError)]
        if errors:  # a piece black cannot parse: black's message for the whole text
            done.append(errors[0] if len(parts) == 1 else _format_one(text))
            continue
        for piece, output in zip(parts, outputs):
            if isinstance(output, str):
                store.put(piece, output)
        whole = "\n\n".join(o for o in outputs if isinstance(o, str))
        store.put(text, whole)
        done.append(whole)
    for store in stores.values():
        store.save()
    return done


def cache_path(name: str = "") -> Path | None:
    """Where black's outputs for output file ``name`` are kept, or None."""
    return _Store(name).path
